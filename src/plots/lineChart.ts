import type { TopLevelSpec } from 'vega-lite';

/** One point of a line: `series` picks the colour, `group` (optional) the dash pattern. */
export interface LinePoint {
  readonly x: number;
  readonly y: number;
  readonly series: string;
  readonly group?: string;
}

export type AxisScale = 'linear' | 'log';

export interface LineChartOptions {
  readonly title: string;
  readonly subtitle?: string;
  readonly xTitle: string;
  readonly yTitle: string;
  readonly points: readonly LinePoint[];
  readonly xScale?: AxisScale;
  readonly yScale?: AxisScale;
  readonly yDomain?: readonly [number, number];
  /** legend titles for the colour and dash channels */
  readonly seriesTitle?: string;
  readonly groupTitle?: string;
  /** dashed horizontal reference lines, e.g. ρ = 1 */
  readonly references?: readonly { readonly y: number; readonly label: string }[];
  readonly width?: number;
  readonly height?: number;
}

/** Points dropped before plotting: non-finite values, and non-positive ones on a log axis. */
export function plottable(p: LinePoint, xScale: AxisScale, yScale: AxisScale): boolean {
  if (!Number.isFinite(p.x) || !Number.isFinite(p.y)) return false;
  if (xScale === 'log' && p.x <= 0) return false;
  if (yScale === 'log' && p.y <= 0) return false;
  return true;
}

/**
 * The vega-lite spec of a line chart over steps (or time). Log axes drop the
 * points they cannot show (step 0, zero drift) and say so in the subtitle, so
 * a reader is never shown less than the data without being told.
 */
export function lineChartSpec(o: LineChartOptions): TopLevelSpec {
  const xScale = o.xScale ?? 'linear';
  const yScale = o.yScale ?? 'linear';
  const kept = o.points.filter((p) => plottable(p, xScale, yScale));
  // step 0 has no place on a log step axis, which the axis title already says; anything else dropped is noted
  const dropped = o.points.filter((p) => !plottable(p, xScale, yScale) && !(xScale === 'log' && p.x === 0)).length;
  const series = [...new Set(kept.map((p) => p.series))];
  const groups = [...new Set(kept.map((p) => p.group).filter((g): g is string => g !== undefined))];
  const perLine = kept.length / Math.max(1, series.length * Math.max(1, groups.length));
  const notes = [
    o.subtitle,
    dropped > 0 ? `${dropped} value(s) not shown (${yScale === 'log' ? '≤ 0 or ' : ''}non-finite)` : undefined,
    kept.length === 0 ? 'no values to show' : undefined,
  ].filter((s): s is string => !!s);
  const rows = kept.map((p) => ({ x: p.x, y: p.y, series: p.series, group: p.group ?? '' }));
  const refs = (o.references ?? []).filter((r) => Number.isFinite(r.y) && (yScale !== 'log' || r.y > 0));
  const yScaleDef: Record<string, unknown> = { type: yScale };
  if (o.yDomain) yScaleDef.domain = [...o.yDomain];
  else if (yScale === 'linear') yScaleDef.zero = false;
  const lineLayer = {
    data: { values: rows },
    mark: { type: 'line', strokeWidth: 1.6, clip: true, point: perLine <= 40 && groups.length <= 1 ? { size: 14, filled: true } : false },
    encoding: {
      x: { field: 'x', type: 'quantitative', title: o.xTitle, scale: xScale === 'log' ? { type: 'log' } : { type: 'linear', zero: false } },
      y: { field: 'y', type: 'quantitative', title: o.yTitle, scale: yScaleDef },
      color: { field: 'series', type: 'nominal', title: o.seriesTitle ?? null, sort: series, legend: series.length > 1 ? {} : null },
      ...(groups.length > 1 ? { strokeDash: { field: 'group', type: 'nominal', title: o.groupTitle ?? null, sort: groups } } : {}),
    },
  };
  const refLayer = {
    data: { values: refs.map((r) => ({ y: r.y, label: r.label })) },
    mark: { type: 'rule', strokeDash: [4, 4], color: '#888', strokeWidth: 1 },
    encoding: { y: { field: 'y', type: 'quantitative' }, tooltip: { field: 'label', type: 'nominal' } },
  };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: notes.length > 0 ? { text: o.title, subtitle: notes } : { text: o.title },
    width: o.width ?? 360,
    height: o.height ?? 220,
    background: 'white',
    config: { legend: { labelLimit: 280 } },
    layer: refs.length > 0 ? [lineLayer, refLayer] : [lineLayer],
  } as TopLevelSpec;
}
