/**
 * Bounds and rounding allowances for the Ji & Telgarsky claims (CLAIMS.md §1–§2).
 *
 * Two kinds of function live here:
 * - the theory's computable constants (D, the F5/F6 right-hand sides, the F7 budget, Lemma 4's threshold);
 * - rounding allowances: worst-case floating-point error bounds, each derived in its comment from the standard
 *   model fl(a ∘ b) = (a ∘ b)(1 + ε), |ε| ≤ u = 2^−53, and γ_k = k·u/(1 − k·u) (Higham, *Accuracy and Stability of
 *   Numerical Algorithms*, 2nd ed., §3.1). A check computes residual/allowance and compares it with 1
 *   (the LAPACK test-ratio habit): a ratio above 1 is a real failure, not rounding.
 *
 * Every allowance is a bound for the *linear* nets the JT claims are about, with the kernels of
 * src/trainer/gradient.ts (linearRiskAndGradient) and the update loop of src/trainer/gradientDescent.ts.
 * Loss-derivative sensitivities are derived for the exponential and logistic losses only (both satisfy
 * |ℓ''| ≤ |ℓ'| and |ℓ'(u − δ)| ≤ e^δ |ℓ'(u)|), which are the losses of every JT property.
 */
import type { Dataset } from '../data/dataset.js';
import type { MarginLoss } from '../losses/loss.js';
import { balanceMatrices } from '../metrics/balancedness.js';
import { frobenius } from '../metrics/norms.js';
import { topSingular } from '../metrics/singularValues.js';

import { gamma, UNIT_ROUNDOFF } from './rounding.js';

export { gamma, UNIT_ROUNDOFF };

/**
 * Roundings in one evaluation of a built-in loss value or derivative: Math.exp and Math.log1p are fdlibm ports in
 * V8 (error < 1 ulp each), plus at most one addition and one division (logistic derivative −e^{−u}/(1 + e^{−u})).
 * Four roundings in total, so each value carries relative error ≤ γ_4.
 */
export const LOSS_ROUNDINGS = 4;

/**
 * Relative accuracy of singular values and of a spectral norm from ml-matrix's Golub–Kahan SVD: backward stable,
 * |σ̂_i − σ_i| ≤ p(m, n)·u·σ_1 with p "a modestly growing function" (LAPACK Users' Guide §4.9.1). We take
 * p = 8·max(m, n); for the ≤ 8×8 matrices of this suite that is ≥ 8 roundings per entry of each of the
 * ~max(m, n) sweeps, the usual bound for one-sided rotations.
 */
export function svdRoundings(rows: number, cols: number): number {
  return 8 * Math.max(rows, cols);
}

// ---------------------------------------------------------------------------------------------------------
// Scales of one evaluation of R and ∇R at W

/** The magnitudes every rounding bound of one evaluation at W is proportional to. */
export interface EvaluationScale {
  readonly dims: readonly number[];
  readonly n: number;
  /** ∏_k ‖W_k‖_F ≥ ‖|W_L|⋯|W_1|‖_F (so it bounds every chained product entrywise in norm) */
  readonly product: number;
  /** ∏_{j≠k} ‖W_j‖_F for each layer k */
  readonly productExcept: readonly number[];
  /** max_i ‖x_i‖ */
  readonly inputNorm: number;
  /** a = (1/n) Σ_i |ℓ'(m̂_i)|·‖x_i‖ ≥ ‖Ê‖ (up to rounding) */
  readonly slope: number;
  /** R̂(W) */
  readonly risk: number;
}

/** Chained-product length of a margin m̂_i: prefix products over inner dims d_1…d_{L−1}, then ⟨P̂, x_i⟩ over d_0. */
function marginChain(dims: readonly number[]): number {
  let k = 0;
  for (let j = 0; j < dims.length - 1; j++) k += dims[j];
  return k;
}

/** Chained-product length of Ĝ_k = (W_{k+1}ᵀ⋯W_Lᵀ Ê)(W_{k−1}⋯W_1)ᵀ, with Ê a sum over n samples: at most Σ_j d_j. */
function gradientChain(dims: readonly number[]): number {
  let k = 0;
  for (const d of dims) k += d;
  return k;
}

/** ‖x_i‖ per sample, cached per dataset (evaluationScale runs once per GD step). */
const inputNorms = new WeakMap<Float64Array, Float64Array>();

function normsOf(data: Dataset): Float64Array {
  let out = inputNorms.get(data.x);
  if (!out) {
    out = new Float64Array(data.n);
    for (let i = 0; i < data.n; i++) {
      let s = 0;
      for (let j = 0; j < data.d; j++) s += data.x[i * data.d + j] ** 2;
      out[i] = Math.sqrt(s);
    }
    inputNorms.set(data.x, out);
  }
  return out;
}

