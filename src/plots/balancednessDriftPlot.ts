import type { TopLevelSpec } from 'vega-lite';
import { lineChartSpec } from './lineChart.js';
import { layerPoints, STEP_AXIS, type LayerSelection, type Trajectory } from './trajectory.js';

export interface DriftPlotOptions extends LayerSelection {
  readonly title?: string;
  readonly subtitle?: string;
}

/**
 * ‖D_k(t) − D_k(0)‖_F against t, both axes logarithmic (DHL.Thm2.2: GD moves
 * D_k only at second order, F2). Zero drift cannot be drawn on a log axis;
 * the chart says how many such points it left out.
 */
export function balancednessDriftPlot(runs: readonly Trajectory[], o: DriftPlotOptions = {}): TopLevelSpec {
  return lineChartSpec({
    title: o.title ?? 'balancedness drift ‖D_k(t) − D_k(0)‖_F',
    subtitle: o.subtitle,
    xTitle: STEP_AXIS,
    yTitle: '‖Δ_k(t)‖_F (log scale)',
    xScale: 'log',
    yScale: 'log',
    points: layerPoints(runs, (c) => c.balancednessDrift, (k) => `D_${k}`, o),
    seriesTitle: runs.length > 1 && o.only?.length === 1 ? 'run' : 'layer pair',
    groupTitle: 'run',
  });
}
