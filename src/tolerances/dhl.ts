import { frobeniusSquared } from '../linalg/dense.js';
import { quotient } from './quotient.js';
import { gamma } from './rounding.js';

/**
 * Tolerances of the DHL balancedness claims over many steps (DHL.Thm2.2 under small steps,
 * DHL.Lem3.1's energy budget). The one-step F2/F4 bounds are in dhlStep.ts. Each *Ratio function returns
 * |observed discrepancy| / (derived bound), ≤ 1 when the claim holds. Rounding model: rounding.ts.
 */

// DHL.Thm2.2 under gradient flow: src/tolerances/dhlFlow.ts (a budget from the integrator's accepted steps).

// ---------------------------------------------------------------------------
// DHL.Thm2.2, small steps: the drift halves when η halves at a fixed horizon
// ---------------------------------------------------------------------------

export interface HalvingRuns {
  /** depth L of the linear network; squared loss, ‖x_i‖ ≤ 1 */
  readonly depth: number;
  /** horizon τ = hT */
  readonly horizon: number;
  /** the larger step h (the other run uses h/2) */
  readonly step: number;
  /** ‖Δ(h)‖ and ‖Δ(h/2)‖, Δ = (D_k(T) − D_k(0))_k stacked, Frobenius */
  readonly drift: number;
  readonly driftHalf: number;
  /** max over both runs and all iterates of max_k ‖W_k‖_F */
  readonly maxLayerNorm: number;
  /** max_i ‖y_i‖ */
  readonly maxTarget: number;
  readonly maxDim: number;
}

/** Smoothness of the squared risk of a linear net on B(ρ) = {max_k ‖W_k‖_F ≤ ρ} with ‖x_i‖ ≤ 1. */
export function squaredRiskSmoothness(depth: number, radius: number, maxTarget: number): { gradient: number; hessian: number } {
  const L = depth;
  const residual = radius ** L + maxTarget;
  return {
    // ‖G_k‖_F ≤ ‖A_k‖‖E‖_F‖B_k‖ ≤ ρ^{L−1}·max_i ‖r_i‖, L blocks
    gradient: Math.sqrt(L) * radius ** (L - 1) * residual,
    // ∇²R[V,V] = (1/n)Σ‖DP[V]x_i‖² + (1/n)Σ⟨r_i, D²P[V,V]x_i⟩ ≤ (Lρ^{2L−2} + Lρ^{L−2}·max‖r_i‖)‖V‖²
    hessian: L * radius ** (2 * L - 2) + L * radius ** (L - 2) * residual,
  };
}

/**
 * The band around 1/2 for r = ‖Δ(h/2)‖/‖Δ(h)‖ (DHL.Thm2.2, small steps),
 * returned as |r − 1/2|/β. Derivation: by F2, Δ(h) = h·F(h) with the Riemann
 * sum F(h) = Σ_{t<T} h Q(θ_t), Q = (G_kG_kᵀ − G_{k+1}ᵀG_{k+1})_k, whose limit is
 * I = ∫_0^τ Q(θ(s)) ds along gradient flow. With M₁ ≥ ‖∇R‖ and M₂ ≥ ‖∇²R‖ on a
 * ball holding both trajectories, Q is 4M₁M₂-Lipschitz, Euler's global error
 * is ≤ (hM₁/2)(e^{M₂τ} − 1) and the Riemann error along the flow ≤ 4M₁M₂·M₁τh/2, so
 *   ‖F(h) − I‖ ≤ h·K,  K = 2τM₁²M₂e^{M₂τ}.
 * Then |‖Δ(h/2)‖ − ½‖Δ(h)‖| ≤ (h/2)²K + ½h²K, i.e.
 *   |r − ½| ≤ β = (0.75h²K + ρ_{h/2} + ½ρ_h)/‖Δ(h)‖,
 * ρ_h the rounding of a run: per step and layer at most 16γ_m(ρ + hM₁)² (terms (c)–(d) of
 * balanceStepResiduals in norm form, generously), plus the two D evaluations 4γ_m·Lρ².
 * The ball: GD's iterates lie in B(ρ_GD) (measured); the flow stays within
 * hM₁e^{M₂τ} of them, so the radius used is the fixed point of
 * ρ = ρ_GD + hM₁(ρ)e^{M₂(ρ)τ}, found by iteration (throws if it diverges).
 */
