import type { Dataset } from '../data/dataset.js';
import { exponential } from '../losses/exponential.js';
import { logistic } from '../losses/logistic.js';
import type { MarginLoss } from '../losses/loss.js';
import { LOSS_ROUNDINGS } from './jtRounding.js';
import { gamma } from './rounding.js';

/**
 * The second-order descent bound of JT.Thm1-risk (docs/claims.md, JT): one GD step W' = W + Δ (Δ = −η∇R for a correct trainer)
 * changes the risk by ⟨∇R(W), Δ⟩ plus a remainder that Taylor's theorem with integral remainder bounds by curvature
 * along the segment:
 *
 *   R(W + Δ) − R(W) − ⟨∇R(W), Δ⟩ = ∫₀¹ (1 − s) φ''(s) ds,   φ(s) = R(W + sΔ),   so   |…| ≤ ½·sup_{s∈[0,1]} |φ''(s)|.
 *
 * For a linear net with 1-d output each margin along the segment is a polynomial of degree L in s,
 * m_i(s) = y_i (W_L + sΔ_L)⋯(W_1 + sΔ_1) x_i = Σ_{j=0}^{L} c_ij s^j (c_ij: the sum over the products with exactly j
 * factors Δ_k), and φ'' = (1/n) Σ_i [ℓ''(m_i) m_i'² + ℓ'(m_i) m_i'']. On s ∈ [0, 1]:
 *   |m_i'| ≤ Σ_{j≥1} j|c_ij|,   |m_i''| ≤ Σ_{j≥2} j(j−1)|c_ij|,   m_i(s) ∈ [c_i0 + Σ_{j≥1} min(0, c_ij), c_i0 + Σ_{j≥1} max(0, c_ij)],
 * and sup|ℓ'|, sup|ℓ''| over that interval come from the loss's own shape (derivativeBounds) rather than the global
 * constants G, β: in the regime the margins are large and ℓ'' ≈ e^{−m} ≪ β, so a global β would be loose by orders
 * of magnitude. For a GD step c_i1 = ⟨∇m_i, Δ⟩ = O(η) dominates and the bound is close to the true curvature at
 * s = 0 except where the terms of φ'' cancel (they are summed in absolute value).
 *
 * Rounding of the bound itself: the coefficients are computed by the recursion v_k^{(j)} = W_k v_{k−1}^{(j)} +
 * Δ̂_k v_{k−1}^{(j−1)} (v_0^{(0)} = x_i) on the computed Δ̂ = fl(W' − W) = Δ∘(1 + ε), |ε| ≤ u. Each layer adds ≤ 2d_{k−1}
 * + 1 roundings to every term, so with K = Σ_k (2d_{k−1} + 2) the computed ĉ_ij differs from the exact c_ij(Δ̂) by at
 * most γ_K·ā_ij, ā_ij the same recursion on |W_k|, |Δ̂_k|, |x_i| (Higham Lemma 3.5 / §3.5), and c_ij(Δ) differs from
 * c_ij(Δ̂) by ≤ γ_L·ā_ij (j ≤ L factors of 1 + ε). Since ‖|A||B|‖_F ≤ ‖A‖_F‖B‖_F, ā_ij ≤ e_j·‖x_i‖ with e_j the
 * coefficient of s^j in ∏_k (‖W_k‖_F + s‖Δ̂_k‖_F) (one polynomial per step, not per sample); computing the norms and
 * e_j costs another γ_K relative. So |c_ij − ĉ_ij| ≤ γ_{2K+L}·e_j‖x_i‖ (coefficientError). The positive sums over j
 * (≤ 2L + 2 terms) are inflated by γ_{2L+4}, the loss derivative values by γ_{LOSS_ROUNDINGS+1}, and the final
 * (1/n)Σ_i by γ_{n+8}.
 */

/** sup |ℓ'| and sup |ℓ''| over an interval of margins. */
export interface DerivativeBounds {
  readonly d1: number;
  readonly d2: number;
}

