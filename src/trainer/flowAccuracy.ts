/**
 * The accuracy gradientFlow (DOP853) delivers, as a bound the claims can use.
 *
 * Stated bound: at every checkpoint, every weight entry w_i of the flow at
 * tolerance τ is within FLOW_ERROR_MULTIPLE·τ·(1 + |w_i|) of the exact flow.
 * Where it comes from:
 * - Each accepted DOP853 step has estimated local error ≤ τ·sc_i in Hairer's
 *   scaled RMS norm, sc_i = τ(1 + max(|w_i|, |ŵ_i|)) (error per step, not per
 *   unit step). Along a gradient flow the local errors are damped wherever the
 *   risk is locally convex (the Jacobian −∇²R is negative semidefinite), which
 *   is every long horizon past convergence; in the separable regime the
 *   curvature decays like 1/t, the step grows like t, and the steps to T number
 *   O(log T), so local errors add up to O(log T)·τ at most.
 * - Measured (fixtures/flow-long-horizon/measure.ts and the property
 *   properties/flow/closed-form.property.test.ts): the worst error over the
 *   reproducers of issue 16, logistic/exponential/squared losses, linear and
 *   tanh nets, horizons 50 … 2^16 and τ ∈ {1e-8, 1e-10, 1e-12} is 4.9·τ(1 + |w|)
 *   (ODEX, before: up to 157·τ(1 + |w|)). 10 covers that with a factor 2.
 * - Horizons beyond 2^16 were not measured: there the multiple grows with the
 *   step count's log T (the factor log2(T)/16, 1 up to T = 2^16).
 * This is an empirical bound backed by the argument above, not a theorem:
 * non-convex stretches (a saddle's unstable direction) amplify local errors
 * like any perturbation, which no integrator tolerance can prevent.
 */
export const FLOW_ERROR_MULTIPLE = 10;

/** the largest horizon the multiple was measured on */
export const FLOW_MEASURED_HORIZON = 2 ** 16;

export interface FlowErrorInput {
  /** the flow's tolerance τ (absolute = relative) */
  readonly tolerance: number;
  /** the horizon T of the flow */
  readonly horizon: number;
  /** max |w_i| over the weight entries (at the checkpoint, or over the trajectory) */
  readonly scale: number;
}

/** Bound on max_i |w_i(t) − w_i^exact(t)| for the flow at tolerance τ up to horizon T: K·τ·(1 + scale)·max(1, log2(T)/16). */
export function flowErrorBound({ tolerance, horizon, scale }: FlowErrorInput): number {
  if (!(tolerance > 0) || !Number.isFinite(tolerance)) throw new RangeError(`flowErrorBound: tolerance=${tolerance} must be a finite number > 0`);
  if (!(horizon >= 0) || !Number.isFinite(horizon)) throw new RangeError(`flowErrorBound: horizon=${horizon} must be a finite number ≥ 0`);
  if (!(scale >= 0) || !Number.isFinite(scale)) throw new RangeError(`flowErrorBound: scale=${scale} must be a finite number ≥ 0`);
  const growth = Math.max(1, Math.log2(Math.max(horizon, 1)) / Math.log2(FLOW_MEASURED_HORIZON));
  return FLOW_ERROR_MULTIPLE * tolerance * (1 + scale) * growth;
}

export interface FlowBalanceInput extends FlowErrorInput {
  /** max over the layers of ‖W_k(T)‖_2 (‖W_k‖_F bounds it) */
  readonly maxLayerNorm: number;
  /** the largest layer's entry count max_k d_k·d_{k−1} */
  readonly maxLayerSize: number;
}

/**
 * Bound on max_k ‖D_k(W̃(T)) − D_k(W(T))‖_F, D_k = W_{k+1}ᵀW_{k+1} − W_kW_kᵀ, W̃ the flow at tolerance τ, W the
 * exact flow, from the entrywise bound ε = flowErrorBound(τ, T, scale): with δ = W̃ − W,
 * ‖D_k(W + δ) − D_k(W)‖_F ≤ 2‖W_{k+1}‖₂‖δ_{k+1}‖_F + ‖δ_{k+1}‖_F² + 2‖W_k‖₂‖δ_k‖_F + ‖δ_k‖_F²
 * and ‖δ_k‖_F ≤ √(d_k d_{k−1})·ε, so ≤ 4w̄√N·ε + 2N·ε², w̄ = max‖W_k‖₂, N = max_k d_k d_{k−1}.
 * Along exact flow D_k is constant (DHL Thm 2.2), so this bounds the drift D_k(W̃(T)) − D_k(W̃(0)) the flow's
 * integration error can cause; the rounding of the two D evaluations is extra (src/tolerances).
 */
export function flowBalanceDriftBound(f: FlowBalanceInput): number {
  if (!(f.maxLayerNorm >= 0) || !Number.isFinite(f.maxLayerNorm)) throw new RangeError(`flowBalanceDriftBound: maxLayerNorm=${f.maxLayerNorm} must be a finite number ≥ 0`);
  if (!(Number.isInteger(f.maxLayerSize) && f.maxLayerSize >= 1)) throw new RangeError(`flowBalanceDriftBound: maxLayerSize=${f.maxLayerSize} must be a positive integer`);
  const eps = flowErrorBound(f);
  const delta = Math.sqrt(f.maxLayerSize) * eps;
  // w̄ is measured on W̃; the exact ‖W_k‖₂ is at most w̄ + ‖δ_k‖_F
  return 4 * (f.maxLayerNorm + delta) * delta + 2 * delta * delta;
}
