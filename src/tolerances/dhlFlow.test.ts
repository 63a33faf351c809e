import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { balanceMatrices } from '../metrics/balancedness.js';
import { plainFrobenius } from '../linalg/sumOfSquares.js';
import { B } from '../trainer/dop853Tableau.js';
import { DOP853_WEIGHT_SUM, FlowDriftBudget, flowBudgetRatio, spectralNormBound } from './dhlFlow.js';

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
