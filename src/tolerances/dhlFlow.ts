import { plainFrobenius } from '../linalg/sumOfSquares.js';
import { B } from '../trainer/dop853Tableau.js';
import type { FlowStep } from '../trainer/gradientFlow.js';
import { quotient } from './quotient.js';
import { gamma } from './rounding.js';

/**
 * DHL.Thm2.2 under gradient flow: a budget on the drift of D_k = W_{k+1}ᵀW_{k+1} − W_kW_kᵀ built from DOP853's own
 * error control, step by step (the earlier budget came from the flow's global accuracy, 10τ(1 + |w|) per weight, and
 * sat 2e4–2e6× above the observed drift).
 *
 * Derivation. D_k is quadratic, D_k(W + E) − D_k(W) = W_{k+1}ᵀE_{k+1} + E_{k+1}ᵀW_{k+1} + E_{k+1}ᵀE_{k+1} − (the same
 * for layer k, transposed), so with W̃ = W + E
 *   ‖D_k(W̃) − D_k(W)‖_F ≤ Σ_{ℓ ∈ {k, k+1}} (2‖W̃_ℓ‖₂‖E_ℓ‖_F + ‖E_ℓ‖_F²)                                    (*)
 * (write W = W̃ − E: W̃ᵀE + EᵀW̃ − EᵀE). The exact flow φ conserves D_k (the theorem), so over one accepted step
 * y_n → ŷ_{n+1} of length h, D_k(ŷ_{n+1}) − D_k(y_n) = D_k(ŷ_{n+1}) − D_k(φ_h(y_n)), and E is the step's error:
 *  (T) truncation: the 8th-order solution's local error ŷ₈ − φ_h(y). DOP853 forms e = ŷ₈ − ŷ₅, the distance to its
 *      embedded 5th-order solution (AcceptedStep.localError / errorShare), and ‖ŷ₈ − φ‖ ≤ ‖ŷ₈ − ŷ₅‖ whenever the
 *      8th-order solution is at least twice as accurate as the 5th-order one (triangle inequality). That is the
 *      assumption this budget rests on, per layer: measured against a reference solve (src/verify/dhl/dhl.test.ts),
 *      ‖ŷ₈ − φ‖ ≤ 0.013‖ŷ₈ − ŷ₅‖ over 600 drawn cases. The controller's own combined estimate (localError, whose
 *      scaled RMS is the accepted err) is ~100× smaller and would make the budget that much tighter, but it is not an
 *      upper bound: it fell short of the true local error by up to 6.6× on steps of h ≈ 0.5 (5.7× with h ≤ 1/4).
 *      Since ‖ŷ₈ − ŷ₅‖ is O(h⁶) and the true error O(h⁹), this term is 10²–10⁵× the drift it bounds: the budget is
 *      sound but loose, and that is why (a near-binding check needs the step's exact D-increment from its stages).
 *  (R) the rounding of the update ŷ = fl(y + h·Σ b_j k_j): per component ≤ γ_1|ŷ_i| + γ_10·h·Σ_j|b_j||k_{j,i}|
 *      (8 products summed, ×h, one addition), into (*) with E = that vector.
 *  (S) the stages as computed: with Ŷ_j the computed stage points and k̂_j the computed −∇R(Ŷ_j),
 *      D(y + hΣb_jk̂_j) − D(y) = hΣ_j b_j(X_j + X_jᵀ) + (the algebraic defect of the Runge–Kutta step, which (T)
 *      covers) + 2hΣ_j b_j·B(ρ_j, k̂_j), where X_j = G_kW_kᵀ − W_{k+1}ᵀG_{k+1} at Ŷ_j is zero in exact arithmetic
 *      (this is where the theorem enters: a wrong gradient makes it O(1)) and in floating point
 *      |X_j| ≤ 5γ_m(1+γ_m)²Mag_k(Ŷ_j) (src/tolerances/dhlStep.ts, cancellationMagnitudes), and ρ_j, the rounding
 *      of the stage point, is ≤ γ_10(|y| + |Ŷ_j − y|) per component. Two approximations, both far below (T) and
 *      (R) where D moves at all: Mag_k(Ŷ_j) is taken as 2·max(‖Mag_k‖_F at the step's two ends), and |Ŷ_j| ≤ 2|ŷ|;
 *      and Σ_j h|b_j|‖k̂_j‖ ≤ √8·‖h·Σ_j|b_j||k̂_j|‖ (eight nonnegative vectors) turns the stage sum into the
 *      increment's magnitude.
 * The drift D_k(ŷ_N) − D_k(y_0) telescopes over the accepted steps (rejected steps do not move y), and the two
 * evaluations of D_k round by ≤ γ_{m+2}(‖W_k‖_F² + ‖W_{k+1}‖_F²) each (products of inner size ≤ m, one subtraction).
 * ‖W̃_ℓ‖₂ is bounded by spectralNormBound. The budget is a sum of per-step bounds, so drift of alternating sign
 * over steps leaves it loose too.
 */