/** Scales of an evaluation whose margins and risk are the kernel's own (ws.margins and the returned risk). */
export function evaluationScale(
  weights: readonly Float64Array[],
  dims: readonly number[],
  data: Dataset,
  loss: MarginLoss,
  margins: ArrayLike<number>,
  risk: number,
): EvaluationScale {
  const L = weights.length;
  const fro = new Array<number>(L);
  let product = 1;
  for (let k = 0; k < L; k++) {
    fro[k] = frobenius(weights[k]);
    product *= fro[k];
  }
  const productExcept = new Array<number>(L);
  for (let k = 0; k < L; k++) {
    let p = 1;
    for (let j = 0; j < L; j++) if (j !== k) p *= fro[j];
    productExcept[k] = p;
  }
  const norms = normsOf(data);
  let slope = 0;
  let inputNorm = 0;
  for (let i = 0; i < data.n; i++) {
    inputNorm = Math.max(inputNorm, norms[i]);
    slope += Math.abs(loss.derivative(margins[i])) * norms[i];
  }
  return { dims, n: data.n, product, productExcept, inputNorm, slope: slope / data.n, risk };
}

/** δ = max_i |m̂_i − m_i| ≤ γ_K·‖|W_L|⋯|W_1|‖·‖x_i‖ ≤ γ_K·∏‖W_k‖_F·max‖x_i‖ (K = marginChain). */
export function marginRounding(s: EvaluationScale): number {
  return gamma(marginChain(s.dims) + 1) * s.product * s.inputNorm;
}

/**
 * |R̂ − R(W)| for the kernel's risk R̂ = fl((1/n)·Σ fl(ℓ(m̂_i))):
 * - summing n terms and scaling by the rounded 1/n: γ_{n+1} relative, each term LOSS_ROUNDINGS more: γ_{n+5}·R̂;
 * - the margins' own error δ_i moves ℓ by |ℓ'(ξ)|δ_i ≤ e^δ|ℓ'(m̂_i)|δ_i, and Σ_i |ℓ'(m̂_i)|δ_i/n ≤ γ_K∏‖W‖·a.
 */
export function riskRounding(s: EvaluationScale): number {
  const delta = marginRounding(s);
  return gamma(s.n + LOSS_ROUNDINGS + 1) * s.risk + Math.exp(delta) * gamma(marginChain(s.dims) + 1) * s.product * s.slope;
}

/**
 * ‖Ĝ_k − A_kᵀ Ê B_kᵀ‖_F: the chained products that form Ĝ_k from the kernel's own Ê (no loss sensitivity), at most
 * γ_{Kg}·‖|A_k|ᵀ|Ê||B_k|ᵀ‖ ≤ γ_{Kg}·∏_{j≠k}‖W_j‖_F·‖Ê‖, and ‖Ê‖ ≤ (1 + γ_{n+5})·a.
 * This is the error that breaks F2's and F3's exact first-order cancellations in floating point.
 */
export function gradientConsistency(s: EvaluationScale): number[] {
  const c = gamma(gradientChain(s.dims) + 1) * (1 + gamma(s.n + LOSS_ROUNDINGS + 1)) * s.slope;
  return s.productExcept.map((p) => c * p);
}

/**
 * ‖Ĝ_k − ∇_{W_k}R(W)‖_F against the exact gradient: gradientConsistency plus the error of Ê itself,
 * |ℓ'(m̂_i) − ℓ'(m_i)| ≤ e^δ|ℓ'(m̂_i)|δ (|ℓ''| ≤ |ℓ'|), LOSS_ROUNDINGS + 2 roundings per term and γ_n for the
 * sum: ‖Ê − E‖ ≤ a·(e^δ·δ + γ_{n+6}); then ‖A_kᵀ(Ê − E)B_kᵀ‖ ≤ ∏_{j≠k}‖W_j‖_F·‖Ê − E‖.
 */
export function gradientRounding(s: EvaluationScale): number[] {
  const delta = marginRounding(s);
  const eErr = s.slope * (Math.exp(delta) * delta + gamma(s.n + LOSS_ROUNDINGS + 2));
  const cons = gradientConsistency(s);
  return s.productExcept.map((p, k) => cons[k] + p * eErr);
}

/** √(Σ_k v_k²) */
export function euclidean(v: readonly number[]): number {
  let t = 0;
  for (const a of v) t += a * a;
  return Math.sqrt(t);
}

