import type { TopLevelSpec } from 'vega-lite';
import { lineChartSpec } from './lineChart.js';
import { STEP_AXIS } from './trajectory.js';

export interface StepSizeRun {
  readonly label: string;
  readonly points: readonly { readonly step: number; readonly eta: number }[];
}

export interface StepSizePlotOptions {
  readonly title?: string;
  readonly subtitle?: string;
  readonly references?: readonly { readonly y: number; readonly label: string }[];
}

/** η_t against t, both axes logarithmic (SR.R4.1: the JT.A4 step shrinks as the layers grow). */
export function stepSizePlot(runs: readonly StepSizeRun[], o: StepSizePlotOptions = {}): TopLevelSpec {
  return lineChartSpec({
    title: o.title ?? 'step size η_t',
    subtitle: o.subtitle,
    xTitle: STEP_AXIS,
    yTitle: 'η_t (log scale)',
    xScale: 'log',
    yScale: 'log',
    points: runs.flatMap((r) => r.points.map((p) => ({ x: p.step, y: p.eta, series: r.label }))),
    references: o.references,
    seriesTitle: 'run',
  });
}
