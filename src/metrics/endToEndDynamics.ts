import { EigenvalueDecomposition } from 'ml-matrix';
import { matmul, transpose } from '../linalg/dense.js';
import { frobenius } from '../linalg/norms.js';
import { toMatrix } from '../linalg/singularValues.js';

/**
 * End-to-end dynamics of a linear network (docs/claims.md, ACH, ACH.Thm1): the
 * velocity of P = W_L⋯W_1 by the chain rule, and Arora–Cohen–Hazan's closed
 * form −Σ_j (PPᵀ)^{(j−1)/L} E (PᵀP)^{(L−j)/L}, which equals it at balanced
 * points (all D_k = 0). Checkpoint metrics: ml-matrix is used at the edges.
 */

export interface PsdPower {
  /** M^α (d × d) */
  readonly power: Float64Array;
  /** λ_1/λ_r over the kept eigenvalues (1 when M = 0; ∞ when a kept eigenvalue is ≤ 0) */
  readonly conditioning: number;
}

/**
 * M^α for a symmetric PSD M (d × d) that has rank ≤ rank by construction
 * (PPᵀ has rank ≤ min_k d_k): eigen-decomposition, the rank largest
 * eigenvalues kept (clamped at 0), the others set to 0 because they are
 * rounding noise of exact zeros — taking them to a power α < 1 would turn
 * 1e−17 into 1e−17^α. M^0 is the identity (the convention in ACH's sum).
 */
export function psdPower(M: Float64Array, d: number, alpha: number, rank: number = d): PsdPower {
  if (!(alpha >= 0) || !Number.isFinite(alpha)) throw new RangeError(`psdPower: alpha=${alpha} must be a finite number ≥ 0`);
  if (!Number.isInteger(rank) || rank < 0 || rank > d) throw new RangeError(`psdPower: rank=${rank} must be an integer in [0, d=${d}]`);
  if (M.length !== d * d) throw new RangeError(`psdPower: M.length=${M.length} must equal d·d=${d * d}`);
  for (let i = 0; i < M.length; i++)
    if (!Number.isFinite(M[i])) throw new RangeError(`psdPower: M[${i}]=${M[i]} must be finite (a Gram matrix PPᵀ overflows when P has entries beyond ~1e154)`);
  const out = new Float64Array(d * d);
  const sym = new Float64Array(d * d);
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) sym[i * d + j] = (M[i * d + j] + M[j * d + i]) / 2;
  const eig = new EigenvalueDecomposition(toMatrix(sym, d, d), { assumeSymmetric: true });
  const values = eig.realEigenvalues;
  const vectors = eig.eigenvectorMatrix;
  const order = values.map((_, i) => i).sort((a, b) => values[b] - values[a]);
  const top = Math.max(values[order[0]] ?? 0, 0);
  const last = rank > 0 ? values[order[rank - 1]] : top;
  const conditioning = top === 0 ? 1 : last > 0 ? top / last : Infinity;
  if (alpha === 0) {
    for (let i = 0; i < d; i++) out[i * d + i] = 1;
    return { power: out, conditioning };
  }
  for (let r = 0; r < rank; r++) {
    const idx = order[r];
    const lam = Math.max(values[idx], 0);
    if (lam === 0) continue;
    const p = Math.pow(lam, alpha);
    for (let i = 0; i < d; i++) {
      const vi = vectors.get(i, idx) * p;
      for (let j = 0; j < d; j++) out[i * d + j] += vi * vectors.get(j, idx);
    }
  }
  return { power: out, conditioning };
}

/** dP/dt by the chain rule along W' = −G: −Σ_k A_k G_k B_k (d_L × d_0). */
export function chainRuleVelocity(weights: readonly Float64Array[], grads: readonly Float64Array[], dims: readonly number[]): Float64Array {
  const L = weights.length;
  const d0 = dims[0];
  const dL = dims[L];
  const out = new Float64Array(dL * d0);
  for (let k = 1; k <= L; k++) {
    // term = A_k G_k B_k, built right to left: G_k B_k is d_k × d_0
    let t = grads[k - 1];
    let rows = dims[k];
    const inner = dims[k - 1];
    let right: Float64Array | null = null;
    for (let j = 1; j < k; j++) right = right ? matmul(weights[j - 1], right, dims[j], dims[j - 1], d0) : weights[0].slice();
    if (right) t = matmul(t, right, rows, inner, d0);
    for (let j = k + 1; j <= L; j++) {
      t = matmul(weights[j - 1], t, dims[j], rows, d0);
      rows = dims[j];
    }
    for (let i = 0; i < out.length; i++) out[i] -= t[i];
  }
  return out;
}

export interface EndToEndVelocity {
  /** −Σ_j (PPᵀ)^{(j−1)/L} E (PᵀP)^{(L−j)/L} (d_L × d_0) */
  readonly velocity: Float64Array;
  /** Σ_j ‖(PPᵀ)^{(j−1)/L}‖_F ‖E‖_F ‖(PᵀP)^{(L−j)/L}‖_F: the size of the terms, for tolerances */
  readonly termScale: number;
  /** the larger conditioning of PPᵀ and PᵀP on their kept spectrum */
  readonly conditioning: number;
}

/**
 * ACH.Thm1's right-hand side for P (d_L × d_0) and E = ∂R/∂P; rank is the
 * structural rank bound min_k d_k of P (psdPower explains why it is needed).
 */
export function endToEndVelocity(P: Float64Array, E: Float64Array, dL: number, d0: number, depth: number, rank: number): EndToEndVelocity {
  const Pt = transpose(P, dL, d0);
  const left = matmul(P, Pt, dL, d0, dL);
  const right = matmul(Pt, P, d0, dL, d0);
  const velocity = new Float64Array(dL * d0);
  const eNorm = frobenius(E);
  let termScale = 0;
  let conditioning = 1;
  for (let j = 1; j <= depth; j++) {
    const a = psdPower(left, dL, (j - 1) / depth, Math.min(rank, dL));
    const b = psdPower(right, d0, (depth - j) / depth, Math.min(rank, d0));
    conditioning = Math.max(conditioning, a.conditioning, b.conditioning);
    const term = matmul(matmul(a.power, E, dL, dL, d0), b.power, dL, d0, d0);
    for (let i = 0; i < velocity.length; i++) velocity[i] -= term[i];
    termScale += frobenius(a.power) * eNorm * frobenius(b.power);
  }
  return { velocity, termScale, conditioning };
}

/** Σ_k ‖A_k‖_F² ‖E‖_F ‖B_k‖_F²: the size of the chain-rule terms A_kA_kᵀEB_kᵀB_k, for tolerances. */
export function chainRuleScale(weights: readonly Float64Array[], E: Float64Array): number {
  const L = weights.length;
  const sq = (A: Float64Array) => {
    let s = 0;
    for (let i = 0; i < A.length; i++) s += A[i] * A[i];
    return s;
  };
  // ‖A_k‖_F ≤ Π_{j>k}‖W_j‖_F and ‖B_k‖_F ≤ Π_{j<k}‖W_j‖_F (submultiplicativity): cheap and never smaller
  const norms = weights.map(sq);
  const eNorm = Math.sqrt(sq(E));
  let total = 0;
  for (let k = 0; k < L; k++) {
    let a = 1;
    let b = 1;
    for (let j = k + 1; j < L; j++) a *= norms[j];
    for (let j = 0; j < k; j++) b *= norms[j];
    total += a * eNorm * b;
  }
  return total;
}