/** Σ_j |b_j| of DOP853's 8th-order weights (the stage sum in (S)). */
export const DOP853_WEIGHT_SUM = B.reduce((s, b) => s + Math.abs(b), 0);

/**
 * An upper bound on ‖W‖₂ for W (rows × cols, row-major): √min(‖W‖_F², ‖WᵀW‖_∞, ‖WWᵀ‖_∞) — the spectral radius of a
 * Gram matrix is at most its largest absolute row sum — with (1 + γ) for the rounding of the sums.
 */
export function spectralNormBound(W: Float64Array, rows: number, cols: number): number {
  if (W.length !== rows * cols) throw new RangeError(`spectralNormBound: W.length=${W.length} must equal rows·cols=${rows * cols}`);
  let fro = 0;
  for (let i = 0; i < W.length; i++) fro += W[i] * W[i];
  const rowSums = (outer: number, inner: number, at: (o: number, i: number) => number): number => {
    // max_o Σ_p |Σ_i at(o, i)·at(p, i)|
    let best = 0;
    for (let o = 0; o < outer; o++) {
      let s = 0;
      for (let p = 0; p < outer; p++) {
        let g = 0;
        for (let i = 0; i < inner; i++) g += at(o, i) * at(p, i);
        s += Math.abs(g);
      }
      best = Math.max(best, s);
    }
    return best;
  };
  const left = rowSums(rows, cols, (r, c) => W[r * cols + c]);
  const right = rowSums(cols, rows, (c, r) => W[r * cols + c]);
  return Math.sqrt(Math.min(fro, left, right) * (1 + gamma(rows + cols + 2)));
}

/**
 * One accepted DOP853 step as the budget needs it: gradientFlow's FlowStep (h, W_k after the step, the embedded local
 * error estimate and its share — localError/errorShare = h·e5 = ŷ₈ − ŷ₅ —, and h·Σ_j|b_j||k_j| per layer), plus, per
 * hidden layer k (pair k−1, k), the max of ‖Mag_k‖_F at the step's start and end (cancellationMagnitudes).
 */
export type FlowBudgetStep = Pick<FlowStep, 'h' | 'weights' | 'localError' | 'errorShare' | 'increment'> & { readonly magnitudes: readonly number[] };

/** Per pair of adjacent layers, the two parts of the drift budget, summed over the steps added. */
export class FlowDriftBudget {
  /** Σ over steps of (T) */
  readonly truncation: Float64Array;
  /** Σ over steps of (R) and (S) */
  readonly rounding: Float64Array;
  /** its parts: Σ of (R), the update's rounding, and of (S)'s gradient-identity (cancellation) term (the rest of it is the stage points' rounding) */
  readonly updateRounding: Float64Array;
  readonly cancellation: Float64Array;
  steps = 0;
  private readonly dims: readonly number[];
  private readonly m: number;