/**
 * ‖δ_k‖_F, the rounding of the stored update W'_k = fl(W_k − fl(η·G_k)): each entry errs by at most
 * u·|ηG_ij| (the product) + γ_1·|W'_ij| (the subtraction), so ‖δ_k‖ ≤ u·η‖G_k‖ + γ_1‖W'_k‖.
 */
export function updateRounding(eta: number, gradNorm: number, nextNorm: number): number {
  return UNIT_ROUNDOFF * eta * gradNorm + gamma(1) * nextNorm;
}

// ---------------------------------------------------------------------------------------------------------
// Per-step allowances

export interface NormChangeTerms {
  /** number of entries m of the matrix whose squared norm is differenced */
  readonly entries: number;
  /** the computed squared norms before and after the step */
  readonly before: number;
  readonly after: number;
  readonly eta: number;
  /** ‖G‖_F of the gradient in the identity */
  readonly gradNorm: number;
  /** ‖δ‖_F of the stored update (updateRounding) */
  readonly storage: number;
  /** ‖W'‖_F after the step (the matrix whose norm is taken, e.g. W_1Π_⊥ for F8) */
  readonly nextNorm: number;
  /** bound on |⟨W, G⟩ − c| where c is the first-order coefficient the identity uses (⟨E,P⟩ or ⟨Π_⊥w, ∇R⟩) */
  readonly consistency: number;
  /** |c| as computed */
  readonly coefficient: number;
}

/**
 * |⟨W_kΠ̃, Ĝ_k⟩ − ĉ|, ĉ the computed first-order coefficient of F3 (ĉ = ⟨Ê, P̂⟩, Π̃ = I) or F8
 * (ĉ = ⟨Π̃ŵ, r̂⟩ with r̂ = Êᵀ, ŵ = P̂ᵀ, Π̃ = I − ûûᵀ). Exactly ⟨W_kΠ̃, A_kᵀÊB_kᵀ⟩ = ⟨Π̃P, Ê⟩ (F3/F8 for any E), so
 * the gap is: Ĝ_k against A_kᵀÊB_kᵀ (γ_{Kg+1}, gradientConsistency, times ‖W_k‖), P̂ against P (γ_{K+1}∏‖W‖_F,
 * times ‖Ê‖), forming Π̃ŵ (3γ_{d+2}) and the final dot product (γ_d); ‖Π̃‖ ≤ 1 + γ_{2d+5}.
 */
export function firstOrderConsistency(s: EvaluationScale): number {
  const d = s.dims[0];
  return (
    (gamma(gradientChain(s.dims) + 1) + gamma(marginChain(s.dims) + 1) + 4 * gamma(d + 2)) *
    (1 + gamma(s.n + LOSS_ROUNDINGS + 1)) *
    (1 + gamma(2 * d + 5)) *
    s.product *
    s.slope
  );
}

/**
 * Allowance for a one-step norm identity ‖W'‖² − ‖W‖² = −2η·c + η²‖G‖² (F3 with c = ⟨E,P⟩, F8 with
 * c = ⟨Π_⊥w_prod, ∇R(w_prod)⟩), checked on the computed iterates. In exact arithmetic
 * ‖W − ηG‖² = ‖W‖² − 2η⟨W,G⟩ + η²‖G‖² with no error, so the residual is bounded by:
 * - each computed squared norm (m products, m − 1 additions): γ_m·(before + after);
 * - the stored W' = W − ηG + δ: |‖W'‖² − ‖W − ηG‖²| ≤ 2‖δ‖‖W'‖ + ‖δ‖²;
 * - ⟨W, G⟩ versus the coefficient c: 2η·consistency;
 * - evaluating the right side (‖G‖² with γ_m, two products and one sum): γ_{m+3}·(2η|c| + η²‖G‖²).
 */
export function normChangeAllowance(t: NormChangeTerms): number {
  const m = t.entries;
  return (
    gamma(m) * (t.before + t.after) +
    2 * t.storage * t.nextNorm +
    t.storage * t.storage +
    2 * t.eta * t.consistency +
    gamma(m + 3) * (2 * t.eta * t.coefficient + t.eta * t.eta * t.gradNorm * t.gradNorm)
  );
}

/**
 * Extra allowance of F8 for the projection W ↦ WΠ_⊥ with Π_⊥ = I − ûûᵀ built from the computed max-margin
 * direction û (d entries):
 * - forming a row's projection a − ⟨a, û⟩û errs by ≤ γ_{d+2}(‖a‖ + 2‖a‖) in norm, so each computed
 *   ‖WΠ_⊥‖² errs by ≤ 2·3γ_{d+2}‖W‖² + (3γ_{d+2}‖W‖)² ≤ 7γ_{d+2}‖W‖² (before and after);
 * - û is unit only to |‖û‖² − 1| = |θ| ≤ γ_{2d+5} (a rounded norm and d divisions), and then
 *   Π_⊥² = Π_⊥ + θûûᵀ adds −2ηθ⟨Wû, Gû⟩ to the identity: ≤ 2η·γ_{2d+5}·‖W‖‖G‖.
 */
