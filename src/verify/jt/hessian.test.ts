import { describe, expect, test } from 'vitest';
import { datasetFromArrays } from '../../data/dataset.js';
import { logistic } from '../../losses/logistic.js';
import { linear } from '../../network/activation.js';
import { networkFromArrays } from '../../network/network.js';
import { createWorkspace, riskAndGradient, zerosLike } from '../../trainer/gradient.js';
import { logisticFirst, logisticSecond, marginHessian, spectralNorm } from './hessian.js';

/** the trainer's gradient, flattened layer by layer */
function gradient(weights: number[][][], x: number[][], y: (1 | -1)[]): number[] {
  const net = networkFromArrays(weights, linear);
  const data = datasetFromArrays(x, y);
  const g = zerosLike(net);
  riskAndGradient(createWorkspace(net.dims, data.n), net, data, logistic, g);
  return g.flatMap((G) => Array.from(G));
}

const W: number[][][] = [
  [
    [0.7, -0.4, 0.2],
    [0.1, 0.5, -0.9],
  ],
  [
    [0.3, -1.1],
    [0.8, 0.6],
  ],
  [[-0.5, 0.9]],
];
const x = [
  [0.6, 0.3, -0.2],
  [-0.1, 0.8, 0.5],
  [0.4, -0.4, 0.4],
];
const y: (1 | -1)[] = [1, -1, 1];

describe('marginHessian', () => {
  test('agrees with central differences of the trainer gradient', () => {
    const z = x.map((xi, i) => xi.map((v) => y[i] * v));
    const { H, rounding } = marginHessian(W, z);
    const flat = W.flatMap((M) => M.flat());
    const h = 1e-5;
    const unflatten = (v: number[]) => {
      let o = 0;
      return W.map((M) => M.map((row) => row.map(() => v[o++])));
    };
    for (let p = 0; p < flat.length; p++) {
      const plus = [...flat];
      const minus = [...flat];
      plus[p] += h;
      minus[p] -= h;
      const gp = gradient(unflatten(plus), x, y);
      const gm = gradient(unflatten(minus), x, y);
      // central differences: truncation h²·max|∂³∇R|/6 ≈ 1e-10 here, cancellation u·|∇R|/h ≈ 1e-11
      for (let q = 0; q < flat.length; q++) expect(Math.abs((gp[q] - gm[q]) / (2 * h) - H[q][p])).toBeLessThan(1e-8);
    }
    expect(rounding).toBeGreaterThan(0);
    expect(rounding).toBeLessThan(1e-12);
  });

  test('scalar chain L = 2 at w = (1, −1), z = 1: ‖H‖ = 2ℓ″(−1) − ℓ′(−1) (the curvature JT.Lem5 bounds, at its worst)', () => {
    const { H, margins } = marginHessian([[[1]], [[-1]]], [[1]]);
    expect(margins).toEqual([-1]);
    expect(spectralNorm(H)).toBeCloseTo(2 * logisticSecond(-1) - logisticFirst(-1), 14);
    expect(spectralNorm(H)).toBeCloseTo(1.124282, 6);
  });

  test('L = 1 at margin 0 with a unit sample: H = ℓ″(0) zzᵀ, norm 1/4', () => {
    const { H } = marginHessian([[[0, 0]]], [[0.6, 0.8]]);
    expect(H[0][0]).toBeCloseTo(0.25 * 0.36, 15);
    expect(H[0][1]).toBeCloseTo(0.25 * 0.48, 15);
    expect(spectralNorm(H)).toBeCloseTo(0.25, 15);
  });

  test('logistic derivatives', () => {
    expect(logisticSecond(0)).toBe(0.25);
    expect(logisticFirst(0)).toBe(-0.5);
    expect(logisticFirst(800)).toBe(-0);
    expect(logisticFirst(-800)).toBe(-1);
    expect(logisticSecond(800)).toBe(0);
    expect(logisticSecond(-3)).toBe(logisticSecond(3));
  });

  test('bad input names the field and the rule', () => {
    expect(() => marginHessian([], [[1]])).toThrow('marginHessian: weights has no layers');
    expect(() => marginHessian([[[1]]], [])).toThrow('marginHessian: z has no samples');
    expect(() =>
      marginHessian(
        [
          [
            [1, 2],
            [3, 4],
          ],
        ],
        [[1, 1]],
      ),
    ).toThrow('marginHessian: output dimension');
    expect(() => marginHessian([[[1, 2]], [[1, 2]]], [[1, 1]])).toThrow('marginHessian: weights[1] has 2 columns; layer 2 needs d_1=1');
    expect(() => marginHessian([[[1, 2]]], [[1]])).toThrow('marginHessian: z[0] has length 1; it must equal d_0=2');
  });
});
