import type { TopLevelSpec } from 'vega-lite';
import { sampleGrid, zeroContour, type Box } from './zeroContour.js';

export interface LabelledPoint {
  readonly x: number;
  readonly y: number;
  /** ±1 */
  readonly label: number;
}

/** A classifier drawn by its zero level set: sign(score(x, y)) is its decision. */
export interface Boundary {
  readonly name: string;
  readonly score: (x: number, y: number) => number;
}

export interface DecisionBoundaryOptions {
  readonly title: string;
  readonly subtitle?: string | readonly string[];
  readonly points: readonly LabelledPoint[];
  readonly boundaries: readonly Boundary[];
  /** indices of points to ring (support vectors) */
  readonly highlight?: readonly number[];
  readonly highlightName?: string;
  /** shade the sign regions of this boundary (by name) */
  readonly shade?: string;
  /** plotted region; default: the points' extent plus 10% */
  readonly box?: Box;
  /** grid cells per side for the contour (default 120) and the shading (default 48) */
  readonly resolution?: number;
  readonly shadeResolution?: number;
  readonly size?: number;
}

function extent(points: readonly LabelledPoint[]): Box {
  let x0 = Infinity;
  let x1 = -Infinity;
  let y0 = Infinity;
  let y1 = -Infinity;
  for (const p of points) {
    x0 = Math.min(x0, p.x);
    x1 = Math.max(x1, p.x);
    y0 = Math.min(y0, p.y);
    y1 = Math.max(y1, p.y);
  }
  if (!Number.isFinite(x0)) return { x0: -1, x1: 1, y0: -1, y1: 1 };
  const pad = 0.1 * Math.max(x1 - x0, y1 - y0, 1e-3);
  return { x0: x0 - pad, x1: x1 + pad, y0: y0 - pad, y1: y1 + pad };
}

const CLASS_COLORS = ['#1f77b4', '#ff7f0e'];
const BOUNDARY_COLORS = ['#111111', '#d62728', '#2ca02c', '#9467bd'];
const BOUNDARY_DASHES = [
  [1, 0],
  [6, 4],
  [2, 3],
  [8, 3, 2, 3],
];

/**
 * A 2-D dataset with decision boundaries. Each boundary is the zero level set
 * of its score sampled on a grid (marching squares): for a linear classifier
 * ⟨w, x⟩ = 0 this is exactly its line, for a ReLU net a polygonal contour.
 */
export function decisionBoundaryPlot(o: DecisionBoundaryOptions): TopLevelSpec {
  const box = o.box ?? extent(o.points);
  const res = o.resolution ?? 120;
  const segments = o.boundaries.flatMap((b) => zeroContour(sampleGrid(b.score, box, res)).map((s) => ({ ...s, boundary: b.name })));
  const names = o.boundaries.map((b) => b.name);
  const classRows = o.points.map((p) => ({ x: p.x, y: p.y, cls: p.label > 0 ? 'y = +1' : 'y = −1' }));
  const layers: unknown[] = [];
  const xEnc = { field: 'x', type: 'quantitative', title: 'x₁', scale: { domain: [box.x0, box.x1], nice: false, zero: false } };
  const yEnc = { field: 'y', type: 'quantitative', title: 'x₂', scale: { domain: [box.y0, box.y1], nice: false, zero: false } };
  const shaded = o.boundaries.find((b) => b.name === o.shade);
  if (shaded) {
    const sr = o.shadeResolution ?? 48;
    const g = sampleGrid((x, y) => shaded.score(x, y), { ...box }, sr);
    const hx = (box.x1 - box.x0) / sr;
    const hy = (box.y1 - box.y0) / sr;
    const cells: { x: number; x2: number; y: number; y2: number; cls: string }[] = [];
    // colour a cell by the sign of its corners' sum; runs of equal sign in a row merge into one rect (a few per row, not sr)
    for (let j = 0; j < sr; j++) {
      let start = 0;
      let current: string | null = null;
      for (let i = 0; i <= sr; i++) {
        let cls: string | null = null;
        if (i < sr) {
          const v = g.values[j * (sr + 1) + i] + g.values[j * (sr + 1) + i + 1] + g.values[(j + 1) * (sr + 1) + i] + g.values[(j + 1) * (sr + 1) + i + 1];
          cls = Number.isFinite(v) ? (v > 0 ? 'y = +1' : 'y = −1') : null;
        }
        if (cls !== current || i === sr) {
          if (current !== null) cells.push({ x: box.x0 + start * hx, x2: box.x0 + i * hx, y: box.y0 + j * hy, y2: box.y0 + (j + 1) * hy, cls: current });
          start = i;
          current = cls;
        }
      }
    }
    layers.push({
      data: { values: cells },
      mark: { type: 'rect', opacity: 0.12, strokeWidth: 0 },
      encoding: { x: xEnc, x2: { field: 'x2' }, y: yEnc, y2: { field: 'y2' }, color: { field: 'cls', type: 'nominal', title: 'label' } },
    });
  }
  layers.push({
    data: { values: classRows },
    mark: { type: 'point', filled: true, size: 28, opacity: 0.85 },
    encoding: { x: xEnc, y: yEnc, color: { field: 'cls', type: 'nominal', title: 'label' }, shape: { field: 'cls', type: 'nominal', title: 'label' } },
  });
  if (o.highlight && o.highlight.length > 0) {
    const rows = o.highlight
      .map((i) => o.points[i])
      .filter((p) => p !== undefined)
      .map((p) => ({ x: p.x, y: p.y }));
    layers.push({
      data: { values: rows },
      mark: { type: 'point', filled: false, size: 140, stroke: '#111', strokeWidth: 1.2 },
      encoding: { x: xEnc, y: yEnc, tooltip: { value: o.highlightName ?? 'support vector' } },
    });
  }
  layers.push({
    data: { values: segments },
    mark: { type: 'rule', strokeWidth: 2 },
    encoding: {
      x: xEnc,
      y: yEnc,
      x2: { field: 'x2' },
      y2: { field: 'y2' },
      stroke: {
        field: 'boundary',
        type: 'nominal',
        title: 'decision boundary',
        scale: { domain: names, range: BOUNDARY_COLORS.slice(0, Math.max(1, names.length)) },
      },
      strokeDash: {
        field: 'boundary',
        type: 'nominal',
        title: 'decision boundary',
        scale: { domain: names, range: BOUNDARY_DASHES.slice(0, Math.max(1, names.length)) },
      },
    },
  });
  const size = o.size ?? 320;
  const subtitle = o.subtitle === undefined ? undefined : typeof o.subtitle === 'string' ? [o.subtitle] : [...o.subtitle];
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: subtitle ? { text: o.title, subtitle } : { text: o.title },
    // equal units on both axes, so angles between boundaries read true
    width: size,
    height: Math.round(Math.min(2, Math.max(0.5, (box.y1 - box.y0) / (box.x1 - box.x0))) * size),
    background: 'white',
    layer: layers,
    resolve: { scale: { color: 'shared' } },
    config: { range: { category: CLASS_COLORS }, legend: { labelLimit: 280 } },
  } as TopLevelSpec;
}