/** ℓ''(u) of the logistic loss: σ(u)σ(−u) = e^{−|u|}/(1 + e^{−|u|})² (even, decreasing in |u|, at most 1/4). */
export function logisticSecond(u: number): number {
  const e = Math.exp(-Math.abs(u));
  return e / ((1 + e) * (1 + e));
}

/**
 * ℓ'' of the losses whose curvature this module knows (logistic, exponential), for reporting the true curvature at
 * s = 0; other losses have no ℓ'' here.
 */
export function lossSecond(loss: MarginLoss, u: number): number {
  if (loss === logistic) return logisticSecond(u);
  if (loss === exponential) return Math.exp(-u);
  throw new RangeError(`lossSecond: loss=${loss.name} has no second derivative here; use the logistic or exponential loss`);
}

/**
 * sup_{u∈[lo, hi]} |ℓ'(u)| and |ℓ''(u)| (lo ≤ hi), exact up to the evaluation's rounding (not yet inflated):
 * - logistic: |ℓ'(u)| = 1/(1 + e^u) decreases, so its sup is at lo; ℓ'' = σ(u)σ(−u) is even and decreases in |u|,
 *   so its sup is 1/4 when 0 ∈ [lo, hi], otherwise at the endpoint nearer 0;
 * - exponential: |ℓ'| = ℓ'' = e^{−u} decrease, sup at lo;
 * - any other loss with declared JT.A3 constants: G and β (|ℓ''| ≤ β wherever ℓ' is differentiable, the
 *   remainder formula needs only that ℓ' be β-Lipschitz);
 * - otherwise there is no bound: a RangeError.
 */
export function derivativeBounds(loss: MarginLoss, lo: number, hi: number): DerivativeBounds {
  if (!(lo <= hi)) throw new RangeError(`derivativeBounds: lo=${lo} must be ≤ hi=${hi}`);
  if (loss === logistic) {
    const d2 = lo <= 0 && hi >= 0 ? 0.25 : logisticSecond(lo > 0 ? lo : hi);
    return { d1: Math.abs(logistic.derivative(lo)), d2 };
  }
  if (loss === exponential) {
    const v = Math.exp(-lo);
    return { d1: v, d2: v };
  }
  if (loss.lipschitz) return { d1: loss.lipschitz.G, d2: loss.lipschitz.beta };
  throw new RangeError(
    `derivativeBounds: loss=${loss.name} declares no JT.A3 constants (lipschitz) and its curvature is not known here; declare β and G or use the logistic or exponential loss`,
  );
}

/** Preallocated buffers for segmentCurvature (one per architecture and dataset; nothing is allocated per call). */
export interface SegmentScratch {
  readonly dims: readonly number[];
  readonly n: number;
  readonly width: number;
  /** (L + 1) coefficient vectors of length max d_k, current and next layer */
  readonly cur: Float64Array;
  readonly next: Float64Array;
  /** per sample: c_i0 … c_iL */
  readonly coef: Float64Array;
  /** e_0 … e_L: the coefficients of ∏_k (‖W_k‖_F + s‖Δ_k‖_F), and ‖x_i‖ per sample */
  readonly normPoly: Float64Array;
  readonly inputNorms: Float64Array;
}

export function createSegmentScratch(dims: readonly number[], n: number): SegmentScratch {
  const L = dims.length - 1;
  if (L < 1 || dims[L] !== 1) throw new RangeError(`createSegmentScratch: dims=${JSON.stringify(dims)} must end with output dimension 1 (a margin loss)`);
  const width = Math.max(...dims);
  const size = (L + 1) * width;
  return {
    dims,
    n,
    width,
    cur: new Float64Array(size),
    next: new Float64Array(size),
    coef: new Float64Array(n * (L + 1)),
    normPoly: new Float64Array(L + 1),
    inputNorms: new Float64Array(n),
  };
}

