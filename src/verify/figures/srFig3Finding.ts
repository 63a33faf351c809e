import { logistic } from '../../losses/logistic.js';
import type { CheckpointRecord } from '../../metrics/checkpoint.js';
import { failCheck } from '../checkFailure.js';
import { fallingTrend, TREND_LEVEL, type TrendResult } from '../statistics.js';
import { atLeast } from './figureCheck.js';
import { RANK_ONE_GAP, STALL_KEEP } from './srChecks.js';

/**
 * SR.5.1 / Fig3 left, the finding: "ρ_3 → 1 for every leaky ReLU slope m" is false for the figure's draw at m = 0.2.
 *
 * Why it can be false. A leaky ReLU net without biases is positively homogeneous, so on separable data gradient descent
 * on the logistic loss converges in direction, and the limit direction is a KKT point of "minimise ‖θ‖² subject to every
 * margin y_i f(x_i; θ) ≥ 1" (the results of Lyu & Li and of Ji & Telgarsky for homogeneous nets). Stationarity of that
 * problem says, layer by layer, W_k = Σ_i λ_i y_i g_{k,i} h_{k−1,i}ᵀ over the support vectors (λ_i ≥ 0), with h_{k−1,i}
 * the input of layer k and g_{k,i} = ∂f/∂(W_k h_{k−1,i}) its back-propagated vector. In a linear net g_{k,i} is the same
 * vector for every point, so W_k is rank one (JT's alignment). With leaky ReLU, g_{3,i} = diag(σ'(z_{3,i}))·W_4ᵀ depends
 * on the point's activation pattern: when support vectors with the patterns (+,−) and (−,+) at layer 3 both carry weight,
 * W_3 is a sum of two rank-one terms along diag(1, m)W_4ᵀ and diag(m, 1)W_4ᵀ, independent unless m = 1, and ρ_3 < 1
 * in the limit; the deficit grows as m falls. For the figure's draw the three support vectors (normalized margins
 * within 0.7 % of each other at margin 730) have exactly those patterns, at every m.
 *
 * What was measured (figure draw, constant η = 0.05; scratch runs, not part of the suite): 1 − ρ_3 at m = 0.2 is
 * 0.0375, 0.0378, 0.0379, 0.0380 at 10⁴, 10⁵, 10⁶, 1.28·10⁶ steps — it grows, slower each decade — while the risk falls
 * from 6e-4 to 6e-7 and ‖W_k‖_F from 3.8 to 4.7; with loss-scaled steps (η ∝ 1/R) up to margin 730 it is 0.042.
 * So the run is in the late phase the claim is about and ρ_3 moves away from 1: a plateau below 1, not a slow approach.
 *
 * The checks that hold while the finding holds, each failing if the behaviour changes:
 * - 'plateau-in-regime': the run is in the regime (every point classified, R < ℓ(0)/n) from the checkpoint nearest T/10
 *   on, so the last decade is late-phase behaviour, not the escape from the saddle (it ends near step 5·10³).
 * - 'rho3-below-1': 1 − ρ_3(T) ≥ RANK_ONE_GAP: ρ_3 has not reached the 0.99 the other slopes reach.
 * - 'rho3-flat': 1 − ρ_3 keeps ≥ STALL_KEEP of itself over the last decade (the stall criterion of srChecks.ts: a gap
 *   decaying like 1/log t keeps ≈ 0.75–0.8 of itself per decade, anything faster than halving is an approach to 1).
 * - 'rho3-not-rising': the pooled Mann–Kendall test (statistics.ts) does not find 1 − ρ_3 falling over the in-regime
 *   checkpoints of the last decade at level TREND_LEVEL. A slow approach to 1 that the level and flatness checks would
 *   still pass (a gap shrinking by 1 % per decade) shows as a monotone fall of the gap, p ≈ 1e-6 over 13 checkpoints.
 */

/** The slope of the figure's six at which ρ_3 plateaus below 1 for the figure's draw. */
export const FINDING_SLOPE = 0.2;

export interface Rho3Plateau {
  readonly m: number;
  /** the horizon T and the checkpoint nearest T/10 */
  readonly stepEnd: number;
  readonly stepTenth: number;
  /** 1 − ρ_3 at those checkpoints */
  readonly gapEnd: number;
  readonly gapTenth: number;
  /** risk at the checkpoint nearest T/10 and the regime threshold ℓ(0)/n */
  readonly riskTenth: number;
  readonly regimeRisk: number;
  /** the Mann–Kendall falling test of 1 − ρ_3 over the in-regime checkpoints from T/10 to T */
  readonly trend: TrendResult;
}

/** The numbers the finding is judged on, from a left-panel run's checkpoints (n points, logistic loss). */
export function rho3Plateau(m: number, checkpoints: readonly CheckpointRecord[], n: number): Rho3Plateau {
  if (checkpoints.length < 2) throw new RangeError(`rho3Plateau: checkpoints.length=${checkpoints.length} must be ≥ 2; record checkpoints over the run`);
  const end = checkpoints[checkpoints.length - 1];
  let tenth = checkpoints[0];
  for (const c of checkpoints) if (Math.abs(c.step - end.step / 10) < Math.abs(tenth.step - end.step / 10)) tenth = c;
  const regimeRisk = logistic.value(0) / n;
  const last = checkpoints.filter((c) => c.step >= tenth.step && c.risk < regimeRisk).map((c) => 1 - c.normRatio[2]);
  return {
    m,
    stepEnd: end.step,
    stepTenth: tenth.step,
    gapEnd: 1 - end.normRatio[2],
    gapTenth: 1 - tenth.normRatio[2],
    riskTenth: tenth.risk,
    regimeRisk,
    trend: fallingTrend([last]),
  };
}

export function checkRho3Plateau(p: Rho3Plateau): void {
  const at = `m=${p.m}`;
  if (!(p.riskTenth < p.regimeRisk))
    failCheck('plateau-in-regime', p.riskTenth, p.regimeRisk, `${at}: risk at step ${p.stepTenth} ≥ ℓ(0)/n: the last decade is not all in the late phase`);
  atLeast('rho3-below-1', p.gapEnd, RANK_ONE_GAP, `${at}: 1 − ρ_3 at step ${p.stepEnd} (the finding: ρ_3 stays below 0.99)`);
  atLeast('rho3-flat', p.gapEnd / p.gapTenth, STALL_KEEP, `${at}: share of 1 − ρ_3 kept from step ${p.stepTenth} to ${p.stepEnd}`);
  atLeast(
    'rho3-not-rising',
    p.trend.pValue,
    TREND_LEVEL,
    `${at}: Mann–Kendall P(1 − ρ_3 falls) over ${p.trend.checkpoints} in-regime checkpoints (S = ${p.trend.s}): ρ_3 is approaching 1`,
  );
}
