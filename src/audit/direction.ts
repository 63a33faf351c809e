import { signedSamples } from '../data/dataset.js';
import { maxMarginDirection } from '../maxMargin/maxMargin.js';
import { cosine, productVector } from '../metrics/alignment.js';
import { notApplicable, where, type CheckResult } from './check.js';
import type { Evaluation } from './evaluate.js';
import type { Trajectory } from './trajectory.js';

/**
 * At any recorded steps (linear net, 1-d output, margin loss), two regime and trend reports. Both are asymptotic
 * statements, so neither can fail a finite trajectory: the verdict is "pass" or "not reached" (measured: a fault-free
 * A4 run lets 1 − cos(w_prod, ū) rise between two records in 4 of 100 random cases, so a failing verdict here would
 * be a false alarm).
 * - margins (the regime of JT.Thm1-risk/-norms): every margin y_i⟨w_prod, x_i⟩ positive at the last record;
 * - direction (JT.Thm4-margin, a TREND): among the records with every margin positive, 1 − cos(w_prod, ū) at the
 *   last is below its value at the first (ratio last/first ≤ 1), ū the max-margin direction of the data.
 */
export interface DirectionResult {
  readonly margins: CheckResult;
  readonly direction: CheckResult;
  /** cos(w_prod, ū) at the last record (null when not defined) */
  readonly cosine: number | null;
}

export function directionChecks(traj: Trajectory, evals: readonly Evaluation[]): DirectionResult {
  const { activation, loss, data } = traj.header;
  const none = (why: string): DirectionResult => ({
    margins: notApplicable('margins', 'JT.Thm1-risk', why),
    direction: notApplicable('direction', 'JT.Thm4-margin', why),
    cosine: null,
  });
  if (activation.kind !== 'linear') return none(`w_prod is defined for linear nets; activation is ${activation.kind}`);
  if (loss.kind !== 'margin') return none('margins need labels ±1 and a margin loss; loss is squared');
  const positive = evals.map((e) => e.minMargin > 0);
  const last = evals[evals.length - 1];
  const firstPositive = positive.indexOf(true);
  let margins: CheckResult;
  if (positive[positive.length - 1]) {
    margins = {
      check: 'margins',
      claim: 'JT.Thm1-risk',
      verdict: 'pass',
      worstRatio: null,
      at: null,
      checked: evals.length,
      detail: `every margin positive at the last record (min margin ${last.minMargin.toPrecision(4)}; first at step ${evals[positive.indexOf(true)].record.step})`,
    };
  } else {
    const earlier = firstPositive >= 0 ? ` (every margin was positive at step ${evals[firstPositive].record.step}, not at the end)` : '';
    margins = {
      check: 'margins',
      claim: 'JT.Thm1-risk',
      verdict: 'not reached',
      worstRatio: null,
      at: null,
      checked: evals.length,
      detail: `min_i m_i = ${last.minMargin.toPrecision(4)} at the last record: the trajectory has not reached the regime where every margin is positive${earlier}`,
    };
  }
  const mm = maxMarginDirection(signedSamples(data), data.n, data.d);
  if (!mm)
    return {
      margins,
      direction: notApplicable('direction', 'JT.Thm4-margin', 'the data are not linearly separable: there is no max-margin direction ū'),
      cosine: null,
    };
  const cosOf = (e: Evaluation): number | null => {
    const w = productVector(e.record.weights, traj.dims);
    return w ? cosine(w, mm.direction) : null;
  };
  const inRegime = evals.filter((e) => e.minMargin > 0);
  const lastCos = cosOf(last);
  if (inRegime.length < 2)
    return {
      margins,
      direction: {
        ...notApplicable('direction', 'JT.Thm4-margin', `needs two records with every margin positive; the file has ${inRegime.length}`),
        verdict: 'not reached',
      },
      cosine: lastCos,
    };
  const a = inRegime[0];
  const b = inRegime[inRegime.length - 1];
  const ca = cosOf(a)!;
  const cb = cosOf(b)!;
  const ratio = 1 - ca === 0 ? (1 - cb === 0 ? 0 : Infinity) : (1 - cb) / (1 - ca);
  const fell = ratio <= 1;
  return {
    margins,
    direction: {
      check: 'direction',
      claim: 'JT.Thm4-margin',
      verdict: fell ? 'pass' : 'not reached',
      worstRatio: ratio,
      at: where(b.record.step, b.record.line),
      checked: inRegime.length,
      detail: `1 − cos(w_prod, ū) went from ${(1 - ca).toExponential(3)} at step ${a.record.step} to ${(1 - cb).toExponential(3)} at step ${b.record.step}${fell ? '' : ': the product moved away from ū over these records (the claim is asymptotic: reported, not failed)'}`,
    },
    cosine: lastCos,
  };
}
