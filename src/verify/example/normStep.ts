/**
 * The derived tolerance of the worked example claim EX.norm-step (docs/writing-a-claim.md): one GD step
 * W' = W − ηG on a layer with m entries changes ‖W‖_F² by −2η⟨G, W⟩ + η²‖G‖² in exact arithmetic. The check
 * compares the computed residual
 *   r = (ŝ' − ŝ) − (−2ηp̂ + η²q̂),   ŝ = fl‖W‖², ŝ' = fl‖W'‖², p̂ = fl⟨G, W⟩, q̂ = fl‖G‖²,
 * with the allowance below (rounding model fl(a∘b) = (a∘b)(1+δ), |δ| ≤ u, γ_k = ku/(1 − ku); Higham §2–3):
 * 1. the stored update: W'_i = fl(W_i − fl(ηG_i)) differs from W_i − ηG_i by ≤ γ_2(|W_i| + η|G_i|), so
 *    ‖Δ‖ ≤ e = γ_2(‖W‖ + η‖G‖) and |‖W'‖² − ‖W − ηG‖²| = |2⟨W − ηG, Δ⟩ + ‖Δ‖²| ≤ 2(‖W‖ + η‖G‖)e + e²;
 * 2. each length-m sum of products (ŝ, ŝ', p̂, q̂) errs by ≤ γ_{m+1} times its sum of absolute terms, and
 *    Σ|G_iW_i| ≤ ‖G‖‖W‖;
 * 3. forming r from the four sums takes five more roundings, ≤ γ_5 times the sum of the terms' magnitudes.
 * Norms enter as computed values; the factor (1 + γ_{m+2}) covers their own rounding.
 */
import { gamma } from '../../tolerances/rounding.js';

export interface NormStepSums {
  /** entries of the layer */
  readonly entries: number;
  readonly eta: number;
  /** computed ‖W‖², ‖W'‖², ⟨G, W⟩, ‖G‖² */
  readonly before: number;
  readonly after: number;
  readonly inner: number;
  readonly gradSq: number;
}

/** The allowance on |r| derived above. */
export function normStepAllowance(s: NormStepSums): number {
  const w = Math.sqrt(s.before);
  const g = Math.sqrt(s.gradSq);
  const e = gamma(2) * (w + s.eta * g);
  const stored = 2 * (w + s.eta * g) * e + e * e;
  const sums = gamma(s.entries + 1) * (s.after + s.before + 2 * s.eta * g * w + s.eta * s.eta * s.gradSq);
  const combine = gamma(5) * (s.after + s.before + 2 * s.eta * Math.abs(s.inner) + s.eta * s.eta * s.gradSq);
  return (stored + sums + combine) * (1 + gamma(s.entries + 2));
}
