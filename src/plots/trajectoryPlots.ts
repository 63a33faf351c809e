import type { TopLevelSpec } from 'vega-lite';
import { alignmentPlot } from './alignmentPlot.js';
import { angleToMaxMarginPlot } from './angleToMaxMarginPlot.js';
import { balancednessDriftPlot } from './balancednessDriftPlot.js';
import { frobeniusPlot } from './frobeniusPlot.js';
import { normRatioPlot } from './normRatioPlot.js';
import { riskPlot } from './riskPlot.js';
import type { Trajectory } from './trajectory.js';

export interface NamedPlot {
  /** short file-name-safe name, e.g. "risk" */
  readonly name: string;
  readonly spec: TopLevelSpec;
}

/**
 * The standard set of trajectory plots for runs of one kind: risk, ρ_k,
 * ‖W_k‖_F, and — where the records carry them — adjacent alignment, the angle
 * to ū and balancedness drift.
 */
export function trajectoryPlots(runs: readonly Trajectory[]): NamedPlot[] {
  const records = runs.flatMap((r) => r.checkpoints);
  const out: NamedPlot[] = [
    { name: 'risk', spec: riskPlot(runs) },
    { name: 'norm-ratio', spec: normRatioPlot(runs) },
    { name: 'frobenius', spec: frobeniusPlot(runs) },
  ];
  if (records.some((c) => c.adjacentAlignment.length > 0)) out.push({ name: 'alignment', spec: alignmentPlot(runs) });
  if (records.some((c) => c.cosineToMaxMargin !== null)) out.push({ name: 'angle', spec: angleToMaxMarginPlot(runs) });
  if (records.some((c) => c.balancednessDrift.length > 0)) out.push({ name: 'balancedness', spec: balancednessDriftPlot(runs) });
  return out;
}