export function projectionAllowance(d: number, normBefore: number, normAfter: number, eta: number, gradNorm: number): number {
  return 7 * gamma(d + 2) * (normBefore * normBefore + normAfter * normAfter) + 2 * eta * gamma(2 * d + 5) * normBefore * gradNorm;
}

/**
 * Allowance of the descent inequality R(t+1) ≤ R(t) − (η/2)‖∇R(t)‖² (JT.Thm1-risk) on computed values.
 * With ∇R = Ĝ − e (‖e‖ = gradientRounding), the smoothness bound at the exact point W − ηĜ gives
 * R(W − ηĜ) ≤ R − η‖Ĝ‖² + η‖e‖‖Ĝ‖ + (β/2)η²‖Ĝ‖² ≤ R − (η/2)‖Ĝ‖² + η‖e‖‖Ĝ‖ (η ≤ 1/β); the stored point is
 * W − ηĜ + δ, which moves R by at most ‖∇R(ξ)‖‖δ‖ ≤ (‖Ĝ(t+1)‖ + ‖e(t+1)‖ + β‖δ‖)‖δ‖. Add the two risks'
 * rounding (riskRounding) and γ_{m+3} for computing (η/2)‖Ĝ‖² over m entries.
 */
export function descentAllowance(p: {
  readonly riskRoundingBefore: number;
  readonly riskRoundingAfter: number;
  readonly eta: number;
  readonly gradNorm: number;
  readonly gradError: number;
  readonly nextGradNorm: number;
  readonly nextGradError: number;
  readonly storage: number;
  readonly smoothness: number;
  readonly entries: number;
}): number {
  return (
    p.riskRoundingBefore +
    p.riskRoundingAfter +
    p.eta * p.gradError * p.gradNorm +
    (p.nextGradNorm + p.nextGradError + p.smoothness * p.storage) * p.storage +
    gamma(p.entries + 3) * 0.5 * p.eta * p.gradNorm * p.gradNorm
  );
}

/**
 * Per-step rounding of the balancedness drift (feeds F5/F6). One step changes D_j = W_jW_jᵀ − W_{j+1}ᵀW_{j+1} by
 * exactly η²(G_jG_jᵀ − G_{j+1}ᵀG_{j+1}) only when the G's share one E (F2) and W' is stored exactly. On computed
 * values the extra change of D_j, in 2-norm and in |trace| alike (|tr(AB)| ≤ ‖A‖_F‖B‖_F), is ≤ c_j + c_{j+1} with
 * c_k = 2η·‖Ĝ_k − A_kᵀÊB_kᵀ‖·‖W_k‖ + 2‖δ_k‖‖W'_k‖ + 3‖δ_k‖² (first-order terms that no longer cancel, and the
 * stored-update rounding). Returns Σ_k c_k; F5 uses 4× and F6 8× its running sum (see rankOneGapBound).
 */
export function driftRounding(eta: number, consistency: readonly number[], norms: readonly number[], storage: readonly number[], nextNorms: readonly number[]): number {
  let c = 0;
  for (let k = 0; k < norms.length; k++) c += 2 * eta * consistency[k] * norms[k] + 2 * storage[k] * nextNorms[k] + 3 * storage[k] * storage[k];
  return c;
}

// ---------------------------------------------------------------------------------------------------------
// The theory's constants

export interface InitializationConstant {
  /** D = max_k ‖W_k(0)‖_F² − ‖W_L(0)‖_F² + Σ_{k<L} ‖D_k(0)‖_2 (CLAIMS §0) */
  readonly value: number;
  /** |D̂ − D|: the squared norms (γ_m each, two of them), the entries of D_k (γ_{d+1}(‖W_k‖_F² + ‖W_{k+1}‖_F²) in norm)
   * and the SVD of D_k (svdRoundings·u·‖D_k‖) */
  readonly rounding: number;
  /** ‖W_k(0)‖_2² for each k (F6 uses them) */
  readonly spectralSquared: readonly number[];
}

