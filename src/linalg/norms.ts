import { timesPowerOfTwo, unitRangeExponent } from './powerOfTwoScaling.js';
import { topSingular } from './singularValues.js';

/**
 * ‖W‖_F, summed in unit range: the entries are scaled by the power of two that brings the largest into [1, 2)
 * (exact), so squares of entries near 1e±160 neither overflow nor underflow; in range the value is the plain sum's.
 */
export function frobenius(W: ArrayLike<number>): number {
  const e = unitRangeExponent(W);
  let s = 0;
  for (let i = 0; i < W.length; i++) {
    const v = timesPowerOfTwo(W[i], -e);
    s += v * v;
  }
  return timesPowerOfTwo(Math.sqrt(s), e);
}

/** ‖W‖_2, the largest singular value. */
export function spectral(W: Float64Array, rows: number, cols: number): number {
  return topSingular(W, rows, cols).sigma;
}

/** ρ = ‖W‖_2/‖W‖_F ∈ [1/√rank, 1]; 1 iff rank one (JT.Thm1-rank1). 0 for W = 0. */
export function normRatio(W: Float64Array, rows: number, cols: number): number {
  const f = frobenius(W);
  return f === 0 ? 0 : spectral(W, rows, cols) / f;
}
