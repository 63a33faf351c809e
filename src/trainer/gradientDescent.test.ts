import { describe, expect, test } from 'vitest';
import { datasetFromArrays } from '../data/dataset.js';
import { logistic } from '../losses/logistic.js';
import { squared } from '../losses/loss.js';
import { networkFromArrays } from '../network/network.js';
import { gradientDescent } from './gradientDescent.js';
import { gradientFlow } from './gradientFlow.js';
import { riskAndGradient } from './gradient.js';
import { createStepRule } from './schedule.js';
import { sumOfSquares } from './kernels/stepSums.js';

const data = datasetFromArrays(
  [
    [1, 0],
    [0, 1],
    [-0.5, -0.5],
  ],
  [1, 1, -1],
);
const net = () =>
  networkFromArrays(
    [
      [
        [0.5, 0.1],
        [0.2, 0.3],
      ],
      [[0.4, -0.1]],
    ],
    { kind: 'linear' },
  );

describe('gradientDescent', () => {
  test('one step equals W − η∇R by hand (1-d case)', () => {
    // L = 1, d = 1: R(w) = ℓ(w), w ← w − ηℓ'(w)
    const d1 = datasetFromArrays([[1]], [1]);
    const res = gradientDescent({
      network: networkFromArrays([[[0.5]]], { kind: 'linear' }),
      data: d1,
      loss: logistic,
      schedule: { kind: 'constant', eta: 0.5 },
      steps: 1,
    });
    expect(res.network.weights[0][0]).toBe(0.5 - 0.5 * logistic.derivative(0.5));
  });

  test('does not modify the given network; reports energy S', () => {
    const n0 = net();
    const before = n0.weights.map((w) => Array.from(w));
    let s = 0;
    const res = gradientDescent({
      network: n0,
      data,
      loss: logistic,
      schedule: { kind: 'constant', eta: 0.1 },
      steps: 5,
      onStep: (v) => (s += v.t < 5 ? v.eta ** 2 * v.gradSquared : 0),
    });
    expect(n0.weights.map((w) => Array.from(w))).toEqual(before);
    expect(res.energy).toBe(s);
  });

  test('checkpoints are visited once each, in order, whatever order and repeats they are given in; negative ones never', () => {
    const seen: number[] = [];
    gradientDescent({
      network: net(),
      data,
      loss: logistic,
      schedule: { kind: 'constant', eta: 0.1 },
      steps: 4,
      checkpoints: [4, -1, 2, 0, 2, -3],
      onCheckpoint: (t) => seen.push(t),
    });
    expect(seen).toEqual([0, 2, 4]);
  });

  test('checkpoints see W(t) before step t', () => {
    const seen: number[] = [];
    gradientDescent({
      network: net(),
      data,
      loss: logistic,
      schedule: { kind: 'constant', eta: 0.1 },
      steps: 4,
      checkpoints: [0, 2, 4],
      onCheckpoint: (t) => seen.push(t),
    });
    expect(seen).toEqual([0, 2, 4]);
  });

  test('divergence is reported with its step, never passed off as a result', () => {
    const reg = datasetFromArrays([[1]], [[1]], 'regression');
    const res = gradientDescent({
      network: networkFromArrays([[[3]], [[3]]], { kind: 'linear' }),
      data: reg,
      loss: squared,
      schedule: { kind: 'constant', eta: 10 },
      steps: 200,
    });
    expect(res.diverged).not.toBeNull();
    expect(res.diverged!.step).toBeGreaterThan(0);
    expect(res.diverged!.step).toBeLessThan(200);
  });

  test('stopWhen ends the run at W(t) without updating: stepsTaken t, the risk of W(t), the same weights as a run of t steps', () => {
    const opts = { network: net(), data, loss: logistic, schedule: { kind: 'constant', eta: 0.1 } as const };
    const risks: number[] = [];
    const stopped = gradientDescent({ ...opts, steps: 50, stopWhen: (v) => (risks.push(v.risk), v.t === 3) });
    const plain = gradientDescent({ ...opts, steps: 3 });
    expect(stopped.stepsTaken).toBe(3);
    expect(stopped.finalRisk).toBe(plain.finalRisk);
    expect(stopped.network.weights.map((w) => Array.from(w))).toEqual(plain.network.weights.map((w) => Array.from(w)));
    // without onStep the risk is still evaluated at every step, so the predicate never sees NaN
    expect(risks.every(Number.isFinite)).toBe(true);
    expect(gradientDescent({ ...opts, steps: 5, stopWhen: () => false }).stepsTaken).toBe(5);
  });

  test('rejects a negative step count and mismatched shapes', () => {
    expect(() => gradientDescent({ network: net(), data, loss: logistic, schedule: { kind: 'constant', eta: 0.1 }, steps: -1 })).toThrow(/steps=-1/);
    const d3 = datasetFromArrays([[1, 0, 0]], [1]);
    expect(() => gradientDescent({ network: net(), data: d3, loss: logistic, schedule: { kind: 'constant', eta: 0.1 }, steps: 1 })).toThrow(
      /network.weights\[0\].*d=3/,
    );
  });
});