export function halvingDeviationRatio(runs: HalvingRuns): { ratio: number; band: number; observed: number } {
  const { depth, horizon: tau, step: h, drift, driftHalf, maxTarget } = runs;
  let radius = runs.maxLayerNorm * 1.01;
  let M = squaredRiskSmoothness(depth, radius, maxTarget);
  for (let it = 0; it < 50; it++) {
    const needed = runs.maxLayerNorm + h * M.gradient * Math.exp(M.hessian * tau);
    if (needed <= radius) break;
    if (it === 49) throw new RangeError(`halvingDeviationRatio: no ball holds both trajectories (ρ_GD=${runs.maxLayerNorm}, h=${h}); take a smaller step`);
    radius = needed * 1.01;
    M = squaredRiskSmoothness(depth, radius, maxTarget);
  }
  const K = 2 * tau * M.gradient ** 2 * M.hessian * Math.exp(M.hessian * tau);
  const gm = gamma(runs.maxDim + 6);
  const rounding = (step: number) => (tau / step) * 16 * gm * (radius + step * M.gradient) ** 2 * depth + 4 * gm * depth * radius ** 2;
  const band = (0.75 * h * h * K + rounding(h / 2) + 0.5 * rounding(h)) / drift;
  const observed = driftHalf / drift;
  return { ratio: quotient(observed - 0.5, band), band, observed };
}

// ---------------------------------------------------------------------------
// DHL.Lem3.1: drift ≤ S(t) ≤ c²(1 + 1/(2δ)) sup‖∇f‖²
// ---------------------------------------------------------------------------

export interface EnergyBudget {
  /** max over t of max_k ‖D_k(t) − D_k(0)‖_F (computed from the iterates) */
  readonly drift: number;
  /** S(t) = Σ η_τ²‖∇R‖² as the trainer accumulated it */
  readonly energy: number;
  /** Σ over steps of the per-step rounding of the drift (energyRoundingPerStep) plus the D evaluations */
  readonly rounding: number;
  /** steps taken */
  readonly steps: number;
  /** c and δ of η_t = c(t+1)^{−(1/2+δ)}, in the trainer's risk units */
  readonly c: number;
  readonly delta: number;
  /** sup_t ‖∇R(W(t))‖² */
  readonly supGradSquared: number;
}

/**
 * Rounding added to the computed drift by one step (terms (c) and (d) of
 * balanceStepResiduals in Frobenius form: ‖|W||W|ᵀ‖_F ≤ ‖W‖_F²): the update
 * (2γ_2 + γ_2²)Σ_k‖Ŵ_k‖_F² and the first-order mismatch 2η·5γ_m(1+γ_m)²‖Mag‖_F,
 * with ‖Mag_k‖_F ≤ (1+γ)^{2L}·√(2R)·Π_j‖W_j‖_F for the squared loss with ‖x_i‖ ≤ 1
 * (Mag_k = (|δ_{k+1}||W_{k+1}|)ᵀ(|a_{k−1}||W_k|ᵀ) with |δ_{k+1}| ≤ |δ_L||W_L|⋯|W_{k+2}|,
 * |a_{k−1}| ≤ |X||W_1|ᵀ⋯|W_{k−1}|ᵀ, ‖δ_L‖_F = √(Σ‖r_i‖²)/n = √(2R/n) and ‖X‖_F ≤ √n).
 */
