import type { TopLevelSpec } from 'vega-lite';
import { logLogRunChart, type RiskPlotOptions } from './trajectoryPlots.js';

export interface StepSizeRun {
  readonly label: string;
  readonly points: readonly { readonly step: number; readonly eta: number }[];
}

/** η_t against t, both axes logarithmic (SR.R4.1: the JT.A4 step shrinks as the layers grow). */
export function stepSizePlot(runs: readonly StepSizeRun[], o: RiskPlotOptions = {}): TopLevelSpec {
  const points = runs.flatMap((r) => r.points.map((p) => ({ x: p.step, y: p.eta, series: r.label })));
  return logLogRunChart('step size η_t', 'η_t (log scale)', points, o);
}
