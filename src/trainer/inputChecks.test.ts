import { describe, expect, test } from 'vitest';
import { datasetFromArrays } from '../data/dataset.js';
import { logistic } from '../losses/logistic.js';
import { squared } from '../losses/loss.js';
import { linear } from '../network/activation.js';
import { networkFromArrays } from '../network/network.js';
import { checkCompatible, squaredNorm } from './gradient.js';
import { gradientDescent } from './gradientDescent.js';
import { gradientFlow } from './gradientFlow.js';

const cls = datasetFromArrays(
  [
    [1, 0],
    [0, 1],
  ],
  [1, -1],
);
const reg = datasetFromArrays(
  [
    [1, 0],
    [0, 1],
  ],
  [
    [1, 2],
    [3, 4],
  ],
  'regression',
);
const net21 = networkFromArrays([[[0.5, 0.5]]], linear);

describe('checkCompatible: network, data and loss must fit together', () => {
  test('input width, output width and the kind of loss', () => {
    expect(() => checkCompatible(networkFromArrays([[[1, 1, 1]]], linear), cls, logistic)).toThrow(
      'network.weights[0]: has 3 columns but data.x has d=2 features; they must match',
    );
    expect(() => checkCompatible(net21, reg, squared)).toThrow('network.weights[0]: has 1 rows but the targets have dimension 2; the last layer must output 2');
    const reg1 = datasetFromArrays([[1, 0]], [2], 'regression');
    expect(() => checkCompatible(net21, reg1, logistic)).toThrow('loss=logistic: a margin loss needs ±1 labels (data.y of length n), not regression targets');
    expect(() => checkCompatible(net21, cls, squared)).not.toThrow(); // ±1 labels are numeric targets too
  });

  test('squaredNorm sums over layers', () => {
    expect(squaredNorm([Float64Array.from([3]), Float64Array.from([4, 0])])).toBe(25);
  });
});

describe('divergence is reported, not thrown', () => {
  test('gradient descent: a weight that overflows stops the run at that step', () => {
    const res = gradientDescent({
      network: networkFromArrays([[[1e100, 0]]], linear),
      data: datasetFromArrays([[1, 0]], [1], 'regression'),
      loss: squared,
      schedule: { kind: 'constant', eta: 1e300 },
      steps: 5,
    });
    expect(res.diverged).toEqual({ step: 1, reason: 'non-finite weight in W(1)' });
    expect(res.stepsTaken).toBe(1);
  });

  test('gradient flow: a non-finite gradient ends the flow where it begins, at the last accepted point', () => {
    const data = datasetFromArrays([[1]], [[1]], 'regression');
    // dW/dt = 1 until W passes 1.5 (t = 0.5), then NaN. DOP853 lands on the checkpoint t = 0.5 (W = 1.5, still
    // finite), rejects every later trial step whose stages pass 1.5 and shrinks it until it underflows the resolution
    // of t: the flow stops there and says so, returning W(0.5)
    const res = gradientFlow({
      network: networkFromArrays([[[1]]], linear),
      data,
      loss: squared,
      time: 2,
      tolerance: 1e-6,
      checkpointTimes: [0.5, 2],
      gradient: (_ws, n, _d, _l, grads) => {
        grads[0][0] = n.weights[0][0] > 1.5 ? Number.NaN : -1;
        return 0;
      },
    });
    expect(res.diverged).toEqual({ time: 0.5, reason: 'non-finite gradient at or just after t=0.5 (weights returned are W(0.5), the last accepted point)' });
    // dW/dt = 1 is integrated exactly: W(0.5) = 1.5
    expect(res.network.weights[0][0]).toBe(1.5);
  });

  test.each([
    [{ time: -1, tolerance: 1e-6 }, 'schedule.time=-1 must be a finite number ≥ 0'],
    [{ time: Number.POSITIVE_INFINITY, tolerance: 1e-6 }, 'schedule.time=Infinity must be a finite number ≥ 0'],
    [{ time: 1, tolerance: 0 }, 'schedule.tolerance=0 must be a finite number > 0'],
  ])('gradient flow rejects %j', (o, message) => {
    expect(() => gradientFlow({ network: net21, data: cls, loss: logistic, ...o })).toThrow(message);
  });
});
