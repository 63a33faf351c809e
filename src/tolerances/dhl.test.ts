import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { balanceMatrices } from '../metrics/balancedness.js';
import { plainFrobenius } from '../linalg/sumOfSquares.js';
import { B } from '../trainer/dop853Tableau.js';
import { DOP853_WEIGHT_SUM, FlowDriftBudget, flowBudgetRatio, spectralNormBound } from './dhlFlow.js';
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

/** ‖W‖₂ by 100 power iterations on WᵀW (a lower estimate that converges to it). */
function spectralNorm(W: Float64Array, rows: number, cols: number): number {
  let v = Float64Array.from({ length: cols }, (_, i) => 1 + i / 7);
  let s = 0;
  for (let it = 0; it < 100; it++) {
    const w = new Float64Array(rows);
    for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) w[r] += W[r * cols + c] * v[c];
    const z = new Float64Array(cols);
    for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) z[c] += W[r * cols + c] * w[r];
    const n = plainFrobenius(z);
    if (n === 0) return 0;
    s = Math.sqrt(n / plainFrobenius(v));
    v = z.map((x) => x / n);
  }
  return s;
}

const matrix = (rows: number, cols: number) =>
  fc.array(fc.double({ min: -2, max: 2, noNaN: true }), { minLength: rows * cols, maxLength: rows * cols }).map((a) => Float64Array.from(a));

describe('spectralNormBound', () => {
  test('lies between ‖W‖₂ and ‖W‖_F, and is exact for a rank-one W', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }).chain((rows) => fc.integer({ min: 1, max: 4 }).chain((cols) => matrix(rows, cols).map((W) => ({ rows, cols, W })))),
        ({ rows, cols, W }) => {
          const b = spectralNormBound(W, rows, cols);
          expect(b).toBeGreaterThanOrEqual(spectralNorm(W, rows, cols) * (1 - 1e-12));
          expect(b).toBeLessThanOrEqual(plainFrobenius(W) * (1 + 1e-14));
        },
      ),
      { seed: 5, numRuns: 50 },
    );
    // u vᵀ with u = (1, 2), v = (3, −1, 1): ‖W‖₂ = ‖u‖‖v‖ = √5·√11
    const W = Float64Array.from([3, -1, 1, 6, -2, 2]);
    expect(spectralNormBound(W, 2, 3)).toBeCloseTo(Math.sqrt(55), 12);
    // diagonal: the row sums give it exactly, where ‖W‖_F = √(9 + 1) does not
    expect(spectralNormBound(Float64Array.from([3, 0, 0, 1]), 2, 2)).toBeCloseTo(3, 12);
  });

  test('names the field it rejects', () => {
    expect(() => spectralNormBound(new Float64Array(5), 2, 3)).toThrow('spectralNormBound: W.length=5 must equal rows·cols=6');
  });
});

