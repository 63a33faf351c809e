import type { CheckpointRecord } from '../metrics/checkpoint.js';
import type { LinePoint } from './lineChart.js';

/** A labelled run: its checkpoint records (as `dlncheck train` writes them). */
export interface Trajectory {
  readonly label: string;
  readonly checkpoints: readonly CheckpointRecord[];
}

export interface LayerSelection {
  /** 1-based indices of the curves to show (all when absent) */
  readonly only?: readonly number[];
}

/**
 * Per-layer curves of several runs. One run: colour = layer. One layer shown:
 * colour = run. Otherwise colour = layer and dash = run, so a two-run,
 * four-layer figure stays readable.
 */
export function layerPoints(
  runs: readonly Trajectory[],
  pick: (c: CheckpointRecord) => readonly number[],
  name: (k: number) => string,
  sel: LayerSelection = {},
): LinePoint[] {
  const width = Math.max(0, ...runs.flatMap((r) => r.checkpoints.map((c) => pick(c).length)));
  const layers = (sel.only ?? Array.from({ length: width }, (_, i) => i + 1)).filter((k) => k >= 1 && k <= width);
  const out: LinePoint[] = [];
  for (const run of runs)
    for (const c of run.checkpoints) {
      const values = pick(c);
      for (const k of layers) {
        const y = values[k - 1];
        if (y === undefined) continue;
        if (runs.length === 1) out.push({ x: c.step, y, series: name(k) });
        else if (layers.length === 1) out.push({ x: c.step, y, series: run.label });
        else out.push({ x: c.step, y, series: name(k), group: run.label });
      }
    }
  return out;
}

/** One curve per run of a scalar metric; null values are skipped. */
export function scalarPoints(runs: readonly Trajectory[], pick: (c: CheckpointRecord) => number | null): LinePoint[] {
  const out: LinePoint[] = [];
  for (const run of runs)
    for (const c of run.checkpoints) {
      const y = pick(c);
      if (y !== null) out.push({ x: c.step, y, series: run.label });
    }
  return out;
}

/** The x-axis title of step plots on a log axis. */
export const STEP_AXIS = 'step t (log scale)';
