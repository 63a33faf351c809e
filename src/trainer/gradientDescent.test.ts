import { describe, expect, test } from 'vitest';
import { datasetFromArrays } from '../data/dataset.js';
import { logistic } from '../losses/logistic.js';
import { squared } from '../losses/loss.js';
import { networkFromArrays } from '../network/network.js';
import { gradientDescent } from './gradientDescent.js';
import { gradientFlow } from './gradientFlow.js';

const data = datasetFromArrays([[1, 0], [0, 1], [-0.5, -0.5]], [1, 1, -1]);
const net = () => networkFromArrays([[[0.5, 0.1], [0.2, 0.3]], [[0.4, -0.1]]], { kind: 'linear' });

describe('gradientDescent', () => {
  test('one step equals W − η∇R by hand (1-d case)', () => {
    // L = 1, d = 1: R(w) = ℓ(w), w ← w − ηℓ'(w)
    const d1 = datasetFromArrays([[1]], [1]);
    const res = gradientDescent({ network: networkFromArrays([[[0.5]]], { kind: 'linear' }), data: d1, loss: logistic, schedule: { kind: 'constant', eta: 0.5 }, steps: 1 });
    expect(res.network.weights[0][0]).toBe(0.5 - 0.5 * logistic.derivative(0.5));
  });

  test('does not modify the given network; reports energy S', () => {
    const n0 = net();
    const before = n0.weights.map((w) => Array.from(w));
    let s = 0;
    const res = gradientDescent({ network: n0, data, loss: logistic, schedule: { kind: 'constant', eta: 0.1 }, steps: 5, onStep: (v) => (s += v.t < 5 ? v.eta ** 2 * v.gradSquared : 0) });
    expect(n0.weights.map((w) => Array.from(w))).toEqual(before);
    expect(res.energy).toBe(s);
  });

  test('checkpoints see W(t) before step t', () => {
    const seen: number[] = [];
    gradientDescent({ network: net(), data, loss: logistic, schedule: { kind: 'constant', eta: 0.1 }, steps: 4, checkpoints: [0, 2, 4], onCheckpoint: (t) => seen.push(t) });
    expect(seen).toEqual([0, 2, 4]);
  });

  test('divergence is reported with its step, never passed off as a result', () => {
    const reg = datasetFromArrays([[1]], [[1]], 'regression');
    const res = gradientDescent({ network: networkFromArrays([[[3]], [[3]]], { kind: 'linear' }), data: reg, loss: squared, schedule: { kind: 'constant', eta: 10 }, steps: 200 });
    expect(res.diverged).not.toBeNull();
    expect(res.diverged!.step).toBeGreaterThan(0);
    expect(res.diverged!.step).toBeLessThan(200);
  });

  test('rejects a negative step count and mismatched shapes', () => {
    expect(() => gradientDescent({ network: net(), data, loss: logistic, schedule: { kind: 'constant', eta: 0.1 }, steps: -1 })).toThrow(/steps=-1/);
    const d3 = datasetFromArrays([[1, 0, 0]], [1]);
    expect(() => gradientDescent({ network: net(), data: d3, loss: logistic, schedule: { kind: 'constant', eta: 0.1 }, steps: 1 })).toThrow(/network.weights\[0\].*d=3/);
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
    gradientFlow({ network: networkFromArrays([[[3]]], { kind: 'linear' }), data: reg, loss: squared, time: 1, tolerance: 1e-10, checkpointTimes: [0, 0.5, 1], onCheckpoint: (t) => seen.push(t) });
    expect(seen).toEqual([0, 0.5, 1]);
  });
});
