import type { TopLevelSpec } from 'vega-lite';
import { lineChartSpec } from './lineChart.js';
import { layerPoints, STEP_AXIS, type LayerSelection, type Trajectory } from './trajectory.js';

export interface NormRatioPlotOptions extends LayerSelection {
  readonly title?: string;
  readonly subtitle?: string;
}

/** ρ_k = ‖W_k‖_2/‖W_k‖_F against t, with the limit ρ = 1 drawn (JT.Thm1-rank1). */
export function normRatioPlot(runs: readonly Trajectory[], o: NormRatioPlotOptions = {}): TopLevelSpec {
  return lineChartSpec({
    title: o.title ?? 'norm ratios ρ_k = ‖W_k‖₂ / ‖W_k‖_F',
    subtitle: o.subtitle,
    xTitle: STEP_AXIS,
    yTitle: 'ρ_k',
    xScale: 'log',
    points: layerPoints(runs, (c) => c.normRatio, (k) => `ρ_${k}`, o),
    references: [{ y: 1, label: 'rank one' }],
    seriesTitle: runs.length > 1 && o.only?.length === 1 ? 'run' : 'layer',
    groupTitle: 'run',
  });
}
