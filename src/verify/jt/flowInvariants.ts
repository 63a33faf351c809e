/**
 * What a gradient-flow run of a deep linear net must keep along its own trajectory, checked against the integrator's
 * error control (src/trainer/gradientFlow.ts, src/trainer/dop853.ts), for JT.Thm2-margin:
 * - F2 along the flow ("F2-flow"): the exact flow conserves every D_k = W_kW_kᵀ − W_{k+1}ᵀW_{k+1} (F2 with η → 0;
 *   DHL Thm 2.2). FlowBalanceLedger bounds the drift the integrator may cause, from its accepted local error, and
 *   checks ‖D_k(t) − D_k(0)‖_F against it at each checkpoint. A flow whose G_k is scaled by c ≠ 1 is the exact flow of
 *   a reparametrized net with the same limit direction, but it drifts D at rate (c − 1)·d/dt(W_kW_kᵀ), ~1 % of the
 *   growth of ‖W_k‖², far above the integrator's allowance.
 * - Lemma 4's region at every right-hand-side evaluation (Lemma4RegionWatch), so that a monotonicity check between
 *   two checkpoints is made only over stretches where every point the integrator visited was inside the region, with
 *   a slack that covers the motion between consecutive evaluations.
 * Both watch the flow through its right-hand side (observeEvaluations): every point the integrator evaluates ∇R at
 * passes through the GradientFn, including every accepted point (DOP853 evaluates f at each accepted point, "first
 * same as last") and 11 stage points per attempted step.
 */
import { LOCAL_TOLERANCE_FACTOR } from '../../trainer/gradientFlow.js';
import { FLOW_ERROR_MULTIPLE, flowErrorBound } from '../../trainer/flowAccuracy.js';
import type { GradientFn } from '../../trainer/gradient.js';
import type { Network } from '../../network/network.js';
import { balanceMatrices } from '../../metrics/balancedness.js';
import { UNIT_ROUNDOFF, gamma } from '../../tolerances/rounding.js';
import { failCheck } from '../checkFailure.js';

/** The gradient with `observe(net)` called on every point it is evaluated at (before the gradient). */
export function observeEvaluations(gradient: GradientFn, observe: (net: Network) => void): GradientFn {
  return (ws, net, data, loss, grads, wantRisk) => {
    observe(net);
    return gradient(ws, net, data, loss, grads, wantRisk);
  };
}

/** Right-hand-side evaluations DOP853 spends per accepted step at least: 11 stages and the first-same-as-last f(y_{n+1}). */
export const EVALUATIONS_PER_ACCEPTED_STEP = 12;

/**
 * Rounding of one accepted update ŷ_{n+1} = fl(y_n + h·Σ_j b_j k_j), per entry, in units of u·(1 + ȳ): the sum of
 * the 8 nonzero b_j k_j errs by ≤ γ_8·Σ|b_j||k_j| with Σ|b_j| ≈ 12.97 (dop853Tableau.ts), and every |k_j| is within
 * a few units of |f(y_n)| on an accepted step, so h·(that) ≤ γ_8·13·(a few)·|y_{n+1} − y_n|; the addition and
 * multiplication add ≤ 2u|y_{n+1}|. With |y_{n+1} − y_n| ≤ 2ȳ, 512 covers it with a factor > 2 to spare; it is
 * ~10⁻³ of the tolerance term at τ = 1e-10 and is kept for completeness.
 */
const UPDATE_ROUNDING_UNITS = 512;

