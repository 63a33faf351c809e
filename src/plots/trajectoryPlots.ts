import type { TopLevelSpec } from 'vega-lite';
import type { CheckpointRecord } from '../metrics/checkpoint.js';
import { type LinePoint, lineChartSpec } from './lineChart.js';
import { layerPoints, scalarPoints, STEP_AXIS, type LayerSelection, type Trajectory } from './trajectory.js';

/**
 * The trajectory charts: one line chart per checkpoint metric against t (log axis), from one table. A layer chart
 * draws one curve per layer (or layer pair); a scalar chart one curve per run.
 */

export interface PlotOptions {
  readonly title?: string;
  readonly subtitle?: string;
}

export interface LayerPlotOptions extends PlotOptions, LayerSelection {}

export interface RiskPlotOptions extends PlotOptions {
  /** e.g. ℓ(0)/n: below it every point is classified correctly (JT.Thm1-risk) */
  readonly references?: readonly { readonly y: number; readonly label: string }[];
}

interface LayerChart {
  readonly title: string;
  readonly yTitle: string;
  readonly logY: boolean;
  readonly yDomain?: readonly [number, number];
  readonly values: (c: CheckpointRecord) => readonly number[];
  readonly curve: (k: number) => string;
  readonly references?: readonly { readonly y: number; readonly label: string }[];
  /** the legend's title when curves are layers (or pairs) */
  readonly series: string;
}

const LAYER_CHARTS = {
  /** ρ_k = ‖W_k‖_2/‖W_k‖_F, with the limit ρ = 1 drawn (JT.Thm1-rank1) */
  normRatio: {
    title: 'norm ratios ρ_k = ‖W_k‖₂ / ‖W_k‖_F',
    yTitle: 'ρ_k',
    logY: false,
    values: (c) => c.normRatio,
    curve: (k) => `ρ_${k}`,
    references: [{ y: 1, label: 'rank one' }],
    series: 'layer',
  },
  /** ‖W_k‖_F, both axes logarithmic (JT.Thm1-norms: every norm → ∞) */
  frobenius: {
    title: 'layer norms ‖W_k‖_F',
    yTitle: '‖W_k‖_F (log scale)',
    logY: true,
    values: (c) => c.frobenius,
    curve: (k) => `‖W_${k}‖_F`,
    series: 'layer',
  },
  /** adjacent alignment |⟨v_{k+1}, u_k⟩| (JT.Thm1-align); curve k compares layers k and k+1; singular vectors' signs are arbitrary, hence |·| */
  alignment: {
    title: 'adjacent alignment |⟨v_{k+1}, u_k⟩|',
    yTitle: '|⟨v_{k+1}, u_k⟩|',
    logY: false,
    yDomain: [0, 1.02],
    values: (c) => c.adjacentAlignment,
    curve: (k) => `k=${k}`,
    references: [{ y: 1, label: 'aligned' }],
    series: 'pair',
  },
  /**
   * ‖D_k(t) − D_k(0)‖_F, both axes logarithmic (DHL.Thm2.2: GD moves D_k only at second order, F2). Zero drift
   * cannot be drawn on a log axis; the chart says how many such points it left out.
   */
  balancednessDrift: {
    title: 'balancedness drift ‖D_k(t) − D_k(0)‖_F',
    yTitle: '‖Δ_k(t)‖_F (log scale)',
    logY: true,
    values: (c) => c.balancednessDrift,
    curve: (k) => `D_${k}`,
    series: 'layer pair',
  },
} satisfies Record<string, LayerChart>;

function layerChart(chart: LayerChart, runs: readonly Trajectory[], o: LayerPlotOptions): TopLevelSpec {
  return lineChartSpec({
    title: o.title ?? chart.title,
    subtitle: o.subtitle,
    xTitle: STEP_AXIS,
    yTitle: chart.yTitle,
    xScale: 'log',
    yScale: chart.logY ? 'log' : undefined,
    yDomain: chart.yDomain,
    points: layerPoints(runs, chart.values, chart.curve, o),
    references: chart.references,
    seriesTitle: runs.length > 1 && o.only?.length === 1 ? 'run' : chart.series,
    groupTitle: 'run',
  });
}

export const normRatioPlot = (runs: readonly Trajectory[], o: LayerPlotOptions = {}): TopLevelSpec => layerChart(LAYER_CHARTS.normRatio, runs, o);
export const frobeniusPlot = (runs: readonly Trajectory[], o: LayerPlotOptions = {}): TopLevelSpec => layerChart(LAYER_CHARTS.frobenius, runs, o);
export const alignmentPlot = (runs: readonly Trajectory[], o: LayerPlotOptions = {}): TopLevelSpec => layerChart(LAYER_CHARTS.alignment, runs, o);
export const balancednessDriftPlot = (runs: readonly Trajectory[], o: LayerPlotOptions = {}): TopLevelSpec =>
  layerChart(LAYER_CHARTS.balancednessDrift, runs, o);

/** The angle ∠(w_prod, ū) in degrees from a cosine; rounding can push |cos| past 1, so it is clamped. */
export function angleDegrees(cos: number): number {
  return (Math.acos(Math.min(1, Math.max(-1, cos))) * 180) / Math.PI;
}

/** One curve per run against t, both axes logarithmic: the scalar charts (risk, angle, step size). */
export function logLogRunChart(title: string, yTitle: string, points: readonly LinePoint[], o: RiskPlotOptions): TopLevelSpec {
  return lineChartSpec({
    title: o.title ?? title,
    subtitle: o.subtitle,
    xTitle: STEP_AXIS,
    yTitle,
    xScale: 'log',
    yScale: 'log',
    points,
    references: o.references,
    seriesTitle: 'run',
  });
}

/** R(W(t)) against t, both axes logarithmic (JT.Thm1-risk: R → 0). */
export function riskPlot(runs: readonly Trajectory[], o: RiskPlotOptions = {}): TopLevelSpec {
  return logLogRunChart(
    'risk',
    'R(W(t)) (log scale)',
    scalarPoints(runs, (c) => c.risk),
    o,
  );
}

/** ∠(w_prod(t), ū) in degrees, both axes logarithmic (JT.Thm2/Thm4-margin: the angle → 0). */
export function angleToMaxMarginPlot(runs: readonly Trajectory[], o: PlotOptions = {}): TopLevelSpec {
  const angle = (c: CheckpointRecord) => (c.cosineToMaxMargin === null ? null : angleDegrees(c.cosineToMaxMargin));
  return logLogRunChart('angle between w_prod and the max-margin direction ū', '∠(w_prod, ū) in degrees (log scale)', scalarPoints(runs, angle), o);
}

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