describe('gradientFlow', () => {
  test('matches the closed form of a 1-d linear regression flow', () => {
    // R(w) = ½(w − 1)², dw/dt = −(w − 1): w(t) = 1 + (w0 − 1)e^{−t}
    const reg = datasetFromArrays([[1]], [[1]], 'regression');
    const res = gradientFlow({ network: networkFromArrays([[[3]]], { kind: 'linear' }), data: reg, loss: squared, time: 2, tolerance: 1e-12 });
    // ODEX with tolerance τ: global error ≈ τ·|w| over this stable flow; 100τ leaves room for the error estimator's slack
    expect(Math.abs(res.network.weights[0][0] - (1 + 2 * Math.exp(-2)))).toBeLessThan(100 * 1e-12 * 3);
  });

  test('checkpoint times are integrator end points', () => {
    const reg = datasetFromArrays([[1]], [[1]], 'regression');
    const seen: number[] = [];
    gradientFlow({
      network: networkFromArrays([[[3]]], { kind: 'linear' }),
      data: reg,
      loss: squared,
      time: 1,
      tolerance: 1e-10,
      checkpointTimes: [0, 0.5, 1],
      onCheckpoint: (t) => seen.push(t),
    });
    expect(seen).toEqual([0, 0.5, 1]);
  });
});