/**
 * F2 along the flow. Derivation of the allowance. Let y_0, …, y_M be the accepted points of the integrator up to a
 * checkpoint, φ_h the exact flow map, and ℓ_n = y_{n+1} − φ_{h_n}(y_n) the local error of step n (rounding of the
 * update included). D_k is exactly conserved by φ, so the drift telescopes into local errors only — no global error
 * and no amplification by the flow enters:
 *   D_k(y_M) − D_k(y_0) = Σ_n [D_k(φ(y_n) + ℓ_n) − D_k(φ(y_n))],
 * and with W = φ(y_n), δ = ℓ_n, each term is W_kδ_kᵀ + δ_kW_kᵀ + δ_kδ_kᵀ − (W_{k+1}ᵀδ_{k+1} + δ_{k+1}ᵀW_{k+1} +
 * δ_{k+1}ᵀδ_{k+1}), of Frobenius norm ≤ 2(‖W_k‖_F + ‖W_{k+1}‖_F)‖δ‖ + 2‖δ‖² ≤ 4(ā + ‖δ‖)‖δ‖ + 2‖δ‖², where ā bounds
 * every ‖W_j(y_{n+1})‖_F (‖W_j(φ)‖ ≤ ‖W_j(y_{n+1})‖ + ‖δ‖).
 * The local error: DOP853 accepts a step when its estimate err of ‖ℓ_n/sc‖_RMS is ≤ 1, sc_i = τ_loc(1 +
 * max(|y_n,i|, |y_{n+1},i|)), τ_loc = τ·LOCAL_TOLERANCE_FACTOR (gradientFlow.ts); so ‖ℓ_n‖_2 ≤ √N·τ_loc(1 + ȳ) as
 * far as the estimate holds. The estimate is a lower-order difference (5th and 3rd order) of a propagated 8th-order
 * solution, and so asymptotically above the true error; it is trusted here up to the factor K = FLOW_ERROR_MULTIPLE
 * that flowAccuracy.ts allows the error control (measured global errors ≤ 3.9 τ(1 + |w|) over 54 flows). Rounding
 * of the update adds UPDATE_ROUNDING_UNITS·u(1 + ȳ) per entry. Hence per step
 *   λ = √N·(1 + ȳ)·(K·τ_loc + 512u),  |ΔD_k| ≤ 4(ā + λ)λ + 2λ²,
 * and M ≤ evaluations/12 (EVALUATIONS_PER_ACCEPTED_STEP). ā and ȳ are maxima over every evaluated point (a superset
 * of the accepted points), so the allowance M·(4(ā + λ)λ + 2λ²) bounds the drift at the checkpoint.
 * Rounding of the check itself: fl(W_kW_kᵀ) and fl(W_{k+1}ᵀW_{k+1}) err by ≤ γ_m times their squared Frobenius norms
 * (m = the longest inner length), at t and at 0; the two subtractions per entry add 2u of the same magnitudes, so
 * γ_{m+2}·(the four squared norms); the computed Frobenius norm of the difference errs by ≤ γ_{d_k²+1} relative.
 * What the check is not: a bound on the global error of W (that is flowErrorBound's); the drift here is blind to how
 * errors propagate, which is why its allowance needs no horizon factor.
 */
export class FlowBalanceLedger {
  private readonly initial: Float64Array[];
  private readonly sq0: number[];
  private readonly localTolerance: number;
  private readonly entries: number;
  /** right-hand-side evaluations seen so far */
  evaluations = 0;
  /** max over evaluated points and layers of ‖W_j‖_F */
  maxLayerNorm = 0;
  /** max over evaluated points of max_i |w_i| */
  maxEntry = 0;
  /** largest observed/allowance over the checks so far */
  worst = 0;

  constructor(
    weights: readonly Float64Array[],
    private readonly dims: readonly number[],
    /** the flow's tolerance τ as passed to gradientFlow */
    tolerance: number,
  ) {
    if (!(tolerance > 0) || !Number.isFinite(tolerance)) throw new RangeError(`FlowBalanceLedger: tolerance=${tolerance} must be a finite number > 0`);
    if (weights.length < 1 || dims.length !== weights.length + 1)
      throw new RangeError(`FlowBalanceLedger: weights.length=${weights.length} must be dims.length − 1 = ${dims.length - 1} and ≥ 1`);
    this.initial = balanceMatrices(weights, dims);
    this.sq0 = weights.map(frobeniusSq);
    this.localTolerance = tolerance * LOCAL_TOLERANCE_FACTOR;
    this.entries = weights.reduce((s, W) => s + W.length, 0);
    this.observe(weights);
  }

  /** Notes one evaluated point (call it from observeEvaluations on every right-hand-side evaluation). */
  observe(weights: readonly Float64Array[]): void {
    this.evaluations++;
    for (const W of weights) {
      let s = 0;
      for (let i = 0; i < W.length; i++) {
        const a = Math.abs(W[i]);
        if (a > this.maxEntry) this.maxEntry = a;
        s += W[i] * W[i];
      }
      const n = Math.sqrt(s);
      if (n > this.maxLayerNorm) this.maxLayerNorm = n;
    }
  }

  /** The drift the integrator may cause after `evaluations` right-hand-side evaluations (see the class comment). */
  allowance(): number {
    const steps = this.evaluations / EVALUATIONS_PER_ACCEPTED_STEP;
    const lambda = Math.sqrt(this.entries) * (1 + this.maxEntry) * (FLOW_ERROR_MULTIPLE * this.localTolerance + UPDATE_ROUNDING_UNITS * UNIT_ROUNDOFF);
    return steps * (4 * (this.maxLayerNorm + lambda) * lambda + 2 * lambda * lambda);
  }

