/**
 * The accuracy gradientFlow (DOP853) delivers, as a bound the claims can use.
 *
 * Stated bound: at every checkpoint t ≤ T, every weight entry w_i of the flow at tolerance τ is within
 * FLOW_ERROR_MULTIPLE·τ·(1 + |w_i|)·max(1, T/FLOW_LINEAR_HORIZON) of the exact flow.
 * Where it comes from:
 * - DOP853 steps at local tolerance τ/10 (LOCAL_TOLERANCE_FACTOR in gradientFlow.ts): each accepted step's
 *   estimated local error is ≤ (τ/10)·(1 + max(|w_i|, |ŵ_i|)) in Hairer's scaled RMS norm (error per step, not
 *   per unit step). Where the risk is locally convex (−∇²R ⪯ 0, every horizon past convergence to a minimiser)
 *   local errors are damped; in the separable regime the curvature decays like 1/t and the steps to T number
 *   O(log T). Where the flow does not contract (weights that keep growing through a tanh net's flat valleys, a
 *   saddle's unstable direction) local errors accumulate, about linearly in T, and are amplified through saddles.
 * - Measured (fixtures/flow-long-horizon/measure.ts, and properties/flow/closed-form.property.test.ts against
 *   closed forms): over the reproducers of issue 16, 54 random problems (logistic/exponential/squared losses,
 *   linear and tanh nets, n = 10, T = 200), 8 separable linear flows to T = 2^16 and τ ∈ {1e-8, 1e-10, 1e-12},
 *   the worst error is 3.2·τ(1 + |w|) (most are below 0.3); the worst seen anywhere is 3.9 (a tanh flow passing a
 *   saddle at t ≈ 400), and a drifting tanh flow reached 1.4 at T = 1600, growing about linearly. ODEX, before:
 *   up to 157.
 * - K = 10 leaves a factor 2.5 over the worst seen; the factor T/1000 beyond T = 1000 covers linear accumulation.
 *   Flows that contract (separable linear nets: 0.2 at T = 2^16) stay far below it.
 * An empirical bound backed by the argument above, not a theorem. For a per-run check use the flow's own
 * a-posteriori estimate (gradientFlow's errorEstimate, `flowError` in `dlncheck train` results), which was at or
 * above the actual error at every checkpoint measured.
 */
export const FLOW_ERROR_MULTIPLE = 10;

/** the horizon up to which the multiple holds as is; beyond it the bound grows like T (local errors accumulate) */
export const FLOW_LINEAR_HORIZON = 1000;

export interface FlowErrorInput {
  /** the flow's tolerance τ (absolute = relative) */
  readonly tolerance: number;
  /** the horizon T of the flow */
  readonly horizon: number;
  /** max |w_i| over the weight entries (at the checkpoint, or over the trajectory) */
  readonly scale: number;
}

/** Bound on max_i |w_i(t) − w_i^exact(t)| for the flow at tolerance τ, t ≤ T: K·τ·(1 + scale)·max(1, T/1000). */
export function flowErrorBound({ tolerance, horizon, scale }: FlowErrorInput): number {
  if (!(tolerance > 0) || !Number.isFinite(tolerance)) throw new RangeError(`flowErrorBound: tolerance=${tolerance} must be a finite number > 0`);
  if (!(horizon >= 0) || !Number.isFinite(horizon)) throw new RangeError(`flowErrorBound: horizon=${horizon} must be a finite number ≥ 0`);
  if (!(scale >= 0) || !Number.isFinite(scale)) throw new RangeError(`flowErrorBound: scale=${scale} must be a finite number ≥ 0`);
  return FLOW_ERROR_MULTIPLE * tolerance * (1 + scale) * Math.max(1, horizon / FLOW_LINEAR_HORIZON);
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
  if (!(f.maxLayerNorm >= 0) || !Number.isFinite(f.maxLayerNorm))
    throw new RangeError(`flowBalanceDriftBound: maxLayerNorm=${f.maxLayerNorm} must be a finite number ≥ 0`);
  if (!(Number.isInteger(f.maxLayerSize) && f.maxLayerSize >= 1))
    throw new RangeError(`flowBalanceDriftBound: maxLayerSize=${f.maxLayerSize} must be a positive integer`);
  const eps = flowErrorBound(f);
  const delta = Math.sqrt(f.maxLayerSize) * eps;
  // w̄ is measured on W̃; the exact ‖W_k‖₂ is at most w̄ + ‖δ_k‖_F
  return 4 * (f.maxLayerNorm + delta) * delta + 2 * delta * delta;
}