describe('FlowDriftBudget', () => {
  const dims = [3, 2, 2];
  const zeros = () => [new Float64Array(6), new Float64Array(4)];

  test('a step error E bounds the change of D: ‖D(W̃) − D(W̃ − E)‖_F ≤ Σ(2‖W̃‖₂‖E‖_F + ‖E‖_F²), with equality for E ∝ a rank-one W', () => {
    fc.assert(
      fc.property(matrix(2, 3), matrix(2, 2), matrix(2, 3), matrix(2, 2), fc.double({ min: 1e-9, max: 0.5, noNaN: true }), (W1, W2, E1, E2, scale) => {
        const E = [E1.map((v) => v * scale), E2.map((v) => v * scale)];
        const Wt = [W1, W2];
        const budget = new FlowDriftBudget(dims, 1);
        budget.addStep({ h: 0, weights: Wt, localError: E, errorShare: 1, increment: zeros(), magnitudes: [0] });
        const before = Wt.map((W, l) => W.map((v, i) => v - E[l][i]));
        const D0 = balanceMatrices(before, dims)[0];
        const change = plainFrobenius(balanceMatrices(Wt, dims)[0].map((v, i) => v - D0[i]));
        // the truncation part alone; the rounding part covers forming W̃ − E and D here
        expect(change).toBeLessThanOrEqual(budget.truncation[0] + budget.rounding[0] + 1e-14 * (plainFrobenius(W1) + plainFrobenius(W2) + 1) ** 2);
      }),
      { seed: 7, numRuns: 50 },
    );
    // W_1 = u vᵀ rank one, E_1 = εW_1, E_2 = 0: ΔD = −((1+ε)² − 1)W_1W_1ᵀ, ‖ΔD‖_F = (2ε + ε²)‖W_1‖_F²; the bound is the same
    const W1 = Float64Array.from([1, 2, -1, 2, 4, -2]);
    const eps = 1e-3;
    const budget = new FlowDriftBudget(dims, 1);
    const Wt = [W1.map((v) => v * (1 + eps)), new Float64Array(4)];
    budget.addStep({ h: 0, weights: Wt, localError: [W1.map((v) => v * eps), new Float64Array(4)], errorShare: 1, increment: zeros(), magnitudes: [0] });
    const D0 = balanceMatrices([W1, new Float64Array(4)], dims)[0];
    const change = plainFrobenius(balanceMatrices(Wt, dims)[0].map((v, i) => v - D0[i]));
    expect(change / budget.truncation[0]).toBeGreaterThan(0.999);
    expect(change / budget.truncation[0]).toBeLessThanOrEqual(1 + 1e-12);
  });

  test('the rounding part grows with the increment, the step and the magnitudes; the budget adds the two D evaluations', () => {
    const W = [Float64Array.from([1, 0, 0, 0, 1, 0]), Float64Array.from([1, 0, 0, 1])];
    const base = new FlowDriftBudget(dims, 4);
    base.addStep({ h: 0.5, weights: W, localError: zeros(), errorShare: 1, increment: zeros(), magnitudes: [0] });
    const more = new FlowDriftBudget(dims, 4);
    more.addStep({ h: 0.5, weights: W, localError: zeros(), errorShare: 1, increment: [new Float64Array(6).fill(0.1), new Float64Array(4)], magnitudes: [1] });
    expect(base.truncation[0]).toBe(0);
    expect(base.rounding[0]).toBeGreaterThan(0);
    expect(more.rounding[0]).toBeGreaterThan(base.rounding[0]);
    expect(more.steps).toBe(1);
    const b = base.budget(W, W)[0];
    expect(b).toBeGreaterThan(base.rounding[0]);
    // the cancellation term: h·Σ|b_j|·10γ_m(1+γ_m)²·2‖Mag‖
    expect(DOP853_WEIGHT_SUM).toBeCloseTo(
      B.reduce((s, x) => s + Math.abs(x), 0),
      15,
    );
    expect(DOP853_WEIGHT_SUM).toBeGreaterThanOrEqual(1);
  });

  test('ratios: worst pair, 0/0 = 0, and clear errors', () => {
    expect(flowBudgetRatio([1, 3], Float64Array.from([2, 4]))).toBe(0.75);
    expect(flowBudgetRatio([0], Float64Array.from([0]))).toBe(0);
    expect(flowBudgetRatio([1e-20], Float64Array.from([0]))).toBe(Infinity);
    expect(() => flowBudgetRatio([1], new Float64Array(2))).toThrow('flowBudgetRatio: drifts.length=1 must equal budget.length=2');
    expect(() => new FlowDriftBudget([2, 1], 1)).toThrow('FlowDriftBudget: dims.length=2 must be ≥ 3');
    expect(() => new FlowDriftBudget([2, 1, 1], 0)).toThrow('FlowDriftBudget: samples=0 must be a positive integer');
    const b = new FlowDriftBudget(dims, 1);
    expect(() => b.addStep({ h: 1, weights: zeros(), localError: zeros(), errorShare: 1, increment: zeros(), magnitudes: [] })).toThrow(
      'FlowDriftBudget.addStep: 2 layers expected',
    );
  });
});