  /**
   * Checks every pair at a checkpoint W(t): throws CheckFailure 'F2-flow' when ‖D_k(t) − D_k(0)‖_F exceeds the
   * allowance plus the check's rounding; returns the largest observed/allowed over the pairs (0 when L = 1).
   */
  check(t: number, weights: readonly Float64Array[]): number {
    const dims = this.dims;
    const flow = this.allowance();
    const sq = weights.map(frobeniusSq);
    let worst = 0;
    balanceMatrices(weights, dims).forEach((Dk, k) => {
      let s = 0;
      for (let i = 0; i < Dk.length; i++) {
        const e = Dk[i] - this.initial[k][i];
        s += e * e;
      }
      const observed = Math.sqrt(s);
      const m = Math.max(dims[k], dims[k + 2]);
      const rounding = gamma(m + 2) * (sq[k] + sq[k + 1] + this.sq0[k] + this.sq0[k + 1]);
      const allowed = (flow + rounding) * (1 + gamma(Dk.length + 1));
      const ratio = observed / allowed;
      worst = Math.max(worst, ratio);
      if (!(observed <= allowed))
        failCheck(
          'F2-flow',
          observed,
          allowed,
          `‖D_${k + 1}(t) − D_${k + 1}(0)‖_F = ${observed.toExponential(3)} at t=${t}: the exact flow conserves D_${k + 1} (F2), and ${this.evaluations} evaluations at tolerance ${(this.localTolerance / LOCAL_TOLERANCE_FACTOR).toExponential(0)} allow at most ${allowed.toExponential(3)} of drift (max ‖W_j‖_F ${this.maxLayerNorm.toPrecision(3)})`,
        );
    });
    this.worst = Math.max(this.worst, worst);
    return worst;
  }
}

function frobeniusSq(W: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < W.length; i++) s += W[i] * W[i];
  return s;
}

/**
 * Lemma 4's region {w : ⟨w, ū⟩ ≥ 0, ‖Π_⊥w‖ > τ} watched at every point the integrator evaluates (observe), for the
 * MONO check between checkpoints. Both g₁(w) = ⟨w, ū⟩ and g₂(w) = ‖Π_⊥w‖ − τ are 1-Lipschitz in w = w_prod, so a
 * path from an evaluated point e whose every point p has ‖p − e‖ ≤ r stays in the region when min(g₁, g₂)(e) > r.
 * A stretch counts as inside when, for every two consecutive evaluations e_a, e_b (in the order the integrator makes
 * them: accepted points and the stage points of every attempted step, rejected ones included), both have slack
 * min(g₁, g₂) > 2‖e_b − e_a‖. Checked: that inequality at every evaluation. Assumed: the exact flow's w_prod between
 * two consecutive evaluations travels no farther than twice their distance (it is a smooth arc over a fraction of a
 * step that DOP853 resolves to a local error of ~τ/10; the stage points are within that step's truncation error of
 * the arc). Under that assumption the exact flow never leaves the region in a stretch that counts.
 * The evaluated points are the integrator's, not the exact flow's: the slack also pays for the global error. With
 * every weight entry within ε = flowErrorBound(τ, T, max|w|) of the exact flow (flowAccuracy.ts), ‖W_j − W_j*‖_F ≤
 * √m_j·ε, and a product of L factors moves by at most ∏_j(‖W_j‖_F + √m_j ε) − ∏_j ‖W_j‖_F (telescoping), which is
 * subtracted from the slack at each point; so is the slack's own rounding, γ_{2d+4}(‖w‖ + τ).
 */
export class Lemma4RegionWatch {
  private readonly errorAtZero: number;
  private readonly prod: Float64Array;
  private readonly next: Float64Array;
  private readonly last: Float64Array;
  private hasLast = false;
  private lastSlack = 0;
  private left = false;
  /** evaluations observed, and how many were not confirmed inside */
  evaluations = 0;
  outside = 0;
  /** the smallest slack/(2·chord) over confirmed consecutive pairs (∞ when none) */
  tightest = Number.POSITIVE_INFINITY;