export function energyRoundingPerStep(
  weights: readonly Float64Array[],
  grads: readonly Float64Array[],
  eta: number,
  risk: number,
  maxDim: number,
  samples: number,
): number {
  const m = Math.max(maxDim, samples) + 3;
  const g2 = gamma(2);
  const gm = gamma(m);
  let hat = 0;
  for (let k = 0; k < weights.length; k++) {
    const W = weights[k];
    const G = grads[k];
    for (let i = 0; i < W.length; i++) hat += (Math.abs(W[i]) + eta * Math.abs(G[i])) ** 2;
  }
  const L = weights.length;
  const product = weights.reduce((p, W) => p * Math.sqrt(frobeniusSquared(W)), 1);
  // the L − 1 hidden layers each contribute one first-order mismatch
  return (2 * g2 + g2 * g2) * hat + 2 * eta * 5 * gm * (1 + gm) ** (2 * L + 2) * Math.sqrt(2 * Math.max(risk, 0)) * product * (L - 1);
}

/**
 * The two inequalities of DHL.Lem3.1, each as observed/bound:
 * drift: ‖Δ(t)‖ ≤ S(t) by F2 (‖Δ_k‖_F ≤ Σ η²(‖G_k‖² + ‖G_{k+1}‖²) ≤ S because both
 *     η²-terms are PSD), up to the accumulated rounding and S's own summation
 *     error γ_{steps+1}·S;
 * budget: S(t) ≤ Σ_τ c²(τ+1)^{−(1+2δ)}·sup‖∇R‖² ≤ c²(1 + ∫_1^∞ s^{−1−2δ}ds)·sup‖∇R‖²
 *     = c²(1 + 1/(2δ))·sup‖∇R‖², up to the same summation error.
 */
export function energyBoundRatios(b: EnergyBudget): { drift: number; budget: number } {
  const sum = gamma(b.steps + 2);
  const budget = b.c * b.c * (1 + 1 / (2 * b.delta)) * b.supGradSquared;
  return { drift: quotient(b.drift, b.energy * (1 + sum) + b.rounding), budget: quotient(b.energy, budget * (1 + sum) ** 2) };
}

export interface EnergyIdentity {
  /** ‖(D(t) − D(0)) − Σ_{τ<t} η_τ²Q_τ‖_F with Q = G_1G_1ᵀ − G_2ᵀG_2 as computed from the trainer's gradients */
  readonly residual: number;
  /** Σ over steps of energyRoundingPerStep, plus the rounding of the two D evaluations */
  readonly rounding: number;
  /** S(t) = Σ η_τ²‖∇R‖² as the trainer accumulated it */
  readonly energy: number;
  readonly steps: number;
  /** the longest inner product of a Q evaluation (max layer dimension) */
  readonly maxDim: number;
  /** ‖D(t)‖_F + ‖D(0)‖_F + ‖Σ η²Q‖_F: the operands of the two subtractions forming the residual */
  readonly operands: number;
}

/**
 * The proof's own invariant behind DHL.Lem3.1 (F2 summed over the run): D(t) − D(0) = Σ_{τ<t} η_τ²Q_τ exactly, so
 * the computed residual is rounding only: (i) the per-step rounding of the update and of the first-order
 * cancellation (energyRoundingPerStep, terms (c)–(d) of balanceStepResiduals) and the two D evaluations, passed in as
 * `rounding`; (ii) each computed η²Q is within η²γ_{m+3}‖|G||G|ᵀ + |H|ᵀ|H|‖_F ≤ γ_{m+3}·η²‖∇R‖² of the exact one,
 * ≤ γ_{m+3}·S over the run; (iii) summing t of them adds ≤ γ_t·Σ‖η²Q‖_F ≤ γ_t·S; S as accumulated is within a
 * factor (1 + γ_{t+2}) of the exact sum; (iv) the two subtractions, γ_2·operands. Any first-order error in a layer's
 * gradient (G_1 × (1 + ε)) adds −εη(G_1W_1ᵀ + W_1G_1ᵀ) per step, which sums to about ε‖W_1W_1ᵀ(t) − W_1W_1ᵀ(0)‖:
 * far above this bound.
 */
export function energyIdentityRatio(e: EnergyIdentity): number {
  const bound = e.rounding + (gamma(e.maxDim + 3) + gamma(e.steps + 1)) * (1 + gamma(e.steps + 2)) * e.energy + gamma(2) * e.operands;
  return quotient(e.residual, bound);
}
