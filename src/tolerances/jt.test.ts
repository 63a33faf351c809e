import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { balanceMatrices } from '../metrics/balancedness.js';
import { frobenius } from '../linalg/norms.js';
import { svd, topSingular } from '../linalg/singularValues.js';
import { adjacentAlignmentBound, initializationConstant, lemma4Threshold, productAlignmentLowerBound, rankOneGapBound } from './jt.js';
import { gamma, UNIT_ROUNDOFF } from './rounding.js';

/**
 * The derivations in alignment.ts are linear algebra about arbitrary matrices before any training enters; these
 * tests check them on random chains with a 1-d output (docs/claims.md, Notation), with D_k(t) in place of D(0) + drift.
 */
const entry = fc.integer({ min: -16, max: 16 }).map((k) => k / 8);
const chain = fc
  .record({ d: fc.integer({ min: 1, max: 3 }), widths: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 3 }) })
  .chain(({ d, widths }) => {
    const dims = [d, ...widths, 1];
    return fc
      .tuple(...dims.slice(1).map((rows, k) => fc.array(entry, { minLength: rows * dims[k], maxLength: rows * dims[k] })))
      .map((ws) => ({ dims, weights: ws.map((w) => Float64Array.from(w)) }));
  });

function eigenvalueRange(D: Float64Array, n: number): { min: number; max: number; trace: number } {
  // symmetric: eigenvalues are ±singular values; recover signs from vᵀDv
  const { sigmas, V } = svd(D, n, n);
  let min = Infinity;
  let max = -Infinity;
  let trace = 0;
  for (let i = 0; i < n; i++) trace += D[i * n + i];
  sigmas.forEach((s, i) => {
    const v = V.getColumn(i);
    let q = 0;
    for (let a = 0; a < n; a++) for (let b = 0; b < n; b++) q += v[a] * D[a * n + b] * v[b];
    const lambda = Math.sign(q) * s;
    min = Math.min(min, lambda);
    max = Math.max(max, lambda);
  });
  return { min, max, trace };
}

/** A generous rounding slack for these O(1)-sized 3×3 computations: 64 roundings of the largest term. */
const slack = (scale: number) => 64 * UNIT_ROUNDOFF * (1 + scale);