/** JT's initialization constant D (zero for a balanced init) with its rounding. */
export function initializationConstant(weights: readonly Float64Array[], dims: readonly number[]): InitializationConstant {
  const L = weights.length;
  const sq = weights.map((W) => frobenius(W) ** 2);
  let maxSq = 0;
  let rounding = 0;
  for (let k = 0; k < L; k++) maxSq = Math.max(maxSq, sq[k]);
  rounding += gamma(Math.max(...weights.map((W) => W.length)) + 2) * (maxSq + sq[L - 1]);
  let sum = 0;
  balanceMatrices(weights, dims).forEach((Dk, j) => {
    const dk = dims[j + 1];
    const norm = topSingular(Dk, dk, dk).sigma;
    sum += norm;
    rounding += gamma(Math.max(...dims) + 1) * (sq[j] + sq[j + 1]) + svdRoundings(dk, dk) * UNIT_ROUNDOFF * norm;
  });
  const spectralSquared = weights.map((W, k) => topSingular(W, dims[k + 1], dims[k]).sigma ** 2);
  return { value: maxSq - sq[L - 1] + sum, rounding, spectralSquared };
}

/**
 * F5: g_k(t) = ‖W_k‖_F² − ‖W_k‖_2² ≤ D + 4S(t). Derivation (checked here): Weyl gives
 * g_k ≤ g_{k+1} + tr D_k − λ_min(D_k) and g_L = 0, so g_k ≤ Σ_{j≥k}(tr D_j − λ_min D_j). Splitting D_j(t) = D_j(0) + Δ_j:
 * Σ_{j≥k} tr D_j(0) = ‖W_k(0)‖² − ‖W_L(0)‖² and −λ_min(D_j(0)) ≤ ‖D_j(0)‖_2 give D; by F2 Σ_{j≥k} tr Δ_j =
 * Σ_τ η²(‖G_k‖² − ‖G_L‖²) ≤ S, and Σ_j ‖Δ_j‖_2 ≤ Σ_τ η² Σ_j(‖G_j‖² + ‖G_{j+1}‖²) ≤ 2S. So D + 3S suffices;
 * CLAIMS states D + 4S, which we check (it is implied).
 */
export function rankOneGapBound(D: number, energy: number): number {
  return D + 4 * energy;
}

/**
 * F6's numerator: (1 − ⟨v_{k+1}, u_k⟩²)·‖W_{k+1}(t)‖_2² ≤ D + 6S(t) + ‖W_{k+1}(0)‖_2² + ‖W_k(0)‖_2².
 * Derivation (checked here): with v = v_{k+1}, σ = ‖W_{k+1}‖_2, vᵀW_kW_kᵀv = σ² + vᵀD_kv ≥ σ² + λ_min(D_k) and
 * ≤ s_1²c² + s_2²(1 − c²) (s_i the singular values of W_k), and s_1² ≤ σ² + λ_max(D_k); so
 * c² ≥ 1 − (λ_max − λ_min + s_2²)/σ² (both signs of λ_max). Then s_2² ≤ g_k ≤ D + 4S (F5) and
 * λ_max − λ_min ≤ ‖W_k(0)‖_2² + ‖W_{k+1}(0)‖_2² + 2‖Δ_k‖_2 with ‖Δ_k‖_2 ≤ S (F2).
 */
export function adjacentAlignmentBound(D: number, energy: number, spectralSquaredNext0: number, spectralSquared0: number): number {
  return D + 6 * energy + spectralSquaredNext0 + spectralSquared0;
}

/**
 * F7: if every step satisfies the descent inequality and η_t ≤ 1, then η_t²‖∇R‖² ≤ η_t‖∇R‖² ≤ 2(R(t) − R(t+1)),
 * and summing, S(t) ≤ 2(R(0) − R(t)). On computed values each step's inequality holds up to its
 * descentAllowance a_τ, so S(t) ≤ 2(R̂(0) − R̂(t)) + 2Σ_τ a_τ.
 */
export function energyBudget(risk0: number, riskT: number, allowanceSum: number): number {
  return 2 * (risk0 - riskT) + 2 * allowanceSum;
}

/** Relative rounding of S(t) = Σ_τ η_τ²‖Ĝ(τ)‖²: t sequential additions, 3 roundings per term, γ_m per squared norm. */
export function energyRounding(steps: number, entries: number): number {
  return gamma(steps + entries + 3);
}

/**
 * JT Lemma 4's threshold on ‖Π_⊥w‖: 1 + ln(n)/α (exponential), 2n/(eα) (logistic). Checked here: with
 * a = ⟨w, ū⟩ ≥ 0, b_i = ⟨Π_⊥w, z_i⟩, the positive-b terms of Σ_i −ℓ'(m_i)b_i are each ≤ e^{−aγ̄}/e (b e^{−b} ≤ 1/e),
 * and some support vector has b_j ≤ −α‖Π_⊥w‖; that term outweighs the other n − 1 once
 * α‖Π_⊥w‖e^{α‖Π_⊥w‖} ≥ (n − 1)/e (exponential; implied by the threshold) or α‖Π_⊥w‖/2 ≥ (n − 1)/e (logistic).
 */
