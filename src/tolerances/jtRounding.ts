import type { Dataset } from '../data/dataset.js';
import type { MarginLoss } from '../losses/loss.js';
import { frobenius } from '../linalg/norms.js';
import { gamma, UNIT_ROUNDOFF } from './rounding.js';

/**
 * Rounding allowances of the Ji & Telgarsky claims (docs/claims.md, Identities and JT): the scales of one evaluation of R and ∇R,
 * and the per-step allowances built on them. Each is a worst-case floating-point error bound derived in its comment
 * from the standard model fl(a ∘ b) = (a ∘ b)(1 + ε), |ε| ≤ u = 2^−53, and γ_k = k·u/(1 − k·u) (Higham, *Accuracy
 * and Stability of Numerical Algorithms*, 2nd ed., §3.1). The theory's constants are in jt.ts.
 *
 * Every allowance is a bound for the *linear* nets the JT claims are about, with the kernels of
 * src/trainer/gradient.ts (linearRiskAndGradient) and the update loop of src/trainer/gradientDescent.ts.
 * Loss-derivative sensitivities are derived for the exponential and logistic losses only (both satisfy
 * |ℓ''| ≤ |ℓ'| and |ℓ'(u − δ)| ≤ e^δ |ℓ'(u)|), which are the losses of every JT property.
 */

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
export function marginChain(dims: readonly number[]): number {
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

/**
 * An EvaluationScale that evaluationScaleInto refills in place, for a per-step hook (no allocation per step): its
 * arrays are sized once for dims, and `frobenius` holds ‖W_k‖_F of the last fill.
 */
export interface EvaluationScaleBuffer extends EvaluationScale {
  product: number;
  readonly productExcept: number[];
  inputNorm: number;
  slope: number;
  risk: number;
  readonly frobenius: number[];
}

/** A buffer for evaluationScaleInto at these dims and n samples. */
export function evaluationScaleBuffer(dims: readonly number[], n: number): EvaluationScaleBuffer {
  const L = dims.length - 1;
  return { dims, n, product: 0, productExcept: new Array<number>(L).fill(0), inputNorm: 0, slope: 0, risk: 0, frobenius: new Array<number>(L).fill(0) };
}

/** evaluationScale written into `out` (its dims and n must be the evaluation's); returns out. */
export function evaluationScaleInto(
  out: EvaluationScaleBuffer,
  weights: readonly Float64Array[],
  data: Dataset,
  loss: MarginLoss,
  margins: ArrayLike<number>,
  risk: number,
): EvaluationScaleBuffer {
  const L = weights.length;
  const fro = out.frobenius;
  let product = 1;
  for (let k = 0; k < L; k++) {
    fro[k] = frobenius(weights[k]);
    product *= fro[k];
  }
  for (let k = 0; k < L; k++) {
    let p = 1;
    for (let j = 0; j < L; j++) if (j !== k) p *= fro[j];
    out.productExcept[k] = p;
  }
  const norms = normsOf(data);
  let slope = 0;
  let inputNorm = 0;
  for (let i = 0; i < data.n; i++) {
    inputNorm = Math.max(inputNorm, norms[i]);
    slope += Math.abs(loss.derivative(margins[i])) * norms[i];
  }
  out.product = product;
  out.inputNorm = inputNorm;
  out.slope = slope / data.n;
  out.risk = risk;
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
  const s = evaluationScaleInto(evaluationScaleBuffer(dims, data.n), weights, data, loss, margins, risk);
  return { dims, n: s.n, product: s.product, productExcept: s.productExcept, inputNorm: s.inputNorm, slope: s.slope, risk };
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
  return gradientConsistencyInto(s, new Array<number>(s.productExcept.length));
}

/** gradientConsistency written into `out` (one entry per layer); returns out. */
export function gradientConsistencyInto(s: EvaluationScale, out: number[]): number[] {
  const c = gamma(gradientChain(s.dims) + 1) * (1 + gamma(s.n + LOSS_ROUNDINGS + 1)) * s.slope;
  for (let k = 0; k < s.productExcept.length; k++) out[k] = c * s.productExcept[k];
  return out;
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
export function driftRounding(
  eta: number,
  consistency: readonly number[],
  norms: readonly number[],
  storage: readonly number[],
  nextNorms: readonly number[],
): number {
  let c = 0;
  for (let k = 0; k < norms.length; k++) c += 2 * eta * consistency[k] * norms[k] + 2 * storage[k] * nextNorms[k] + 3 * storage[k] * storage[k];
  return c;
}
