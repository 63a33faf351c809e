import type { TopLevelSpec } from 'vega-lite';
import { lineChartSpec } from './lineChart.js';
import { layerPoints, STEP_AXIS, type LayerSelection, type Trajectory } from './trajectory.js';

export interface FrobeniusPlotOptions extends LayerSelection {
  readonly title?: string;
  readonly subtitle?: string;
}

/** ‖W_k‖_F against t, both axes logarithmic (JT.Thm1-norms: every norm → ∞). */
export function frobeniusPlot(runs: readonly Trajectory[], o: FrobeniusPlotOptions = {}): TopLevelSpec {
  return lineChartSpec({
    title: o.title ?? 'layer norms ‖W_k‖_F',
    subtitle: o.subtitle,
    xTitle: STEP_AXIS,
    yTitle: '‖W_k‖_F (log scale)',
    xScale: 'log',
    yScale: 'log',
    points: layerPoints(runs, (c) => c.frobenius, (k) => `‖W_${k}‖_F`, o),
    seriesTitle: runs.length > 1 && o.only?.length === 1 ? 'run' : 'layer',
    groupTitle: 'run',
  });
}
