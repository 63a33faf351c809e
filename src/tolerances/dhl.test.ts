import { describe, expect, test } from 'vitest';
import { datasetFromArrays, type Dataset } from '../data/dataset.js';
import { logistic } from '../losses/logistic.js';
import { squared, type Loss } from '../losses/loss.js';
import { networkFromArrays, type Network } from '../network/network.js';
import { balanceStepRatio, layerSumStepRatio, type BalanceStep } from './dhlStep.js';
import { energyBoundRatios, energyIdentityRatio, halvingDeviationRatio } from './dhl.js';
import { gamma, UNIT_ROUNDOFF } from './rounding.js';
import { recordBalanceStep } from '../verify/recordBalanceStep.js';

const step = (net: Network, data: Dataset, loss: Loss, eta: number): BalanceStep => recordBalanceStep(net, data, loss, eta);

describe('balancedness tolerances', () => {
  test('γ_m = mu/(1 − mu)', () => {
    expect(gamma(1)).toBeCloseTo(UNIT_ROUNDOFF, 30);
    expect(gamma(10)).toBeGreaterThan(10 * UNIT_ROUNDOFF);
    expect(() => gamma(2 ** 53)).toThrow(/m=9007199254740992 is too large/);
  });

  test('a step where nothing rounds has ratio exactly 0', () => {
    // w1 = 1, w2 = 2, x = 1, y = 1, η = 1/4: every quantity is dyadic and short
    const s = step(networkFromArrays([[[1]], [[2]]], { kind: 'linear' }), datasetFromArrays([[1]], [[1]], 'regression'), squared, 0.25);
    expect(balanceStepRatio(s, 'matrix')).toBe(0);
    expect(layerSumStepRatio(s)).toBe(0);
  });

  test('a generic step is well inside its bound, and a perturbation of 1e-12 is far outside', () => {
    const net = networkFromArrays(
      [
        [
          [0.3, -0.7, 0.11],
          [0.52, 0.9, -0.4],
        ],
        [
          [0.6, -0.35],
          [0.21, 0.8],
        ],
        [[0.45, -0.9]],
      ],
      { kind: 'linear' },
    );
    const data = datasetFromArrays(
      [
        [0.3, 0.1, -0.5],
        [-0.2, 0.6, 0.3],
        [0.7, -0.1, 0.1],
      ],
      [1, -1, 1],
    );
    const s = step(net, data, logistic, 0.37);
    const r = balanceStepRatio(s, 'matrix');
    expect(r).toBeGreaterThan(0);
    expect(r).toBeLessThan(0.5);
    const nudged = s.after.map((W) => W.slice());
    nudged[1][0] += 1e-12;
    expect(balanceStepRatio({ ...s, after: nudged }, 'matrix')).toBeGreaterThan(10);
  });

  test('the ReLU diagonal (F4) holds to rounding where the off-diagonal does not', () => {
    const net = networkFromArrays(
      [
        [
          [0.8, -0.6],
          [-0.5, 0.9],
          [0.3, 0.3],
        ],
        [[0.7, -0.4, 0.2]],
      ],
      { kind: 'relu' },
    );
    const data = datasetFromArrays(
      [
        [0.6, 0.2],
        [-0.3, 0.7],
        [0.1, -0.9],
      ],
      [1, 1, -1],
    );
    const s = step(net, data, logistic, 0.5);
    expect(balanceStepRatio(s, 'diagonal')).toBeLessThanOrEqual(1);
    expect(layerSumStepRatio(s)).toBeLessThanOrEqual(1);
    expect(balanceStepRatio(s, 'matrix')).toBeGreaterThan(1e6);
  });

  test('halving band: an exact halving has ratio 0; the band narrows with the step', () => {
    const base = { depth: 2, horizon: 0.125, drift: 1e-4, maxLayerNorm: 0.7, maxTarget: 0.5, maxDim: 3 };
    expect(halvingDeviationRatio({ ...base, step: 2 ** -10, driftHalf: 0.5e-4 }).ratio).toBe(0);
    const coarse = halvingDeviationRatio({ ...base, step: 2 ** -10, driftHalf: 0.5e-4 }).band;
    const fine = halvingDeviationRatio({ ...base, step: 2 ** -11, drift: 0.5e-4, driftHalf: 0.25e-4 }).band;
    expect(fine).toBeLessThan(coarse);
  });

  test('energy budget: drift ≤ S ≤ c²(1 + 1/(2δ)) sup‖∇R‖²', () => {
    const ok = { drift: 0.01, energy: 0.02, rounding: 0, steps: 100, c: 0.5, delta: 0.25, supGradSquared: 1 };
    expect(energyBoundRatios(ok).drift).toBeCloseTo(0.5, 12);
    // budget 0.25·(1 + 2)·1 = 0.75
    expect(energyBoundRatios(ok).budget).toBeCloseTo(0.02 / 0.75, 12);
    expect(energyBoundRatios({ ...ok, drift: 0.03 }).drift).toBeGreaterThan(1);
    expect(energyBoundRatios({ ...ok, energy: 0.76, drift: 0 }).budget).toBeGreaterThan(1);
  });

  test('energy identity: rounding-sized residuals pass, a first-order residual fails by orders of magnitude', () => {
    const e = { residual: 0, rounding: 1e-15, energy: 0.3, steps: 300, maxDim: 4, operands: 3 };
    expect(energyIdentityRatio(e)).toBe(0);
    expect(energyIdentityRatio({ ...e, residual: 1e-15 })).toBeLessThan(1);
    // 1 % of a drift of order 1: what G_1 × 1.01 leaves behind
    expect(energyIdentityRatio({ ...e, residual: 0.01 })).toBeGreaterThan(1e10);
  });
});
