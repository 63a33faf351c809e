import type { MarginLoss } from '../losses/loss.js';
import { jiTelgarskySmoothness } from '../trainer/schedule.js';
import { gamma, UNIT_ROUNDOFF } from '../tolerances/rounding.js';
import type { AssumptionResult } from './assumption.js';

/** One step of a run as the A4 rule sees it. */
export interface A4Step {
  readonly depth: number;
  readonly lipschitz: NonNullable<MarginLoss['lipschitz']>;
  /** η_t used by the run */
  readonly eta: number;
  /** R_t recorded by the run */
  readonly radius: number;
  /** max_k ‖W_k(t)‖_F, recomputed from W(t) */
  readonly maxFrobenius: number;
  /** entries of the largest layer (the norm's rounding) */
  readonly entries: number;
  /** R_{t−1}, to check the keep-or-enlarge rule (absent at t = 0) */
  readonly previousRadius?: number;
}

/** Roundings in η = min{1/(2L²R^{2L−2}(β + G)), 1}: Math.pow (< 1 ulp, fdlibm), three products, a sum, a division. */
const STEP_ROUNDINGS = 6;

/**
 * JT.A4 at one step: R_t ≥ 1, W(t) ∈ B(R_t − 1), η_t = min{1/β(R_t), 1} with β(R) = 2L²R^{2L−2}(β + G), and
 * R_t = R_{t−1} while W(t) ∈ B(R_{t−1} − 1), else our enlargement R_t = max_k ‖W_k(t)‖_F + 1.
 * The ball tests allow the rounding of the two Frobenius norms (γ_{m+1} each, ours and the trainer's) and of the
 * sum max‖W‖ + 1, rounded once by the trainer and once here (u·R each: together up to one ulp of R, which a run met
 * at t = 23 under DLNCHECK_SEED=1); inside that band either branch of keep-or-enlarge is accepted.
 */
export function jtA4(step: A4Step): AssumptionResult {
  const { depth, lipschitz, eta, radius, maxFrobenius, entries, previousRadius } = step;
  if (!(radius >= 1)) return { holds: false, reason: `JT.A4: R_t=${radius} must be ≥ 1` };
  const slack = 2 * gamma(entries + 1) * maxFrobenius + 2 * UNIT_ROUNDOFF * radius;
  if (maxFrobenius > radius - 1 + slack) return { holds: false, reason: `JT.A4: max_k‖W_k(t)‖_F=${maxFrobenius} > R_t − 1=${radius - 1}: W(t) ∉ B(R_t − 1)` };
  const expected = Math.min(1 / jiTelgarskySmoothness(depth, radius, lipschitz), 1);
  if (Math.abs(eta - expected) > gamma(STEP_ROUNDINGS) * expected)
    return { holds: false, reason: `JT.A4: η_t=${eta} ≠ min{1/β(R_t), 1}=${expected} at R_t=${radius}, L=${depth}` };
  if (previousRadius !== undefined) {
    const inside = maxFrobenius <= previousRadius - 1 - slack;
    const outside = maxFrobenius > previousRadius - 1 + slack;
    if (inside && radius !== previousRadius)
      return { holds: false, reason: `JT.A4: W(t) ∈ B(R_{t−1} − 1) but R_t=${radius} ≠ R_{t−1}=${previousRadius} (the radius must be kept)` };
    if (outside && Math.abs(radius - (maxFrobenius + 1)) > slack)
      return { holds: false, reason: `JT.A4: W(t) left B(R_{t−1} − 1) but R_t=${radius} ≠ max_k‖W_k(t)‖_F + 1=${maxFrobenius + 1}` };
    if (!inside && !outside && radius !== previousRadius && Math.abs(radius - (maxFrobenius + 1)) > slack)
      return { holds: false, reason: `JT.A4: R_t=${radius} is neither R_{t−1}=${previousRadius} nor max_k‖W_k(t)‖_F + 1=${maxFrobenius + 1}` };
  }
  return HOLDS;
}

// a constant: jtA4 runs once per GD step, and the passing case needs no formatting
const HOLDS: AssumptionResult = {
  holds: true,
  reason: 'JT.A4: η_t = min{1/β(R_t), 1}, R_t ≥ 1 and W(t) ∈ B(R_t − 1), the radius kept or enlarged by the rule',
};
