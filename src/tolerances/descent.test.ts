import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { datasetFromArrays } from '../data/dataset.js';
import { exponential } from '../losses/exponential.js';
import { logistic } from '../losses/logistic.js';
import type { MarginLoss } from '../losses/loss.js';
import { linear } from '../network/activation.js';
import { createWorkspace, riskAndGradient, zerosLike } from '../trainer/gradient.js';
import {
  coefficientError,
  createSegmentScratch,
  derivativeBounds,
  logisticSecond,
  lossSecond,
  marginPolynomials,
  secondOrderAllowance,
  segmentCurvature,
} from './descent.js';

/** Small linear nets with 1-d output, a step Δ, and data with ‖x_i‖ ≤ 1. */
const entry = (den: number) => fc.integer({ min: -16, max: 16 }).map((k) => k / den);
const segmentCase = fc
  .record({
    d: fc.integer({ min: 1, max: 3 }),
    widths: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 0, maxLength: 2 }),
    n: fc.integer({ min: 1, max: 4 }),
  })
  .chain(({ d, widths, n }) => {
    const dims = [d, ...widths, 1];
    const layer = (den: number) => fc.tuple(...dims.slice(1).map((rows, k) => fc.array(entry(den), { minLength: rows * dims[k], maxLength: rows * dims[k] })));
    return fc.record({
      dims: fc.constant(dims),
      weights: layer(8),
      // a step of a few percent of the weights, or one as large as the weights
      delta: fc.oneof(layer(256), layer(16)),
      x: fc.array(fc.array(entry(32), { minLength: d, maxLength: d }), { minLength: n, maxLength: n }),
      y: fc.array(fc.constantFrom<1 | -1>(1, -1), { minLength: n, maxLength: n }),
    });
  })
  .map((c) => ({ ...c, x: c.x.map((row) => row.map((v) => v / Math.max(1, Math.hypot(...row)))) }));

type SegmentCase = typeof segmentCase extends fc.Arbitrary<infer T> ? T : never;

/** R(W + sΔ) by the trainer's kernel. */
function riskAt(c: SegmentCase, loss: MarginLoss, s: number): number {
  const data = datasetFromArrays(c.x, c.y);
  const weights = c.weights.map((W, k) => Float64Array.from(W.map((v, i) => v + s * c.delta[k][i])));
  const net = { dims: c.dims, weights, activation: linear };
  return riskAndGradient(createWorkspace(c.dims, data.n), net, data, loss, zerosLike(net));
}

/** φ''(s) from the margin polynomials (exact formula, evaluated in floating point). */
function curvatureAt(coef: Float64Array, n: number, L: number, loss: MarginLoss, s: number): number {
  let total = 0;
  for (let i = 0; i < n; i++) {
    let m = 0;
    let m1 = 0;
    let m2 = 0;
    for (let j = 0; j <= L; j++) {
      const c = coef[i * (L + 1) + j];
      m += c * s ** j;
      if (j >= 1) m1 += j * c * s ** (j - 1);
      if (j >= 2) m2 += j * (j - 1) * c * s ** (j - 2);
    }
    total += lossSecond(loss, m) * m1 * m1 + loss.derivative(m) * m2;
  }
  return total / n;
}

