import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { brokenGradient } from '../../trainer/brokenGradient.js';
import { jtA2 } from '../../assumptions/index.js';
import { logistic } from '../../losses/logistic.js';
import { parseSpec } from '../../spec/spec.js';
import { descend, evaluate, fail, offMarginInner, offMarginSq, reference, type Evaluation } from './descend.js';
import { angleResolution, geometryOf, marginCase, satisfiesA5, sinToMaxMargin } from './geometry.js';
import { A4, dataOf, logisticCase, networkOf, orientForA2, specOf, trainCase, trainClass, type TrainCase } from './trainCase.js';

const small: TrainCase = {
  x: [
    [1, 0],
    [0, 1],
  ],
  y: [1, -1],
  weights: [[[1 / 2, -1 / 4]], [[1]]],
};

describe('JT training cases', () => {
  test('every drawn case satisfies JT.A2 with its loss and has a replayable spec', () => {
    for (const c of fc.sample(trainCase({ maxDepth: 3, loss: logistic }), { seed: 3, numRuns: 20 })) {
      expect(jtA2(networkOf(c), dataOf(c), logistic).holds).toBe(true);
      expect(c.weights.length).toBeGreaterThanOrEqual(2);
      expect(c.weights.length).toBeLessThanOrEqual(3);
      expect(() => parseSpec(specOf(c, 'logistic', A4, 8))).not.toThrow();
      expect(trainClass(c)).toBe(`L=${c.weights.length} d=${c.x[0].length}`);
    }
  });

  test('orientForA2 negates the last layer when R(W(0)) ≥ ℓ(0), and leaves a case below ℓ(0) alone', () => {
    const bad: TrainCase = { x: [[1]], y: [1], weights: [[[1]], [[-1]]] };
    expect(orientForA2(bad, logistic).weights).toEqual([[[1]], [[1]]]);
    const good: TrainCase = { x: [[1]], y: [1], weights: [[[1]], [[1]]] };
    expect(orientForA2(good, logistic)).toBe(good);
  });
});

describe('descend and evaluate', () => {
  test('pair sees every step W(t) → W(t+1), checkpoint the marked t; evaluations agree with the reference kernel', () => {
    const pairs: number[] = [];
    const marks: number[] = [];
    const exact: Evaluation[] = [];
    const own: Evaluation[] = [];
    descend({
      c: small,
      loss: logistic,
      schedule: A4,
      steps: 4,
      exactGradient: true,
      checkpoints: [0, 2, 4],
      pair: (a, b) => pairs.push(b.t - a.t),
      checkpoint: (ev) => (marks.push(ev.t), exact.push(ev)),
    });
    descend({ c: small, loss: logistic, schedule: A4, steps: 4, checkpoints: [0, 2, 4], checkpoint: (ev) => own.push(ev) });
    expect(pairs).toEqual([1, 1, 1, 1]);
    expect(marks).toEqual([0, 2, 4]);
    exact.forEach((ev, i) => expect(ev.risk).toBe(own[i].risk));
    expect(exact[0].layerSq).toEqual([1 / 4 + 1 / 16, 1]);
  });

  test('pair sees the step taken (W(t) and W(t+1)); checkpoint returning true ends the run; a broken trainer is judged by the reference kernel', () => {
    const steps: number[][] = [];
    const run = descend({
      c: small,
      loss: logistic,
      schedule: A4,
      steps: 8,
      checkpoints: [0, 2, 4, 8],
      pair: (_a, b, w) => {
        // W(t+1) − W(t) = −η_t G(t) up to the update's rounding
        const moved = w.after[0][0] - w.before[0][0];
        steps.push([b.t, moved]);
      },
      checkpoint: (ev) => ev.t === 4,
    });
    expect(run.stepsTaken).toBe(4);
    expect(steps.map(([t]) => t)).toEqual([1, 2, 3, 4]);
    expect(steps.every(([, m]) => m !== 0)).toBe(true);
    const frozen: number[] = [];
    descend({
      c: small,
      loss: logistic,
      schedule: A4,
      steps: 2,
      trainerGradient: brokenGradient({ kind: 'frozen' }),
      exactGradient: true,
      pair: (a, _b, w) => frozen.push(a.gradSq, w.after[0][0] - w.before[0][0]),
    });
    // the frozen trainer never moves, but the evaluations carry the exact (nonzero) gradient
    expect(frozen[0]).toBeGreaterThan(0);
    expect(frozen[1]).toBe(0);
  });

  test('F8 terms against ū: ‖MΠ_⊥‖² and ⟨MΠ_⊥, G⟩ row by row', () => {
    const u = new Float64Array([1, 0]);
    expect(offMarginSq(new Float64Array([3, 4]), 1, 2, u)).toBe(16);
    expect(offMarginInner(new Float64Array([3, 4]), new Float64Array([5, 2]), 1, 2, u)).toBe(8);
    const net = networkOf(small);
    const data = dataOf(small);
    const ref = reference(net.dims, data, logistic);
    const risk = ref.gradient(ref.ws, net, data, logistic, ref.grads);
    const ev = evaluate({ risk, grads: ref.grads, ws: ref.ws }, net.weights, net.dims, data, logistic, 0, NaN, NaN, u);
    // w_prod = (1/2, −1/4): sin∠(w, e_1) = (1/4)/‖w‖
    expect(sinToMaxMargin(ev)).toBeCloseTo(0.25 / Math.hypot(0.5, 0.25), 15);
    expect(ev.minMargin).toBe(0.25);
    expect(() => fail('boom')).toThrow('boom');
  });
});

describe('max-margin geometry', () => {
  test('geometryOf finds ū and α; margin cases satisfy JT.A5', () => {
    const g = geometryOf(small);
    expect(g).not.toBeNull();
    expect(satisfiesA5(geometryOf({ x: [[1, 0]], y: [1] }))).toBe(false); // one support vector does not span ℝ²
    expect(geometryOf({ x: [[1], [1]], y: [1, -1] })).toBeNull(); // not separable
    for (const c of fc.sample(marginCase(logistic), { seed: 5, numRuns: 5 })) expect(satisfiesA5(geometryOf(c))).toBe(true);
    expect(angleResolution([2, 3, 1])).toBeGreaterThan(0);
  });

  test('the shared logistic case is drawn reproducibly', () => {
    expect(fc.sample(logisticCase, { seed: 9, numRuns: 3 })).toEqual(fc.sample(logisticCase, { seed: 9, numRuns: 3 }));
  });
});