  /** dims d_0 … d_L of a linear net; samples n (the longest sums in the gradient run over them) */
  constructor(dims: readonly number[], samples: number) {
    if (dims.length < 3) throw new RangeError(`FlowDriftBudget: dims.length=${dims.length} must be ≥ 3 (D_k needs two layers)`);
    if (!(Number.isInteger(samples) && samples >= 1)) throw new RangeError(`FlowDriftBudget: samples=${samples} must be a positive integer`);
    this.dims = dims;
    this.m = Math.max(samples, ...dims) + 3;
    this.truncation = new Float64Array(dims.length - 2);
    this.rounding = new Float64Array(dims.length - 2);
    this.updateRounding = new Float64Array(dims.length - 2);
    this.cancellation = new Float64Array(dims.length - 2);
  }

  addStep(s: FlowBudgetStep): void {
    const { dims } = this;
    const L = dims.length - 1;
    if (s.weights.length !== L || s.localError.length !== L || s.increment.length !== L || s.magnitudes.length !== L - 1)
      throw new RangeError(`FlowDriftBudget.addStep: ${L} layers expected (and ${L - 1} magnitudes)`);
    const g1 = gamma(1);
    const g10 = gamma(10);
    const gm = gamma(this.m);
    const layerT = new Array<number>(L);
    const layerR = new Array<number>(L);
    const layerU = new Array<number>(L);
    for (let l = 0; l < L; l++) {
      const W = s.weights[l];
      const sigma = spectralNormBound(W, dims[l + 1], dims[l]);
      const fro = plainFrobenius(W);
      // ‖ŷ₈ − ŷ₅‖ on this layer (0 when the step had no error to estimate)
      const e = s.errorShare > 0 ? plainFrobenius(s.localError[l]) / s.errorShare : 0;
      const inc = plainFrobenius(s.increment[l]);
      const r = g1 * fro + g10 * inc;
      layerT[l] = 2 * sigma * e + e * e;
      // (R) the update, (S) the stage points' rounding: 2·γ_10·(2‖Ŵ‖_F)·√8‖increment‖
      layerU[l] = 2 * sigma * r + r * r;
      layerR[l] = layerU[l] + 4 * g10 * fro * Math.SQRT2 * 2 * inc;
    }
    const cancellation = Math.abs(s.h) * DOP853_WEIGHT_SUM * 10 * gm * (1 + gm) ** 2;
    for (let k = 0; k < L - 1; k++) {
      this.truncation[k] += layerT[k] + layerT[k + 1];
      this.rounding[k] += layerR[k] + layerR[k + 1] + cancellation * 2 * s.magnitudes[k];
      this.updateRounding[k] += layerU[k] + layerU[k + 1];
      this.cancellation[k] += cancellation * 2 * s.magnitudes[k];
    }
    this.steps++;
  }

  /**
   * The budget per pair for the drift ‖D_k(end) − D_k(start)‖_F: the steps' sum plus the two D evaluations.
   * `start` and `end` are the weights D was evaluated at.
   */
  budget(start: readonly Float64Array[], end: readonly Float64Array[]): Float64Array {
    const g = gamma(this.m + 2);
    const sq = (ws: readonly Float64Array[], l: number) => plainFrobenius(ws[l]) ** 2;
    return this.truncation.map((t, k) => t + this.rounding[k] + g * (sq(start, k) + sq(start, k + 1) + sq(end, k) + sq(end, k + 1)));
  }
}

/** max over pairs of observed drift / budget (0/0 = 0). */
export function flowBudgetRatio(drifts: readonly number[], budget: Float64Array): number {
  if (drifts.length !== budget.length) throw new RangeError(`flowBudgetRatio: drifts.length=${drifts.length} must equal budget.length=${budget.length}`);
  return drifts.reduce((worst, d, k) => Math.max(worst, quotient(d, budget[k])), 0);
}
