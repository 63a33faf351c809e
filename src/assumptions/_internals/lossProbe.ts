/**
 * Sampling a loss numerically (JT.A1, JT.A3). A probe evaluates ℓ or ℓ' and returns NaN instead of throwing, so a
 * mathjs expression that fails somewhere is reported at that point.
 */
import type { MarginLoss } from '../../losses/loss.js';

export function probe(f: (u: number) => number, u: number): number {
  try {
    const v = f(u);
    return typeof v === 'number' ? v : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

/**
 * The sample points: step 2^−6 on [−8, 8], 2^−3 on [−64, 64] and 1 on [−512, 512], sorted and unique. Beyond 512
 * e^{|u|} overflows float64 for |u| > 709, so naive expressions such as log(1 + exp(−u)) would give NaN for
 * reasons of arithmetic, not of the loss.
 */
export function probeGrid(halfWidth = 512): number[] {
  const pts = new Set<number>();
  const add = (lo: number, hi: number, h: number) => {
    for (let k = Math.ceil(lo / h); k * h <= hi; k++) pts.add(k * h + 0);
  };
  add(-Math.min(8, halfWidth), Math.min(8, halfWidth), 2 ** -6);
  add(-Math.min(64, halfWidth), Math.min(64, halfWidth), 2 ** -3);
  add(-halfWidth, halfWidth, 1);
  return [...pts].sort((a, b) => a - b);
}

/** ℓ' on the grid, the first point where it is not finite, or null. */
export function derivativeOnGrid(loss: MarginLoss, grid: readonly number[]): { values: Float64Array; badAt: number | null } {
  const values = new Float64Array(grid.length);
  let badAt: number | null = null;
  grid.forEach((u, i) => {
    const v = probe(loss.derivative, u);
    values[i] = v;
    if (!Number.isFinite(v) && badAt === null) badAt = u;
  });
  return { values, badAt };
}
