import type { MarginLoss, Loss } from '../losses/loss.js';

/** Step-size schedules of the papers (docs/claims.md, JT JT.A4, §3 DHL.Lem3.1). */
export type ScheduleSpec =
  | { readonly kind: 'constant'; readonly eta: number }
  | { readonly kind: 'ji-telgarsky' }
  | { readonly kind: 'decaying'; readonly eta0: number; readonly delta: number }
  | { readonly kind: 'flow'; readonly tolerance: number; readonly time: number };

/** A stateful discrete step rule: called once per step with the current weights. */
export interface StepRule {
  readonly spec: ScheduleSpec;
  /** η_t for the step from W(t) to W(t+1); maxFrobenius = max_k ‖W_k(t)‖_F */
  eta(t: number, maxFrobenius: number): number;
  /** JT.A4's current radius R_t (ji-telgarsky only; NaN otherwise) */
  readonly radius: number;
}

/** β(R) = 2L²R^{2L−2}(β + G): JT.Lem5's smoothness constant on B(R). */
export function jiTelgarskySmoothness(depth: number, radius: number, lipschitz: NonNullable<MarginLoss['lipschitz']>): number {
  return 2 * depth * depth * Math.pow(radius, 2 * depth - 2) * (lipschitz.beta + lipschitz.G);
}

export function createStepRule(spec: ScheduleSpec, depth: number, loss: Loss): StepRule {
  switch (spec.kind) {
    case 'constant': {
      const eta = spec.eta;
      return { spec, radius: NaN, eta: () => eta };
    }
    case 'decaying': {
      const { eta0, delta } = spec;
      const power = -(0.5 + delta);
      return { spec, radius: NaN, eta: (t) => eta0 * Math.pow(t + 1, power) };
    }
    case 'ji-telgarsky': {
      if (loss.kind !== 'margin' || !loss.lipschitz)
        throw new RangeError(`schedule.kind=ji-telgarsky: loss=${loss.name} has no global constants β, G (JT.A3); use the logistic loss or another schedule`);
      const lip = loss.lipschitz;
      // R_t ≥ 1 with W(t) ∈ B(R_t − 1); enlarged to max_k ‖W_k‖_F + 1 when W leaves B(R_t − 1)
      const rule = {
        spec,
        radius: 0,
        eta(_t: number, maxFrobenius: number): number {
          if (maxFrobenius > rule.radius - 1) rule.radius = maxFrobenius + 1;
          return Math.min(1 / jiTelgarskySmoothness(depth, rule.radius, lip), 1);
        },
      };
      return rule;
    }
    case 'flow':
      throw new TypeError('createStepRule: schedule.kind=flow is integrated by gradientFlow, not stepped');
  }
}
