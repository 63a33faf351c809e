import type { TopLevelSpec } from 'vega-lite';
import { lineChartSpec } from './lineChart.js';
import { scalarPoints, STEP_AXIS, type Trajectory } from './trajectory.js';

export interface AnglePlotOptions {
  readonly title?: string;
  readonly subtitle?: string;
}

/** The angle ∠(w_prod, ū) in degrees from a cosine; rounding can push |cos| past 1, so it is clamped. */
export function angleDegrees(cos: number): number {
  return (Math.acos(Math.min(1, Math.max(-1, cos))) * 180) / Math.PI;
}

/** ∠(w_prod(t), ū) in degrees, both axes logarithmic (JT.Thm2/Thm4-margin: the angle → 0). */
export function angleToMaxMarginPlot(runs: readonly Trajectory[], o: AnglePlotOptions = {}): TopLevelSpec {
  return lineChartSpec({
    title: o.title ?? 'angle between w_prod and the max-margin direction ū',
    subtitle: o.subtitle,
    xTitle: STEP_AXIS,
    yTitle: '∠(w_prod, ū) in degrees (log scale)',
    xScale: 'log',
    yScale: 'log',
    points: scalarPoints(runs, (c) => (c.cosineToMaxMargin === null ? null : angleDegrees(c.cosineToMaxMargin))),
    seriesTitle: 'run',
  });
}