// Mutation-testing follow-ups (Stryker survivors in gradientDescent.ts): what the observer sees must be
// computed from W(t) and G(t) themselves, not only be self-consistent.
describe('gradientDescent: observer values and divergence branches', () => {
  // ‖W‖² summed in the trainer's order (four partial sums, kernels/stepSums.ts), so eta can be compared bit for bit
  const sqFro = (w: Float64Array): number => sumOfSquares(w);
  const maxFrobenius = (ws: readonly Float64Array[]): number => Math.sqrt(Math.max(...ws.map(sqFro)));

  test('gradSquared = Σ_k ‖G_k(t)‖², eta and radius follow JT.A4 from max_k ‖W_k(t)‖_F at every step', () => {
    const steps = 30;
    const ref = createStepRule({ kind: 'ji-telgarsky' }, 2, logistic);
    const radii: number[] = [];
    let last = -1;
    gradientDescent({
      network: net(),
      data,
      loss: logistic,
      schedule: { kind: 'ji-telgarsky' },
      steps,
      onStep: (v) => {
        last = v.t;
        expect(v.weights.length).toBe(2);
        expect(v.gradSquared).toBeCloseTo(
          v.grads.reduce((a, g) => a + sqFro(g), 0),
          15,
        );
        expect(v.gradSquared).toBeGreaterThan(0);
        expect(Number.isFinite(v.risk) && v.risk > 0).toBe(true); // an observer on every step gets the risk at every step
        if (v.t === steps) {
          expect(v.eta).toBeNaN(); // no step is taken from W(steps)
          return;
        }
        expect(v.eta).toBe(ref.eta(v.t, maxFrobenius(v.weights)));
        expect(v.radius).toBe(ref.radius);
        radii.push(v.radius);
      },
    });
    expect(last).toBe(steps);
    // W(0): ‖W_1‖² = 0.39 > ‖W_2‖² = 0.17, so R_0 = √0.39 + 1
    expect(radii[0]).toBe(Math.sqrt(0.39) + 1);
    // the run must leave B(R_0 − 1) at least once, or the in-loop norm is never checked
    expect(radii[steps - 1]).toBeGreaterThan(radii[0]);
  });

  test('checkpoints and the final result get the risk even when no observer runs on every step', () => {
    const everyStep: number[] = [];
    const withObserver = gradientDescent({
      network: net(),
      data,
      loss: logistic,
      schedule: { kind: 'constant', eta: 0.1 },
      steps: 6,
      onStep: (v) => everyStep.push(v.risk),
    });
    const atMarks: [number, number][] = [];
    const res = gradientDescent({
      network: net(),
      data,
      loss: logistic,
      schedule: { kind: 'constant', eta: 0.1 },
      steps: 6,
      checkpoints: [0, 3],
      onCheckpoint: (t, _n, v) => atMarks.push([t, v.risk]),
    });
    expect(atMarks).toEqual([
      [0, everyStep[0]],
      [3, everyStep[3]],
    ]);
    expect(res.finalRisk).toBe(everyStep[6]);
    expect(res.finalRisk).toBe(withObserver.finalRisk);
    expect(res.energy).toBe(withObserver.energy);
  });

  test('asks the gradient for the risk only where it is looked at: checkpoints, W(steps), or every step with an observer', () => {
    const run = (withObserver: boolean): (boolean | undefined)[] => {
      const asked: (boolean | undefined)[] = [];
      gradientDescent({
        network: net(),
        data,
        loss: logistic,
        schedule: { kind: 'constant', eta: 0.1 },
        steps: 5,
        checkpoints: [2],
        onCheckpoint: () => {},
        onStep: withObserver ? () => {} : undefined,
        gradient: (ws, n, d, l, g, wantRisk) => {
          asked.push(wantRisk);
          return riskAndGradient(ws, n, d, l, g, wantRisk);
        },
      });
      return asked;
    };
    expect(run(false)).toEqual([false, false, true, false, false, true]);
    expect(run(true)).toEqual([true, true, true, true, true, true]);
  });

  test('steps = 0 evaluates W(0) and takes no step', () => {
    const res = gradientDescent({ network: net(), data, loss: logistic, schedule: { kind: 'constant', eta: 0.1 }, steps: 0 });
    expect(res.stepsTaken).toBe(0);
    expect(res.diverged).toBeNull();
    expect(res.energy).toBe(0);
    expect(Number.isFinite(res.finalRisk)).toBe(true);
    expect(res.network.weights.map((w) => Array.from(w))).toEqual(net().weights.map((w) => Array.from(w)));
  });

  /** Five constant steps of size eta with a stand-in gradient: grads[k] filled with gradAt(call), risk riskAt(call). */
  const descendWith = (eta: number, gradAt: (call: number) => number, riskAt: (call: number) => number) => {
    let calls = 0;
    return gradientDescent({
      network: net(),
      data,
      loss: logistic,
      schedule: { kind: 'constant', eta },
      steps: 5,
      gradient: (_ws, _net, _data, _loss, grads) => {
        for (const g of grads) g.fill(gradAt(calls));
        return riskAt(calls++);
      },
    });
  };

  test('a non-finite risk with a finite gradient is divergence at that step, named as the risk', () => {
    const res = descendWith(
      0.1,
      () => 0.5,
      () => Infinity,
    );
    expect(res.diverged).toEqual({ step: 0, reason: 'non-finite risk at W(0)' });
    expect(res.stepsTaken).toBe(0);
  });

  test('a non-finite gradient with a finite risk is divergence at that step, named as the gradient', () => {
    const res = descendWith(
      0.1,
      (call) => (call === 2 ? Infinity : 0.5),
      () => 1,
    );
    expect(res.diverged).toEqual({ step: 2, reason: 'non-finite gradient at W(2)' });
    expect(res.stepsTaken).toBe(2);
  });

  test('a finite risk and gradient that overflow the weights is divergence at the next step, named as the weight', () => {
    // G = 1e150: ‖G‖² = 6e300 is finite, η G = 1e350 is not
    const res = descendWith(
      1e200,
      () => 1e150,
      () => 1,
    );
    expect(res.diverged).toEqual({ step: 1, reason: 'non-finite weight in W(1)' });
    expect(res.stepsTaken).toBe(1);
    expect(res.finalRisk).toBe(1);
  });
});
