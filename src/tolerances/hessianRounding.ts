import { gamma } from './rounding.js';

/**
 * The rounding allowance of JT.Lem5's independent curvature: ‖∇²R(W)‖_2 of a deep linear net's margin risk
 * R(W) = (1/n) Σ_i ℓ(m_i), m_i = W_L ⋯ W_1 z_i, computed as src/verify/jt/hessian.ts does (the Hessian from the chain
 * products, ∇²R = (1/n) Σ_i ℓ''(m_i) ∇m_i ∇m_iᵀ + ℓ'(m_i) ∇²m_i, then a symmetric eigensolver). Rounding model and
 * γ_m: rounding.ts (Higham, Lemma 3.1 and §3.5).
 */

/** Bounds on the loss derivatives the allowance needs: sup|ℓ''| and sup|ℓ'''|. */
export interface CurvatureConstants {
  /** sup_u |ℓ''(u)| (the loss's smoothness β) */
  readonly second: number;
  /** sup_u |ℓ'''(u)| */
  readonly third: number;
}

/**
 * The logistic loss: ℓ'' = σ(1 − σ) ≤ 1/4 (at u = 0); ℓ''' = σ(1 − σ)(1 − 2σ), whose largest modulus is 1/(6√3) ≈ 0.0962
 * (at σ = 1/2 ± 1/(2√3)), taken as 0.1.
 */
export const LOGISTIC_CURVATURE: CurvatureConstants = { second: 0.25, third: 0.1 };

/** What one sample contributes to the allowance: the magnitudes of the abs-valued net (|W_k|, |z_i|) at that sample. */
export interface SampleMagnitudes {
  /** |m|abs_i = |W_L| ⋯ |W_1| |z_i| ≥ |m_i| */
  readonly margin: number;
  /** ‖|∇m_i|‖² (the rank-one term's Frobenius norm, with absolute values) */
  readonly gradientSquared: number;
  /** ‖|∇²m_i|‖_F */
  readonly hessianFrobenius: number;
}

/**
 * Roundings one Hessian entry sees at most: the inner dimensions of the chains W_{k−1} ⋯ W_{j+1} (Σ_k d_k), the
 * factor products a_k·M·h and ℓ·(⋯) (2L), the sum over samples and the division by n (n), and ≤ 8 inside ℓ', ℓ''.
 */
export function hessianRoundings(dims: readonly number[], samples: number): number {
  return dims.reduce((s, d) => s + d, 0) + 2 * (dims.length - 1) + samples + 8;
}

/**
 * A bound on |‖Ĥ‖_2 computed − ‖H‖_2 exact| for the margin-risk Hessian, with K = hessianRoundings(dims, n):
 * - each entry of H is a sum over n samples of products of the chains, a_k, h_{j−1} and ℓ' or ℓ'': |Ĥ − H| ≤ γ_K·Habs
 *   entrywise at the computed margins (Habs: the same sums with every factor replaced by its absolute value), so
 *   ‖Ĥ − H‖_F ≤ γ_K·‖Habs‖_F;
 * - ℓ' and ℓ'' are evaluated at m̂_i with |m̂_i − m_i| ≤ γ_K·|m|abs_i, which moves ℓ' by ≤ sup|ℓ''|·|Δm| and ℓ'' by
 *   ≤ sup|ℓ'''|·|Δm|, times ‖∇²m_i‖_F resp. ‖∇m_i‖² (bounded by their abs forms), each divided by n;
 * - the symmetric eigensolver (Householder tridiagonalisation + implicit QL) is backward stable: its eigenvalues are
 *   those of Ĥ + E with ‖E‖_2 ≤ γ_{P²}·‖Ĥ‖_F (P parameters), a generous form of the usual p(P)·u·‖Ĥ‖_2;
 * and Frobenius norms bound the spectral ones (Weyl: |‖A‖_2 − ‖B‖_2| ≤ ‖A − B‖_2 ≤ ‖A − B‖_F).
 * hessianRounding.test.ts checks it against 34-digit evaluations (hessianReference.ts) on 20 seeded nets of JT.Lem5's
 * sizes: it bounds every observed error, and is loose by 14× at the tightest case and by at most 763× (asserted: 20×
 * and 1000×).
 */
export function marginHessianRounding(p: {
  readonly dims: readonly number[];
  /** one entry per sample z_i */
  readonly samples: readonly SampleMagnitudes[];
  /** ‖Habs‖_F */
  readonly absFrobenius: number;
  /** ‖Ĥ‖_F, the computed Hessian's */
  readonly frobenius: number;
  readonly curvature?: CurvatureConstants;
}): number {
  const { dims, samples } = p;
  const c = p.curvature ?? LOGISTIC_CURVATURE;
  const n = samples.length;
  const g = gamma(hessianRoundings(dims, n));
  let parameters = 0;
  for (let k = 0; k + 1 < dims.length; k++) parameters += dims[k] * dims[k + 1];
  let shift = 0;
  for (const s of samples) shift += (g * s.margin * (c.third * s.gradientSquared + c.second * s.hessianFrobenius)) / n;
  return g * p.absFrobenius + shift + gamma(parameters * parameters) * p.frobenius;
}
