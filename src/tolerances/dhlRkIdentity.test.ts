import { describe, expect, test } from 'vitest';
import { balanceMatrices } from '../metrics/balancedness.js';
import { plainFrobenius } from '../linalg/sumOfSquares.js';
import { A, B } from '../trainer/dop853Tableau.js';
import { Dop853 } from '../trainer/dop853.js';
import { RK_STAGES, RkIdentitySum, rkIdentityRatio, rkQuadraticWeights } from './dhlRkIdentity.js';

/** a small deterministic generator (no Math.random: reproducible) */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32 - 0.5;
  };
}

describe('rkQuadraticWeights', () => {
  const { m, bound } = rkQuadraticWeights();
  test('m is symmetric, |m| ≤ M, and Σ m_jl = Σb·Σb − 2Σ b_jc_j = 1 − 1 = 0 for DOP853', () => {
    let sum = 0;
    for (let j = 0; j < RK_STAGES; j++)
      for (let l = 0; l < RK_STAGES; l++) {
        expect(m[j * RK_STAGES + l]).toBe(m[l * RK_STAGES + j]);
        expect(Math.abs(m[j * RK_STAGES + l])).toBeLessThanOrEqual(bound[j * RK_STAGES + l]);
        sum += m[j * RK_STAGES + l];
      }
    expect(Math.abs(sum)).toBeLessThan(1e-13);
  });
  test('rejects a tableau whose sizes disagree', () => {
    expect(() => rkQuadraticWeights(A.slice(1), B)).toThrow(/a.length=11 must equal b.length=12/);
  });
});

describe('RkIdentitySum', () => {
  const dims = [2, 3, 2];
  const sizes = [6, 6];
  const random = lcg(7);
  const layers = () => sizes.map((n) => Float64Array.from({ length: n }, random));

  test('D(y₁) − D(y₀) = 2hΣ b_j B(Y_j, k_j) + h²Σ m_jl B(k_j, k_l) for arbitrary stage vectors (sign, pairing, symmetrisation)', () => {
    const h = 0.37;
    const y0 = layers();
    const stages = Array.from({ length: RK_STAGES }, layers);
    const dense = (j: number, l: number) => A[j].find(([q]) => q === l)?.[1] ?? 0;
    const axpy = (base: Float64Array[], coef: (j: number) => number) =>
      base.map((W, ℓ) => W.map((v, i) => v + h * stages.reduce((s, K, j) => s + coef(j) * K[ℓ][i], 0)));
    const y1 = axpy(y0, (j) => B[j]);
    // 2B(Y, k) = D(Y + k) − D(Y) − D(k) (polarisation), in balanceMatrices' sign
    const D = (ws: Float64Array[]) => balanceMatrices(ws, dims)[0];
    const first = new Float64Array(9);
    for (let j = 0; j < RK_STAGES; j++) {
      const Y = axpy(y0, (l) => dense(j, l));
      const Yk = Y.map((W, ℓ) => W.map((v, i) => v + stages[j][ℓ][i]));
      const [a, b, c] = [D(Yk), D(Y), D(stages[j])];
      for (let i = 0; i < 9; i++) first[i] += h * B[j] * (a[i] - b[i] - c[i]);
    }
    const sum = new RkIdentitySum(dims);
    sum.addStep(h, y0, stages);
    const [d1, d0] = [D(y1), D(y0)];
    const residual = plainFrobenius(d1.map((v, i) => v - d0[i] - first[i] - sum.sum[0][i]));
    expect(residual).toBeLessThan(1e-12);
    // without the first sum the identity does not hold (the vectors are arbitrary, not a gradient field)
    expect(plainFrobenius(d1.map((v, i) => v - d0[i] - sum.sum[0][i]))).toBeGreaterThan(1e-3);
  });

  test('on a DOP853 step the observed start, stages and end satisfy y = fl(y₀ + h·Σ b_j k_j) bit for bit', () => {
    const n = 5;
    const S = Float64Array.from({ length: n * n }, random);
    const dop = new Dop853(n);
    let checked = 0;
    dop.observe((s) => {
      for (let i = 0; i < n; i++) {
        let acc = 0;
        for (let j = 0; j < RK_STAGES; j++) if (B[j] !== 0) acc += B[j] * s.stages[j * n + i];
        expect(s.start[i] + s.h * acc).toBe(s.y[i]);
      }
      checked++;
    });
    dop.reset(0, [1, 0.5, -0.25, 0.3, 0.1]);
    dop.advance(
      (_t, y, dy) => {
        for (let i = 0; i < n; i++) {
          let v = 0;
          for (let j = 0; j < n; j++) v += S[i * n + j] * y[j];
          dy[i] = v;
        }
      },
      2,
      { rtol: 1e-8, atol: 1e-8 },
      1000,
    );
    expect(checked).toBe(dop.accepted);
    expect(checked).toBeGreaterThan(1);
  });

  test('the allowance adds the (Q) and (E) terms to the given rounding, and the ratio is residual/allowance', () => {
    const sum = new RkIdentitySum(dims);
    const w = layers();
    const zero = new Float64Array(1);
    const base = sum.allowance({ updateRounding: zero, cancellation: zero }, w, w, 3)[0];
    expect(base).toBeGreaterThan(0);
    expect(sum.allowance({ updateRounding: Float64Array.of(1e-10), cancellation: Float64Array.of(2e-10) }, w, w, 3)[0]).toBeCloseTo(base + 3e-10, 20);
    expect(sum.residuals(w, w)).toEqual([0]);
    expect(rkIdentityRatio([2e-14], Float64Array.of(1e-14))).toBeCloseTo(2, 12);
    expect(() => rkIdentityRatio([1, 2], Float64Array.of(1))).toThrow(/residuals.length=2 must equal allowance.length=1/);
    expect(() => sum.addStep(0.1, w, [])).toThrow(/stages must be 12 × 2 layers/);
    expect(() => new RkIdentitySum([2, 3])).toThrow(/dims.length=2 must be ≥ 3/);
  });
});
