import type { TopLevelSpec } from 'vega-lite';
import { lineChartSpec } from './lineChart.js';
import { layerPoints, STEP_AXIS, type LayerSelection, type Trajectory } from './trajectory.js';

export interface AlignmentPlotOptions extends LayerSelection {
  readonly title?: string;
  readonly subtitle?: string;
}

/**
 * Adjacent alignment |⟨v_{k+1}, u_k⟩| against t (JT.Thm1-align); curve k
 * compares layers k and k+1. Signs of singular vectors are arbitrary, hence |·|.
 */
export function alignmentPlot(runs: readonly Trajectory[], o: AlignmentPlotOptions = {}): TopLevelSpec {
  return lineChartSpec({
    title: o.title ?? 'adjacent alignment |⟨v_{k+1}, u_k⟩|',
    subtitle: o.subtitle,
    xTitle: STEP_AXIS,
    yTitle: '|⟨v_{k+1}, u_k⟩|',
    xScale: 'log',
    yDomain: [0, 1.02],
    points: layerPoints(runs, (c) => c.adjacentAlignment, (k) => `k=${k}`, o),
    references: [{ y: 1, label: 'aligned' }],
    seriesTitle: runs.length > 1 && o.only?.length === 1 ? 'run' : 'pair',
    groupTitle: 'run',
  });
}
