import { topSingular } from './singularValues.js';

export function frobenius(W: Float64Array): number {
  let s = 0;
  for (let i = 0; i < W.length; i++) s += W[i] * W[i];
  return Math.sqrt(s);
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