describe('alignment bounds (derivations checked on random matrices)', () => {
  test('F5 by Weyl: g_k ≤ Σ_{j≥k}(tr D_j − λ_min D_j), and D bounds it at t = 0', () => {
    fc.assert(
      fc.property(chain, ({ dims, weights }) => {
        const L = weights.length;
        const Ds = balanceMatrices(weights, dims);
        const terms = Ds.map((D, j) => {
          const e = eigenvalueRange(D, dims[j + 1]);
          return e.trace - e.min;
        });
        const scale = Math.max(...weights.map((W) => frobenius(W) ** 2));
        const D0 = initializationConstant(weights, dims);
        for (let k = 0; k < L; k++) {
          const g = frobenius(weights[k]) ** 2 - topSingular(weights[k], dims[k + 1], dims[k]).sigma ** 2;
          const tail = terms.slice(k).reduce((a, b) => a + b, 0);
          expect(g).toBeLessThanOrEqual(tail + slack(scale));
          expect(tail).toBeLessThanOrEqual(D0.value + D0.rounding + slack(scale));
          expect(g).toBeLessThanOrEqual(rankOneGapBound(D0.value, 0) + D0.rounding + slack(scale));
        }
      }),
    );
  });

  test('F6 at t = 0: (1 − ⟨v_{k+1}, u_k⟩²)·σ_1(W_{k+1})² ≤ D + σ_1(W_{k+1})² + σ_1(W_k)²', () => {
    fc.assert(
      fc.property(chain, ({ dims, weights }) => {
        const D0 = initializationConstant(weights, dims);
        const scale = Math.max(...weights.map((W) => frobenius(W) ** 2));
        for (let k = 0; k + 1 < weights.length; k++) {
          const next = svd(weights[k + 1], dims[k + 2], dims[k + 1]);
          const layer = svd(weights[k], dims[k + 1], dims[k]);
          // skip repeated top singular values: the vectors are then not determined (the bound is > σ² anyway)
          const sn = [...next.sigmas].sort((a, b) => b - a);
          const sl = [...layer.sigmas].sort((a, b) => b - a);
          if ((sn[1] ?? 0) > sn[0] * (1 - 1e-6) || (sl[1] ?? 0) > sl[0] * (1 - 1e-6)) continue;
          const v = topSingular(weights[k + 1], dims[k + 2], dims[k + 1]).v;
          const u = topSingular(weights[k], dims[k + 1], dims[k]).u;
          let c = 0;
          for (let i = 0; i < u.length; i++) c += v[i] * u[i];
          const lhs = (1 - c * c) * sn[0] ** 2;
          expect(lhs).toBeLessThanOrEqual(adjacentAlignmentBound(D0.value, 0, D0.spectralSquared[k + 1], D0.spectralSquared[k]) + D0.rounding + slack(scale));
        }
      }),
    );
  });

  test('the q recursion: productAlignmentLowerBound with the measured g_k and (1 − c_k²)σ² is ≤ the measured q', () => {
    fc.assert(
      fc.property(chain, ({ dims, weights }) => {
        const L = weights.length;
        const pairs = weights.map((W, k) => topSingular(W, dims[k + 1], dims[k]));
        const fro2 = weights.map((W) => frobenius(W) ** 2);
        if (fro2.some((f) => f === 0)) return;
        const gap = Math.max(...fro2.map((f, k) => f - pairs[k].sigma ** 2));
        const align = pairs.slice(1).map((p, k) => {
          let c = 0;
          for (let i = 0; i < p.v.length; i++) c += p.v[i] * pairs[k].u[i];
          return (1 - c * c) * p.sigma ** 2 * (1 + 1e-12) + 1e-15;
        });
        // q = |⟨w_prod, v_1⟩|/∏‖W_k‖_F with w_prodᵀ = W_L⋯W_1
        let y = Float64Array.from(pairs[0].v);
        for (let k = 0; k < L; k++) {
          const next = new Float64Array(dims[k + 1]);
          for (let i = 0; i < dims[k + 1]; i++) for (let j = 0; j < dims[k]; j++) next[i] += weights[k][i * dims[k] + j] * y[j];
          y = next;
        }
        const q = Math.abs(y[0]) / Math.sqrt(fro2.reduce((a, b) => a * b, 1));
        const lower = productAlignmentLowerBound({
          dims,
          frobeniusSquared: fro2,
          spectralSquared: pairs.map((p) => p.sigma ** 2),
          gapBound: gap * (1 + 1e-12) + 1e-15,
          alignmentBounds: align,
        });
        expect(lower).toBeLessThanOrEqual(q + 1e-12);
      }),
    );
  });

  test('the q bound is exactly 1 for an aligned rank-one chain with no slack', () => {
    // W_1 = 2·e_1e_1ᵀ, W_2 = 3·e_1e_1ᵀ, W_3 = e_1ᵀ: q = 1
    const dims = [2, 2, 2, 1];
    const lower = productAlignmentLowerBound({ dims, frobeniusSquared: [4, 9, 1], spectralSquared: [4, 9, 1], gapBound: 0, alignmentBounds: [0, 0] });
    expect(lower).toBe(1);
  });

  test('Lemma 4 thresholds', () => {
    expect(lemma4Threshold('exponential', 1, 0.5)).toBe(1);
    expect(lemma4Threshold('logistic', 3, 2 / Math.E)).toBeCloseTo(3, 12);
    expect(() => lemma4Threshold('logistic', 3, 0)).toThrow(RangeError);
  });

  test('γ_k', () => {
    expect(gamma(1)).toBeCloseTo(UNIT_ROUNDOFF, 30);
    expect(() => gamma(2 ** 53)).toThrow(RangeError);
  });
});
