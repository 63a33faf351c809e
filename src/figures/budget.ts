import type { FigureContext } from './figure.js';

/**
 * The figure budget (FigureContext.scale): every figure multiplies its step
 * counts by it, so a smoke run (`reproduce --scale 0.001`, the figure tests)
 * exercises the whole pipeline in seconds. At scale 1 every count is returned
 * unchanged, so full-scale figures are bit-identical to unscaled ones.
 */
export function figureScale(ctx: Pick<FigureContext, 'scale'>): number {
  const s = ctx.scale ?? 1;
  if (!(Number.isFinite(s) && s > 0)) throw new RangeError(`figure context: scale=${s} must be a finite number > 0; use 1 for the full figure`);
  return s;
}

/** A step count (or sample size) under the budget: max(min, round(count·scale)); exactly count at scale 1. */
export function scaledCount(count: number, scale: number, min = 1): number {
  if (scale === 1) return count;
  return Math.max(min, Math.round(count * scale));
}

/**
 * Fixed checkpoint steps of a `full`-step run moved onto a `steps`-step run
 * (proportionally, duplicates merged); the list itself when steps = full.
 */
export function scaledCheckpoints(marks: readonly number[], full: number, steps: number): number[] {
  if (steps === full) return [...marks];
  return [...new Set(marks.map((m) => Math.round((m * steps) / full)))];
}

/**
 * The caption line that says a figure ran under a budget; empty at scale 1
 * (full-scale captions are unchanged). `also` names any other size the figure
 * shrank, e.g. "hidden width 256 → 8".
 */
export function scaleNote(scale: number, also?: string): string {
  if (scale === 1) return '';
  return (
    `Budget: scale=${scale}: every step count above is the full figure's multiplied by ${scale} (at least 1 step)` +
    `${also ? `; also ${also}` : ''}. A smoke run of the pipeline, not the figure's result.`
  );
}

/** Joins a caption's lines, adding the budget line when the scale is not 1. */
export function withScaleNote(lines: readonly string[], scale: number, also?: string): string {
  const note = scaleNote(scale, also);
  return (note ? [...lines, note] : lines).join('\n');
}