/** γ_{2K+L} with K = Σ_k (2d_{k−1} + 2): the error of a computed coefficient ĉ_ij relative to e_j‖x_i‖. */
export function coefficientError(dims: readonly number[]): number {
  const L = dims.length - 1;
  let K = 0;
  for (let k = 1; k <= L; k++) K += 2 * dims[k - 1] + 2;
  return gamma(2 * K + L);
}

function frobeniusNorm(a: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * a[i];
  return Math.sqrt(s);
}

/**
 * Writes the coefficients c_ij (j = 0…L) of every margin m_i(s) along W + sΔ into scratch.coef (row i), the
 * coefficients e_j of ∏_k (‖W_k‖_F + s‖Δ_k‖_F) into scratch.normPoly and ‖x_i‖ into scratch.inputNorms (their products
 * bound the magnitudes â_ij the rounding is proportional to). weights[k] and delta[k] are d_{k+1} × d_k row-major.
 */
export function marginPolynomials(weights: readonly Float64Array[], delta: readonly Float64Array[], data: Dataset, scratch: SegmentScratch): void {
  const { dims, width, coef, normPoly, inputNorms } = scratch;
  const L = dims.length - 1;
  normPoly.fill(0);
  normPoly[0] = 1;
  for (let k = 0; k < L; k++) {
    const w = frobeniusNorm(weights[k]);
    const d = frobeniusNorm(delta[k]);
    for (let j = k + 1; j >= 1; j--) normPoly[j] = normPoly[j] * w + normPoly[j - 1] * d;
    normPoly[0] *= w;
  }
  let a = scratch.cur;
  let b = scratch.next;
  const d0 = dims[0];
  for (let i = 0; i < data.n; i++) {
    let xx = 0;
    for (let r = 0; r < d0; r++) {
      const v = data.x[i * d0 + r];
      a[r] = v;
      xx += v * v;
    }
    inputNorms[i] = Math.sqrt(xx);
    for (let k = 1; k <= L; k++) {
      const rows = dims[k];
      const cols = dims[k - 1];
      const Wk = weights[k - 1];
      const Dk = delta[k - 1];
      for (let j = 0; j <= k; j++) {
        const out = j * width;
        const fromW = j < k ? j * width : -1;
        const fromD = j >= 1 ? (j - 1) * width : -1;
        for (let r = 0; r < rows; r++) {
          let s = 0;
          const row = r * cols;
          if (fromW >= 0) for (let q = 0; q < cols; q++) s += Wk[row + q] * a[fromW + q];
          if (fromD >= 0) for (let q = 0; q < cols; q++) s += Dk[row + q] * a[fromD + q];
          b[out + r] = s;
        }
      }
      const t = a;
      a = b;
      b = t;
    }
    const y = data.y[i];
    for (let j = 0; j <= L; j++) coef[i * (L + 1) + j] = y * a[j * width];
  }
}

export interface SegmentCurvature {
  /** a rigorous upper bound of sup_{s∈[0,1]} |φ''(s)|, φ(s) = R(W + sΔ) */
  readonly bound: number;
  /** φ''(0) as computed (the curvature the step actually meets at its start; for reporting the bound's tightness) */
  readonly atStart: number;
}

/**
 * sup_{s∈[0,1]} |d²/ds² R(W + sΔ)| for a linear net with 1-d output and a margin loss, bounded as derived at the top
 * of this file; delta is the step actually taken (W(t+1) − W(t), computed). For the logistic and exponential losses
 * the interval bounds of ℓ', ℓ'' are exact; other losses need declared JT.A3 constants.
 */
