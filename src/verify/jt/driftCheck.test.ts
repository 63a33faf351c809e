import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { logistic } from '../../losses/logistic.js';
import { geometricCheckpoints } from '../../metrics/geometricCheckpoints.js';
import { driftEvaluationRounding, pairDriftBound } from '../../tolerances/jt.js';
import { brokenGradient } from '../../trainer/brokenGradient.js';
import type { GradientFn } from '../../trainer/gradient.js';
import { riskAndGradient } from '../../trainer/gradient.js';
import { gradientDescent } from '../../trainer/gradientDescent.js';
import { sumOfSquares } from '../../linalg/sumOfSquares.js';
import { CheckFailure } from '../checkFailure.js';
import { alignmentCase } from './alignmentCase.js';
import { checkDrift, DriftLedger, type DriftSnapshot } from './driftCheck.js';
import { A4, dataOf, networkOf, type TrainCase } from './trainCase.js';

/** Worst F2-drift ratio of a run (the per-step rounding term left at 0: these runs' margins dwarf it). */
function worstDrift(c: TrainCase, steps: number, gradient: GradientFn): number {
  const net = networkOf(c);
  const ledger = new DriftLedger(net.weights, net.dims);
  const marks = new Set(geometricCheckpoints(steps));
  const g2 = new Float64Array(net.weights.length);
  let worst = 0;
  gradientDescent({
    network: net,
    data: dataOf(c),
    loss: logistic,
    schedule: A4,
    steps,
    gradient,
    onStep(v) {
      if (marks.has(v.t)) {
        try {
          worst = Math.max(worst, checkDrift(ledger.snapshot(v.t, v.weights, 0)));
        } catch (e) {
          if (!(e instanceof CheckFailure)) throw e;
          worst = Math.max(worst, e.ratio);
        }
      }
      v.grads.forEach((G, k) => (g2[k] = sumOfSquares(G)));
      if (v.t < steps) ledger.addStep(v.eta, g2);
    },
  });
  return worst;
}

const cases = fc.sample(alignmentCase({ loss: logistic }), { seed: 11, numRuns: 4 });

describe('F2-drift', () => {
  test('the PSD bound: ‖A − B‖_2 ≤ max(tr A, tr B), binding for orthogonal rank-one terms', () => {
    expect(pairDriftBound(2, 3)).toBe(3);
    // A = e1e1ᵀ·2, B = e2e2ᵀ·3: A − B = diag(2, −3), norm 3 = max(tr A, tr B)
    const snap: DriftSnapshot = { t: 1, observed: [3], bound: [pairDriftBound(2, 3)], allowance: [1e-15] };
    expect(checkDrift(snap)).toBeCloseTo(1, 12);
    expect(() => checkDrift({ ...snap, observed: [3.01] })).toThrow(CheckFailure);
    try {
      checkDrift({ ...snap, observed: [6] });
    } catch (e) {
      expect((e as CheckFailure).check).toBe('F2-drift');
      expect((e as CheckFailure).ratio).toBeCloseTo(2, 10);
    }
  });

  test('exact GD keeps the summed drift within max(T_k, T_{k+1}); G_1 × 1.01 breaks it by a wide margin', () => {
    for (const c of cases) {
      expect(worstDrift(c, 256, riskAndGradient)).toBeLessThanOrEqual(1);
      expect(worstDrift(c, 256, brokenGradient({ kind: 'scale', layer: 0, factor: 1.01 }))).toBeGreaterThan(1.5);
    }
  });

  test('at t = 0 the drift is exactly zero and the allowance is the evaluation rounding only', () => {
    const net = networkOf(cases[0]);
    const s = new DriftLedger(net.weights, net.dims).snapshot(0, net.weights, 0);
    expect(s.observed.every((o) => o === 0)).toBe(true);
    expect(s.bound.every((b) => b === 0)).toBe(true);
    expect(s.allowance.every((a) => a > 0 && a < 1e-15)).toBe(true);
  });

  test('driftEvaluationRounding grows with the squared norms, the observed norm and the bound', () => {
    const p = { dims: [2, 2, 1], k: 0, frobeniusSquared: [1, 1], frobeniusSquared0: [1, 1], observed: 0, bound: 0, steps: 0 };
    const a = driftEvaluationRounding(p);
    expect(a).toBeGreaterThan(0);
    expect(driftEvaluationRounding({ ...p, frobeniusSquared: [2, 2], frobeniusSquared0: [2, 2] })).toBeCloseTo(2 * a, 25);
    expect(driftEvaluationRounding({ ...p, observed: 1 })).toBeGreaterThan(a);
    expect(driftEvaluationRounding({ ...p, bound: 1, steps: 10 })).toBeGreaterThan(a);
  });
});