export function lemma4Threshold(loss: 'exponential' | 'logistic', n: number, alpha: number): number {
  if (!(alpha > 0)) throw new RangeError(`lemma4Threshold: alpha=${alpha} must be > 0 (JT.A5 and almost all data give α > 0)`);
  return loss === 'exponential' ? 1 + Math.log(n) / alpha : (2 * n) / (Math.E * alpha);
}

/**
 * Allowance of γ(w) ≤ γ̄ (JT.Thm2/Thm4-margin) on computed values: our γ(ŵ) = min_i⟨ŵ, z_i⟩/‖ŵ‖ errs by
 * ≤ γ_{2d+2}·max‖z_i‖ (a dot product and a norm), and maxMargin's γ̄ = R/‖w_svm‖ is accepted by its own
 * feasibility test at 16 residual units of (d + 1 + iterations)·ε, i.e. relative 32·(d + 1 + iterations)·u; the
 * Goldfarb–Idnani solver adds each of the q ≤ n constraints at most once unless it drops one, which we bound by
 * 2n iterations.
 */
export function marginAllowance(d: number, n: number, maxZ: number, gammaBar: number): number {
  return gamma(2 * d + 2) * maxZ + 32 * (d + 1 + 2 * n) * UNIT_ROUNDOFF * 2 * gammaBar;
}

/**
 * Allowance of JT.Thm1-prod's inequality q = |⟨w_prod, v_1⟩|/∏‖W_k‖_F ≤ ∏ρ_k. It holds for every unit vector v
 * (|aᵀW_1v| ≤ ‖a‖‖W_1‖_2 ≤ ∏‖W_k‖_2), so only the magnitudes' rounding enters, relative to ∏ρ_k: ŵ (γ_{K+1}), the
 * norm of v̂ (γ_{2d+5}), the dot product (γ_d), each Frobenius norm twice (γ_{m+2} in q and in ρ_k) and each
 * σ̂_k (svdRoundings·u).
 */
export function productAlignmentAllowance(dims: readonly number[], bound: number): number {
  const L = dims.length - 1;
  const d = dims[0];
  let rel = gamma(marginChain(dims) + 1) + gamma(2 * d + 5) + gamma(d);
  for (let k = 0; k < L; k++) rel += 2 * gamma(dims[k] * dims[k + 1] + 2) + svdRoundings(dims[k + 1], dims[k]) * UNIT_ROUNDOFF;
  return rel * bound;
}

/** The singular values a check needs from one layer's SVD. */
export interface LayerSpectrum {
  readonly sigma1: number;
  /** second largest singular value (0 for a single row or column) */
  readonly sigma2: number;
  readonly rows: number;
  readonly cols: number;
}

/**
 * Rounding of g_k = ‖W_k‖_F² − ‖W_k‖_2² from computed values: the squared norm (γ_m·‖W‖_F²) and σ̂_1², which is
 * σ_1²(1 ± svdRoundings·u)² (2·svdRoundings·u + its square, relative).
 */
export function rankOneGapRounding(frobeniusSquared: number, layer: LayerSpectrum): number {
  const p = svdRoundings(layer.rows, layer.cols) * UNIT_ROUNDOFF;
  return gamma(layer.rows * layer.cols) * frobeniusSquared + (2 * p + p * p) * layer.sigma1 * layer.sigma1;
}

/**
 * Rounding of (1 − ĉ²)σ̂²_{k+1}, ĉ = |⟨v̂_{k+1}, û_k⟩| (F6). Top singular vectors from a backward-stable SVD are
 * accurate to p·u·σ_1/(σ_1 − σ_2) to first order (Wedin's sin θ theorem with a backward error p·u·σ_1), so
 * |ĉ − c| ≤ that for both layers + γ_{d_k+1} (the dot product and unit norms), |ĉ² − c²| ≤ 2|ĉ − c|, and σ̂²
 * contributes 2p·u relative. Infinite when a top singular value is repeated: c is then undetermined (and F6's
 * right side exceeds 1 anyway, since s_2² ≤ g_k).
 */
export function alignmentRounding(next: LayerSpectrum, layer: LayerSpectrum): number {
  const gapNext = next.sigma1 - next.sigma2;
  const gapLayer = layer.sigma1 - layer.sigma2;
  if (!(gapNext > 0) || !(gapLayer > 0)) return Infinity;
  const pn = svdRoundings(next.rows, next.cols) * UNIT_ROUNDOFF;
  const pl = svdRoundings(layer.rows, layer.cols) * UNIT_ROUNDOFF;
  const dc = (pn * next.sigma1) / gapNext + (pl * layer.sigma1) / gapLayer + gamma(layer.rows + 1);
  return (2 * dc + 2 * pn + pn * pn) * next.sigma1 * next.sigma1;
}

