import { signedSamples } from '../data/dataset.js';
import { maxMarginDirection } from '../maxMargin/maxMargin.js';
import { balanceMatrices } from '../metrics/balancedness.js';
import { isHomogeneous, activationName } from '../network/activation.js';
import type { TrainingSetup } from '../spec/spec.js';
import { gamma } from '../tolerances/rounding.js';
import type { AssumptionResult } from './assumption.js';
import { jtA1 } from './jtA1.js';
import { jtA2 } from './jtA2.js';
import { jtA3 } from './jtA3.js';
import { jtA5 } from './jtA5.js';

/**
 * Every hypothesis name the claim registry uses, evaluated on a training case
 * (a spec). null: the hypothesis concerns the generator or the whole run, not
 * something a single spec can show (e.g. "with high probability").
 */
export type HypothesisCheck = (setup: TrainingSetup) => AssumptionResult | null;

const notFromSpec: HypothesisCheck = () => null;

export const hypotheses: Readonly<Record<string, HypothesisCheck>> = {
  'JT.A1': (s) => jtA1(s.loss),
  'JT.A2': (s) => jtA2(s.network, s.data, s.loss),
  'JT.A3': (s) => jtA3(s.loss),
  'JT.A4': (s) =>
    s.schedule.kind === 'ji-telgarsky'
      ? { holds: true, reason: 'JT.A4: the schedule is the Ji–Telgarsky step rule (checked step by step in JT.Thm1-risk)' }
      : { holds: false, reason: `JT.A4: schedule.kind=${s.schedule.kind}, not the JT.A4 step rule` },
  'JT.A5': (s) => (s.data.task === 'classification' ? jtA5(s.data) : { holds: false, reason: 'JT.A5: regression data have no support vectors' }),
  separable: (s) => {
    if (s.data.task !== 'classification') return { holds: false, reason: 'separable: regression data' };
    const mm = maxMarginDirection(signedSamples(s.data), s.data.n, s.data.d);
    return mm
      ? { holds: true, reason: `separable: margin γ̄=${mm.margin.toPrecision(4)} through the origin` }
      : { holds: false, reason: 'separable: no direction u has ⟨u, y_i x_i⟩ > 0 for every i (hard-margin SVM infeasible)' };
  },
  unitData: (s) => {
    let worst = 0;
    for (let i = 0; i < s.data.n; i++) {
      let q = 0;
      for (let j = 0; j < s.data.d; j++) q += s.data.x[i * s.data.d + j] ** 2;
      worst = Math.max(worst, Math.sqrt(q));
    }
    return {
      holds: worst <= 1,
      reason: `unitData: max_i ‖x_i‖ = ${worst.toPrecision(6)}${worst <= 1 ? ' ≤ 1' : ' > 1: the smoothness constants assume ‖x_i‖ ≤ 1'}`,
    };
  },
  homogeneous: (s) => ({
    holds: isHomogeneous(s.network.activation),
    reason: `homogeneous: activation=${activationName(s.network.activation)} ${isHomogeneous(s.network.activation) ? 'is' : 'is not'} positively homogeneous`,
  }),
  linear: (s) => ({ holds: s.network.activation.kind === 'linear', reason: `linear: activation=${activationName(s.network.activation)}` }),
  balanced: (s) => {
    // D_k is a sum of d products per entry: exact balance shows as ‖D_k‖_F ≤ γ_d·2‖W‖² (rounding), anything above is imbalance
    const { weights, dims } = s.network;
    let worst = 0;
    balanceMatrices(weights, dims).forEach((D, k) => {
      let f = 0;
      for (const v of D) f += v * v;
      let w = 0;
      for (const v of weights[k]) w += v * v;
      for (const v of weights[k + 1]) w += v * v;
      worst = Math.max(worst, Math.sqrt(f) / (gamma(Math.max(...dims)) * w || 1));
    });
    return {
      holds: worst <= 1,
      reason: `balanced: max_k ‖D_k(0)‖_F is ${worst.toPrecision(3)}× its rounding level${worst <= 1 ? '' : ': the init is not balanced'}`,
    };
  },
  decayingStep: (s) => ({ holds: s.schedule.kind === 'decaying', reason: `decayingStep: schedule.kind=${s.schedule.kind}` }),
  equalSteps: (s) => ({ holds: true, reason: `equalSteps: a spec has one step size for every layer (${s.schedule.kind})` }),
  smallInit: notFromSpec,
  smallStep: notFromSpec,
  alignedRankOneInit: notFromSpec,
  alignedInit: notFromSpec,
  diagonalMoments: notFromSpec,
  stepBound: notFromSpec,
  balancedIndex: notFromSpec,
  orthonormalBasis: notFromSpec,
};

export interface HypothesisVerdict {
  readonly name: string;
  /** true, false, or null when the hypothesis cannot be decided from a spec */
  readonly holds: boolean | null;
  readonly reason: string;
}

/** Evaluates the named hypotheses on a case; unknown names are an error (the registry and this table must agree). */
export function evaluateHypotheses(names: readonly string[], setup: TrainingSetup): HypothesisVerdict[] {
  return names.map((name) => {
    const check = hypotheses[name];
    if (!check) throw new RangeError(`hypothesis ${name} has no check in src/assumptions/hypotheses.ts; add one`);
    const r = check(setup);
    return r === null
      ? { name, holds: null, reason: `${name}: a property of the generator or the whole run, not decidable from one spec` }
      : { name, holds: r.holds, reason: r.reason };
  });
}
