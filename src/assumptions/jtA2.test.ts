import { describe, expect, test } from 'vitest';
import { datasetFromArrays } from '../data/dataset.js';
import { exponential } from '../losses/exponential.js';
import { logistic } from '../losses/logistic.js';
import { squared } from '../losses/loss.js';
import { linear } from '../network/activation.js';
import { networkFromArrays } from '../network/network.js';
import { gradientDescent } from '../trainer/gradientDescent.js';
import { jtA2 } from './jtA2.js';

const data = datasetFromArrays(
  [
    [1 / 2, 1 / 4],
    [1 / 4, -1 / 2],
  ],
  [1, 1],
);

describe('jtA2', () => {
  test('holds when every margin is positive', () => {
    const net = networkFromArrays(
      [
        [
          [1 / 2, 0],
          [0, 1 / 2],
        ],
        [[1, 1 / 2]],
      ],
      linear,
    );
    for (const loss of [logistic, exponential]) {
      const r = jtA2(net, data, loss);
      expect(r.holds, r.reason).toBe(true);
    }
  });

  test('fails when R(W(0)) > ℓ(0) (negative margins)', () => {
    const net = networkFromArrays(
      [
        [
          [1 / 2, 0],
          [0, 1 / 2],
        ],
        [[-1, -1 / 2]],
      ],
      linear,
    );
    expect(jtA2(net, data, logistic)).toMatchObject({ holds: false, reason: expect.stringMatching(/is not below ℓ\(0\)/) });
  });

  test("W_1(0) = 0 gives R = ℓ(0) exactly (fails), and one GD step later JT.A2 holds (JT's remark)", () => {
    const net = networkFromArrays(
      [
        [
          [0, 0],
          [0, 0],
        ],
        [[1, 1 / 2]],
      ],
      linear,
    );
    expect(jtA2(net, data, logistic).holds).toBe(false);
    const after = gradientDescent({ network: net, data, loss: logistic, schedule: { kind: 'constant', eta: 1 / 4 }, steps: 1 }).network;
    const r = jtA2(after, data, logistic);
    expect(r.holds, r.reason).toBe(true);
  });

  test('fails at a stationary point (all weights zero: ∇R = 0)', () => {
    const net = networkFromArrays([[[0, 0]], [[0]]], linear);
    expect(jtA2(net, data, logistic).holds).toBe(false);
  });

  test('fails for a loss without ℓ(0) and for non-linear nets', () => {
    const net = networkFromArrays([[[1 / 2, 0]], [[1]]], linear);
    expect(jtA2(net, data, squared).holds).toBe(false);
    expect(jtA2({ ...net, activation: { kind: 'relu' } }, data, logistic).holds).toBe(false);
  });
});