/**
 * A lower bound on q = |⟨w_prod, v_1⟩|/∏‖W_k‖_F (JT.Thm1-prod) from F5 and F6, derived here. Write
 * W_k = s_k u_kv_kᵀ + N_k (N_kv_k = 0, N_kᵀu_k = 0, ‖N_k‖_2 = σ_2(W_k)), y_1 = W_1v_1 = s_1u_1 and
 * y_{k+1} = W_{k+1}y_k = a_{k+1}u_{k+1} + r_{k+1} with r ⊥ u; then w_prodᵀv_1 = y_L and q = |a_L|/∏F_k (the last
 * layer is a row: r_L = 0). With c_k = ⟨v_{k+1}, u_k⟩, |⟨v_{k+1}, r_k⟩| ≤ √(1 − c_k²)‖r_k‖ (r_k ⊥ u_k) and
 * ‖r_{k+1}‖ ≤ σ_2(W_{k+1})‖y_k‖ ≤ σ_2(W_{k+1})∏_{j≤k}F_j, so in units of ∏_{j≤k}F_j:
 *   α_1 = ρ_1,  α_{k+1} ≥ ρ_{k+1}(α_k|c_k| − √(1 − c_k²)·ε_k),  ε_1 = 0, ε_k = σ_2(W_k)/F_k (k ≥ 2),
 * and q = α_L. The bound is monotone in ρ, |c| (up) and ε (down), so F5 (ρ_k² ≥ 1 − G/F_k², ε_k² ≤ G/F_k² with
 * G = D + 4S + its allowance) and F6 (c_k² ≥ 1 − X_k/σ_1(W_{k+1})², X_k including its allowance) give a lower
 * bound on q that tends to 1 as the norms grow (F3). Denominators are deflated by their own rounding
 * (γ_{m+1} for F_k², 2·svdRoundings·u for σ_1²) so the computed bound stays a bound; ρ_L = 1 exactly (d_L = 1).
 */
export function productAlignmentLowerBound(p: {
  readonly dims: readonly number[];
  /** computed ‖W_k(t)‖_F² */
  readonly frobeniusSquared: readonly number[];
  /** computed σ_1(W_k(t))² */
  readonly spectralSquared: readonly number[];
  /** G: the F5 bound on g_k with its allowance */
  readonly gapBound: number;
  /** X_k (k = 1…L−1): the F6 bound with its allowance */
  readonly alignmentBounds: readonly number[];
}): number {
  const L = p.dims.length - 1;
  const fro = (k: number) => p.frobeniusSquared[k] * (1 - gamma(p.dims[k] * p.dims[k + 1] + 1));
  const rhoLo = (k: number) => (k === L - 1 ? 1 : Math.sqrt(Math.max(0, 1 - p.gapBound / fro(k))));
  const epsHi = (k: number) => (k === L - 1 ? 0 : Math.sqrt(Math.min(1, p.gapBound / fro(k))));
  let alpha = rhoLo(0);
  for (let k = 0; k + 1 < L; k++) {
    const sigma = p.spectralSquared[k + 1] * (1 - 2 * svdRoundings(p.dims[k + 2], p.dims[k + 1]) * UNIT_ROUNDOFF);
    const cLo = Math.sqrt(Math.max(0, 1 - p.alignmentBounds[k] / sigma));
    const leak = k === 0 ? 0 : Math.sqrt(1 - cLo * cLo) * epsHi(k);
    alpha = rhoLo(k + 1) * Math.max(0, alpha * cLo - leak);
  }
  return alpha;
}

/**
 * Rounding of ⟨Π_⊥w, ∇R(w)⟩·e^{shift} as evaluated for JT.Lem4 with the derivative terms c_i = ℓ'(m̂_i)e^{shift}/n
 * taken from log|ℓ'| (finite where ℓ' underflows):
 * - each c_i: log|ℓ'(m̂_i)| + shift errs by ≤ 3u(|log|ℓ'|| + |shift| + 2) (a few roundings of numbers of that size)
 *   and the margin's own error δ_i ≤ γ_{d+1}‖w‖‖z_i‖ moves log|ℓ'| by ≤ δ_i (|d log|ℓ'|/dm| ≤ 1 for both losses):
 *   relative error e^{ε_i} − 1 with ε_i the sum;
 * - the sum g = Σ c_i x_i (γ_{n+1}), forming Π_⊥w (3γ_{d+2}‖w‖, plus γ_{2d+5}‖w‖ because û is unit only to
 *   rounding) and the dot product (γ_d).
 */
