import { dot, endToEnd, norm2 } from '../linalg/dense.js';
import { frobenius } from '../linalg/norms.js';
import { topSingular, type SingularPair } from '../linalg/singularValues.js';

/** Top singular pairs of every layer (one SVD each; share them between metrics). */
export function layerSingularPairs(weights: readonly Float64Array[], dims: readonly number[]): SingularPair[] {
  return weights.map((W, k) => topSingular(W, dims[k + 1], dims[k]));
}

/** |⟨v_{k+1}, u_k⟩| for k = 1..L−1 (JT.Thm1-align); signs of singular vectors are arbitrary. */
export function adjacentAlignment(pairs: readonly SingularPair[]): number[] {
  const out: number[] = [];
  for (let k = 0; k + 1 < pairs.length; k++) out.push(Math.abs(dot(pairs[k + 1].v, pairs[k].u)));
  return out;
}

/** w_prod = (W_L⋯W_1)ᵀ for 1-d output; null otherwise. */
export function productVector(weights: readonly Float64Array[], dims: readonly number[]): Float64Array | null {
  return dims[dims.length - 1] === 1 ? endToEnd(weights, dims) : null;
}

/** |⟨w_prod/∏_k ‖W_k‖_F, v_1⟩| (JT.Thm1-prod); ≤ ∏ρ_k. null for multi-output nets or a zero layer. */
export function productAlignment(weights: readonly Float64Array[], dims: readonly number[], pairs: readonly SingularPair[]): number | null {
  const w = productVector(weights, dims);
  if (!w) return null;
  let denom = 1;
  for (const W of weights) denom *= frobenius(W);
  return denom === 0 ? null : Math.abs(dot(w, pairs[0].v)) / denom;
}

/** cos∠(a, b); null when either is zero. */
export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number | null {
  const na = norm2(a);
  const nb = norm2(b);
  return na === 0 || nb === 0 ? null : dot(a, b) / (na * nb);
}
