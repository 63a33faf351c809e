/**
 * The top singular pair of each layer and its squared Frobenius norm: what F5, F6 and the product bound read at a
 * checkpoint (JT.Thm1-rank1, -align, -prod).
 */
import { sumOfSquares } from '../linalg/sumOfSquares.js';
import { svd } from '../linalg/singularValues.js';

/** A layer's top singular pair (σ_1, u, v), σ_2, its shape and ‖W‖_F² (plain sum: the rounding bounds assume it). */
export interface Spectrum {
  readonly sigma1: number;
  /** second largest singular value (0 for a single row or column) */
  readonly sigma2: number;
  readonly rows: number;
  readonly cols: number;
  readonly u: Float64Array;
  readonly v: Float64Array;
  readonly frobeniusSquared: number;
}

export function spectrum(W: Float64Array, rows: number, cols: number): Spectrum {
  const { sigmas, U, V } = svd(W, rows, cols);
  const order = sigmas.map((s, i) => [s, i] as const).sort((a, b) => b[0] - a[0]);
  const top = order[0][1];
  return {
    sigma1: order[0][0],
    sigma2: order.length > 1 ? order[1][0] : 0,
    rows,
    cols,
    u: Float64Array.from(U.getColumn(top)),
    v: Float64Array.from(V.getColumn(top)),
    frobeniusSquared: sumOfSquares(W),
  };
}

/** spectrum() of every layer (W_k is dims[k+1] × dims[k]). */
export function spectra(weights: readonly Float64Array[], dims: readonly number[]): Spectrum[] {
  return weights.map((W, k) => spectrum(W, dims[k + 1], dims[k]));
}