  constructor(
    private readonly dims: readonly number[],
    private readonly ubar: ArrayLike<number>,
    private readonly threshold: number,
    /** the flow's tolerance τ and horizon T, for its global error (flowErrorBound) */
    flow: { readonly tolerance: number; readonly horizon: number },
  ) {
    if (dims[dims.length - 1] !== 1) throw new RangeError(`Lemma4RegionWatch: dims=${dims.join(',')} must end in a scalar output (1)`);
    if (ubar.length !== dims[0]) throw new RangeError(`Lemma4RegionWatch: ubar.length=${ubar.length} must equal the input dimension ${dims[0]}`);
    if (!(threshold >= 0)) throw new RangeError(`Lemma4RegionWatch: threshold=${threshold} must be ≥ 0`);
    this.errorAtZero = flowErrorBound({ tolerance: flow.tolerance, horizon: flow.horizon, scale: 0 });
    const width = Math.max(...dims);
    this.prod = new Float64Array(width);
    this.next = new Float64Array(width);
    this.last = new Float64Array(dims[0]);
  }

  /** w_prod = W_L⋯W_1 (a row of length d) into this.prod, allocation-free. */
  private product(weights: readonly Float64Array[]): void {
    const dims = this.dims;
    const L = weights.length;
    let v = this.prod;
    let w = this.next;
    // v = W_L (1 × dims[L−1])
    for (let j = 0; j < dims[L - 1]; j++) v[j] = weights[L - 1][j];
    for (let k = L - 2; k >= 0; k--) {
      const rows = dims[k + 1];
      const cols = dims[k];
      const W = weights[k];
      for (let j = 0; j < cols; j++) {
        let s = 0;
        for (let i = 0; i < rows; i++) s += v[i] * W[i * cols + j];
        w[j] = s;
      }
      const tmp = v;
      v = w;
      w = tmp;
    }
    if (v !== this.prod) for (let j = 0; j < dims[0]; j++) this.prod[j] = v[j];
  }

  /** ∏_j(‖W_j‖_F + √m_j ε) − ∏_j ‖W_j‖_F with ε = flowErrorBound at this point (see the class comment). */
  private productError(weights: readonly Float64Array[]): number {
    let maxEntry = 0;
    for (const W of weights)
      for (let i = 0; i < W.length; i++) {
        const a = Math.abs(W[i]);
        if (a > maxEntry) maxEntry = a;
      }
    // flowErrorBound is K·τ·(1 + scale)·max(1, T/1000): its value at scale 0, times 1 + max|w|
    const eps = this.errorAtZero * (1 + maxEntry);
    let exact = 1;
    let perturbed = 1;
    for (const W of weights) {
      const a = Math.sqrt(frobeniusSq(W));
      exact *= a;
      perturbed *= a + Math.sqrt(W.length) * eps;
    }
    // the difference of two rounded products of L ≤ 10 factors: pad by a relative γ_{2L}
    return (perturbed - exact) * (1 + gamma(2 * weights.length)) + gamma(2 * weights.length) * exact;
  }

  /** Notes one evaluated point. */
  observe(weights: readonly Float64Array[]): void {
    this.evaluations++;
    this.product(weights);
    const d = this.dims[0];
    const p = this.prod;
    const u = this.ubar;
    let along = 0;
    for (let j = 0; j < d; j++) along += p[j] * u[j];
    let off = 0;
    for (let j = 0; j < d; j++) off += (p[j] - along * u[j]) ** 2;
    // rounding of along and ‖Π_⊥w‖ (dot products of length d, then d squares): ≤ γ_{2d+4}(‖w‖ + τ) on the slack
    let norm = 0;
    for (let j = 0; j < d; j++) norm += p[j] * p[j];
    const rounding = gamma(2 * d + 4) * (Math.sqrt(norm) + this.threshold);
    const slack = Math.min(along, Math.sqrt(off) - this.threshold) - rounding - this.productError(weights);
    let ok = slack > 0;
    if (this.hasLast) {
      let chord = 0;
      for (let j = 0; j < d; j++) chord += (p[j] - this.last[j]) ** 2;
      chord = Math.sqrt(chord);
      const least = Math.min(slack, this.lastSlack);
      if (!(least > 2 * chord)) ok = false;
      else if (chord > 0) this.tightest = Math.min(this.tightest, least / (2 * chord));
    }
    if (!ok) {
      this.outside++;
      this.left = true;
    }
    for (let j = 0; j < d; j++) this.last[j] = p[j];
    this.lastSlack = slack;
    this.hasLast = true;
  }

  /** Whether some evaluation since the last call was not confirmed inside (and resets that). */
  takeLeft(): boolean {
    const l = this.left;
    this.left = false;
    return l;
  }
}
