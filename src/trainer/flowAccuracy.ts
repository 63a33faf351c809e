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
