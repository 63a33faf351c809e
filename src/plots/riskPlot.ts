import type { TopLevelSpec } from 'vega-lite';
import { lineChartSpec } from './lineChart.js';
import { scalarPoints, STEP_AXIS, type Trajectory } from './trajectory.js';

export interface RiskPlotOptions {
  readonly title?: string;
  readonly subtitle?: string;
  /** e.g. ℓ(0)/n: below it every point is classified correctly (JT.Thm1-risk) */
  readonly references?: readonly { readonly y: number; readonly label: string }[];
}

/** R(W(t)) against t, both axes logarithmic (JT.Thm1-risk: R → 0). */
export function riskPlot(runs: readonly Trajectory[], o: RiskPlotOptions = {}): TopLevelSpec {
  return lineChartSpec({
    title: o.title ?? 'risk',
    subtitle: o.subtitle,
    xTitle: STEP_AXIS,
    yTitle: 'R(W(t)) (log scale)',
    xScale: 'log',
    yScale: 'log',
    points: scalarPoints(runs, (c) => c.risk),
    references: o.references,
    seriesTitle: 'run',
  });
}