describe('second-order descent bound (src/tolerances/descent.ts)', () => {
  test('the margin polynomials reproduce the kernel margins at every s', () => {
    fc.assert(
      fc.property(segmentCase, fc.integer({ min: 0, max: 8 }), (c, k) => {
        const s = k / 8;
        const data = datasetFromArrays(c.x, c.y);
        const scratch = createSegmentScratch(c.dims, data.n);
        const L = c.dims.length - 1;
        marginPolynomials(
          c.weights.map((w) => Float64Array.from(w)),
          c.delta.map((w) => Float64Array.from(w)),
          data,
          scratch,
        );
        const weights = c.weights.map((W, j) => Float64Array.from(W.map((v, i) => v + s * c.delta[j][i])));
        const ws = createWorkspace(c.dims, data.n);
        riskAndGradient(ws, { dims: c.dims, weights, activation: linear }, data, logistic, zerosLike({ weights }));
        const err = coefficientError(c.dims);
        let scale = 0;
        for (let j = 0; j <= L; j++) scale += scratch.normPoly[j];
        for (let i = 0; i < data.n; i++) {
          let m = 0;
          for (let j = 0; j <= L; j++) m += scratch.coef[i * (L + 1) + j] * s ** j;
          // both sides are chained products of magnitudes ≤ Σ_j e_j‖x_i‖: they agree to a few γ_K of that
          expect(Math.abs(m - ws.margins[i])).toBeLessThanOrEqual(4 * err * scale * scratch.inputNorms[i] + 1e-300);
        }
      }),
      { numRuns: 60 },
    );
  });

  for (const loss of [logistic, exponential])
    test(`the bound dominates |φ''(s)| on a grid of s ∈ [0, 1] (${loss.name}) and φ''(0) matches a finite difference`, () => {
      fc.assert(
        fc.property(segmentCase, (c) => {
          const data = datasetFromArrays(c.x, c.y);
          const scratch = createSegmentScratch(c.dims, data.n);
          const L = c.dims.length - 1;
          const weights = c.weights.map((w) => Float64Array.from(w));
          const delta = c.delta.map((w) => Float64Array.from(w));
          const curv = segmentCurvature(weights, delta, data, loss, scratch);
          let sup = 0;
          for (let k = 0; k <= 64; k++) sup = Math.max(sup, Math.abs(curvatureAt(scratch.coef, data.n, L, loss, k / 64)));
          expect(curv.bound).toBeGreaterThanOrEqual(sup * (1 - 1e-12));
          expect(curv.atStart).toBeCloseTo(curvatureAt(scratch.coef, data.n, L, loss, 0), 12);
          // second central difference of the kernel's risk: φ(h) − 2φ(0) + φ(−h) = h²φ''(0) + O(h⁴ sup|φ''''|)
          const h = 1 / 64;
          const fd = (riskAt(c, loss, h) - 2 * riskAt(c, loss, 0) + riskAt(c, loss, -h)) / (h * h);
          expect(Math.abs(fd - curv.atStart)).toBeLessThanOrEqual(1e-2 * (curv.bound + 1e-9) + 1e-9);
        }),
        { numRuns: 60 },
      );
    });

  test('the Taylor remainder of the kernel risk stays within ½·bound over the whole step', () => {
    fc.assert(
      fc.property(segmentCase, (c) => {
        const data = datasetFromArrays(c.x, c.y);
        const weights = c.weights.map((w) => Float64Array.from(w));
        const delta = c.delta.map((w) => Float64Array.from(w));
        const net = { dims: c.dims, weights, activation: linear };
        const grads = zerosLike(net);
        const r0 = riskAndGradient(createWorkspace(c.dims, data.n), net, data, logistic, grads);
        let inner = 0;
        grads.forEach((G, k) => G.forEach((g, i) => (inner += g * delta[k][i])));
        const remainder = riskAt(c, logistic, 1) - r0 - inner;
        const { bound } = segmentCurvature(weights, delta, data, logistic, createSegmentScratch(c.dims, data.n));
        // float evaluation of two risks and a dot product: far below 1e-12 at these sizes (R ≤ a few)
        expect(Math.abs(remainder)).toBeLessThanOrEqual(bound / 2 + 1e-12);
      }),
      { numRuns: 100 },
    );
  });

  test("a step that is exactly linear in s (one layer moves) has bound from ℓ'' only: m_i'' = 0", () => {
    const data = datasetFromArrays([[1, 0]], [1]);
    const scratch = createSegmentScratch([2, 1], 1);
    const { bound, atStart } = segmentCurvature([Float64Array.of(0.5, 0)], [Float64Array.of(0.25, 0)], data, logistic, scratch);
    // m(s) = 0.5 + 0.25s ∈ [0.5, 0.75] on [0, 1]: sup ℓ'' at the endpoint nearer 0, i.e. ℓ''(0.5)·0.25²
    expect(bound).toBeCloseTo(logisticSecond(0.5) * 0.0625, 14);
    expect(atStart).toBeCloseTo(logisticSecond(0.5) * 0.0625, 14);
  });

  test('derivativeBounds: exact sups for logistic and exponential, declared constants otherwise, an error without', () => {
    fc.assert(
      fc.property(fc.double({ min: -20, max: 20, noNaN: true }), fc.double({ min: 0, max: 10, noNaN: true }), (lo, w) => {
        const hi = lo + w;
        for (const loss of [logistic, exponential]) {
          const b = derivativeBounds(loss, lo, hi);
          for (let k = 0; k <= 32; k++) {
            const u = lo + (k / 32) * w;
            if (Math.abs(loss.derivative(u)) > b.d1 * (1 + 1e-15) || lossSecond(loss, u) > b.d2 * (1 + 1e-15)) return false;
          }
        }
        return true;
      }),
    );
    expect(derivativeBounds(logistic, -1, 2).d2).toBe(0.25);
    const declared: MarginLoss = { ...logistic, name: 'declared', lipschitz: { beta: 0.5, G: 2 } };
    expect(derivativeBounds(declared, 0, 1)).toEqual({ d1: 2, d2: 0.5 });
    expect(() => derivativeBounds({ ...exponential, name: 'a copy of exp' }, 0, 1)).toThrow(/declares no JT.A3 constants/);
    expect(() => derivativeBounds(logistic, 1, 0)).toThrow(/lo=1 must be ≤ hi=0/);
    expect(() => createSegmentScratch([2, 3], 1)).toThrow(/output dimension 1/);
  });

  test('secondOrderAllowance is the sum of its derived terms', () => {
    const a = secondOrderAllowance({
      riskRoundingBefore: 1e-16,
      riskRoundingAfter: 2e-16,
      riskBefore: 0.5,
      riskAfter: 0.4,
      eta: 0.1,
      gradNorm: 2,
      gradError: 1e-15,
      stepNorm: 0.2,
      storage: 1e-17,
      entries: 4,
    });
    expect(a).toBeGreaterThan(3e-16);
    expect(a).toBeLessThan(1e-15 + 2e-16 * (0.5 + 0.4 + 0.4) + 1e-15);
  });
});