export function segmentCurvature(
  weights: readonly Float64Array[],
  delta: readonly Float64Array[],
  data: Dataset,
  loss: MarginLoss,
  scratch: SegmentScratch,
): SegmentCurvature {
  marginPolynomials(weights, delta, data, scratch);
  const { dims, coef, normPoly, inputNorms } = scratch;
  const L = dims.length - 1;
  const err = coefficientError(dims);
  const sumInflate = 1 + gamma(2 * L + 4);
  const lossInflate = 1 + gamma(LOSS_ROUNDINGS + 1);
  const knownSecond = loss === logistic || loss === exponential;
  let total = 0;
  let atStart = 0;
  for (let i = 0; i < data.n; i++) {
    const o = i * (L + 1);
    const c0 = coef[o];
    const x = err * inputNorms[i];
    // m_i(s) − c_i0 = Σ_{j≥1} c_ij s^j with s^j ∈ [0, 1]: each term lies between min(0, c_ij) and max(0, c_ij)
    let down = x * normPoly[0];
    let up = down;
    let d1 = 0;
    let d2 = 0;
    for (let j = 1; j <= L; j++) {
      const cj = coef[o + j];
      const e = x * normPoly[j];
      const c = Math.abs(cj) + e;
      down += Math.max(0, -cj) + e;
      up += Math.max(0, cj) + e;
      d1 += j * c;
      d2 += j * (j - 1) * c;
    }
    const shift = gamma(1) * Math.abs(c0);
    d1 *= sumInflate;
    d2 *= sumInflate;
    const b = derivativeBounds(loss, c0 - down * sumInflate - shift, c0 + up * sumInflate + shift);
    total += lossInflate * (b.d2 * d1 * d1 + b.d1 * d2);
    if (knownSecond) {
      const c1 = coef[o + 1];
      const c2 = L >= 2 ? coef[o + 2] : 0;
      atStart += lossSecond(loss, c0) * c1 * c1 + 2 * loss.derivative(c0) * c2;
    }
  }
  return { bound: (total / data.n) * (1 + gamma(data.n + 8)), atStart: knownSecond ? atStart / data.n : NaN };
}

/** The quantities of one step that the rounding part of the second-order descent check needs. */
export interface SecondOrderTerms {
  /** riskRounding of R̂(W) and R̂(W') (src/tolerances/jtRounding.ts) */
  readonly riskRoundingBefore: number;
  readonly riskRoundingAfter: number;
  readonly riskBefore: number;
  readonly riskAfter: number;
  readonly eta: number;
  /** ‖Ĝ‖ of the trusted kernel at W, and ‖Ĝ − ∇R(W)‖ (gradientRounding) */
  readonly gradNorm: number;
  readonly gradError: number;
  /** ‖Δ‖ of the step taken, and ‖δ‖: the update's own rounding for a correct trainer (updateRounding per layer) */
  readonly stepNorm: number;
  readonly storage: number;
  /** entries of all layers (the sum of squares ‖Ĝ‖²) */
  readonly entries: number;
}

/**
 * Rounding allowance of the two-sided check |R̂(W') − R̂(W) + η‖Ĝ‖²| ≤ ½·sup|φ''| + allowance. With ∇R = Ĝ − e and,
 * for a correct trainer, Δ = −ηG̃ + δ where G̃ is its gradient (within ‖e‖ of ∇R, so ‖G̃ − Ĝ‖ ≤ 2‖e‖):
 *   ⟨∇R, Δ⟩ + η‖Ĝ‖² = ⟨Ĝ, Δ + ηĜ⟩ − ⟨e, Δ⟩ = ⟨Ĝ, δ − η(G̃ − Ĝ)⟩ − ⟨e, Δ⟩,
 * which is at most ‖Ĝ‖‖δ‖ + 2η‖Ĝ‖‖e‖ + ‖e‖‖Δ‖. Add the two risks' rounding, ‖Ĝ‖² over m entries and the product
 * with η (γ_{m+1}), and the two additions of the residual (γ_2 of the magnitudes).
 */
export function secondOrderAllowance(t: SecondOrderTerms): number {
  const first = t.eta * t.gradNorm * t.gradNorm;
  return (
    t.riskRoundingBefore +
    t.riskRoundingAfter +
    t.gradNorm * t.storage +
    2 * t.eta * t.gradNorm * t.gradError +
    t.gradError * t.stepNorm +
    gamma(t.entries + 1) * first +
    gamma(2) * (Math.abs(t.riskBefore) + Math.abs(t.riskAfter) + first)
  );
}