export function lemma4Rounding(p: {
  readonly d: number;
  readonly n: number;
  /** |c_i|, ⟨Π_⊥w, z_i⟩ and ‖x_i‖ per sample */
  readonly weights: readonly number[];
  readonly offMargin: readonly number[];
  readonly inputNorms: readonly number[];
  /** |log|ℓ'(m̂_i)|| per sample and |shift| */
  readonly logMagnitudes: readonly number[];
  readonly shift: number;
  readonly wNorm: number;
  readonly offNorm: number;
}): number {
  let terms = 0;
  let mass = 0;
  for (let i = 0; i < p.n; i++) {
    const delta = gamma(p.d + 1) * p.wNorm * p.inputNorms[i];
    const eps = 3 * UNIT_ROUNDOFF * (p.logMagnitudes[i] + Math.abs(p.shift) + 2) + delta;
    terms += p.weights[i] * Math.abs(p.offMargin[i]) * Math.expm1(eps);
    mass += p.weights[i] * p.inputNorms[i];
  }
  return terms + ((gamma(p.n + 1) + gamma(p.d)) * p.offNorm + (3 * gamma(p.d + 2) + gamma(2 * p.d + 5)) * p.wNorm) * mass;
}

/**
 * Rounding of LL's γ̃ = −logΣ_i e^{−m̂_i}/‖θ‖^L at one iterate, and of the step's storage: the log-sum-exp moves
 * by ≤ max_i δ_i (its gradient in m is a probability vector; δ = marginRounding) plus γ_{n+3}|log ℒ|; ‖θ‖² is
 * known to γ_{M}, so ‖θ‖^L to (L/2 + 1)γ_M; and the stored W(t+1) = exact + δ_W moves γ̃ by ≤ ‖∇γ̃‖‖δ_W‖ with
 * ‖∇γ̃‖ ≤ max_i‖∇_θ m_i‖/‖θ‖^L + L|γ̃|/‖θ‖ and ‖∇_θ m_i‖ ≤ ‖x_i‖·√(Σ_k ∏_{j≠k}‖W_j‖_F²).
 */
export function smoothedMarginRounding(p: {
  readonly scale: EvaluationScale;
  readonly logSumLoss: number;
  readonly thetaNormSquared: number;
  readonly degree: number;
  readonly entries: number;
  readonly value: number;
  /** ‖δ_W‖ of the step that produced this iterate (0 at t = 0) */
  readonly storage: number;
}): number {
  const thetaL = Math.pow(p.thetaNormSquared, p.degree / 2);
  const lse = marginRounding(p.scale) + gamma(p.scale.n + 3) * Math.abs(p.logSumLoss);
  const grad = (p.scale.inputNorm * euclidean(p.scale.productExcept)) / thetaL + (p.degree * Math.abs(p.value)) / Math.sqrt(p.thetaNormSquared);
  return lse / thetaL + (p.degree / 2 + 1) * gamma(p.entries) * Math.abs(p.value) + grad * p.storage;
}

/**
 * Rounding of the GF rate identity ⟨W_1Π_⊥, Ĝ_1⟩ = ⟨Π_⊥ŵ, r̂⟩ (the derivative form of F8): firstOrderConsistency
 * plus forming W_1Π_⊥ (3γ_{d+2}‖W_1‖) and the dot product over m entries (γ_m), times ‖Ĝ_1‖.
 */
export function offMarginRateAllowance(s: EvaluationScale, entries: number, weightNorm: number, gradNorm: number): number {
  const d = s.dims[0];
  return firstOrderConsistency(s) + (3 * gamma(d + 2) + gamma(entries)) * weightNorm * gradNorm;
}

/**
 * The level below which a computed α (JT.Lem4) cannot be told from 0: α is a support value ⟨ξ, z_i⟩ of projected
 * support vectors, which errs by the error of ū (maxMargin's feasibility level, relative 32·(d + 1 + 2n)·u as in
 * marginAllowance) times max‖z_i‖, plus γ_{d+2}·max‖z_i‖ for the projection. Data whose α is below it are
 * degenerate ("almost all data" excludes them: a support vector on the line ℝū gives α = 0 exactly, and the
 * solver returns ~1e-17 instead).
 */
export function alphaResolution(d: number, n: number, maxZ: number): number {
  return (32 * (d + 1 + 2 * n) * UNIT_ROUNDOFF * 2 + gamma(d + 2)) * maxZ;
}
