import { describe, expect, test } from 'vitest';
import { balancedScalarFlow, linearSquaredFlow, secondMomentSpectrum } from './flowClosedForm.js';

const x = [
  [1, 0.5],
  [-0.3, 0.8],
  [0.2, -0.9],
];
const y = [[1], [0.5], [-0.4]];
const w0 = [[0.3, -0.7]];

/** −∇R(W) for the depth-1 squared loss, written directly from the definition */
function negGradient(W: number[][]): number[][] {
  const g = W.map((r) => r.map(() => 0));
  x.forEach((xi, i) => {
    const res = W.map((row, r) => row.reduce((s, w, a) => s + w * xi[a], 0) - y[i][r]);
    W.forEach((row, r) => row.forEach((_, a) => (g[r][a] -= (res[r] * xi[a]) / x.length)));
  });
  return g;
}

describe('linearSquaredFlow', () => {
  test('starts at W(0) and satisfies dW/dt = −∇R (central differences, h = 1e-4: error O(h²) ≈ 1e-8)', () => {
    expect(linearSquaredFlow(x, y, w0, [0])[0][0].map((v, a) => Math.abs(v - w0[0][a]))).toEqual([expect.closeTo(0, 14), expect.closeTo(0, 14)]);
    for (const t of [0.5, 3, 40]) {
      const h = 1e-4;
      const [before, at, after] = linearSquaredFlow(x, y, w0, [t - h, t, t + h]);
      const g = negGradient(at);
      at[0].forEach((_, a) => expect(Math.abs((after[0][a] - before[0][a]) / (2 * h) - g[0][a])).toBeLessThan(1e-7));
    }
  });

  test('converges to the least-squares solution, where the gradient vanishes', () => {
    const [W] = linearSquaredFlow(x, y, w0, [1e4]);
    for (const v of negGradient(W)[0]) expect(Math.abs(v)).toBeLessThan(1e-13);
  });

  test('a singular S (a direction no sample spans) leaves that component of W where it started', () => {
    const flat = [
      [1, 0],
      [2, 0],
    ];
    const [W] = linearSquaredFlow(flat, [[1], [2]], [[0.3, -0.7]], [50]);
    expect(W[0][1]).toBeCloseTo(-0.7, 13);
    expect(W[0][0]).toBeCloseTo(1, 13);
    expect(secondMomentSpectrum(flat)[0]).toBeCloseTo(0, 15);
  });
});

describe('balancedScalarFlow', () => {
  test.each([
    [[1, 0.5], [1, 0.2], 0.3],
    [[1, -0.5], [-1, 0.2], -0.8],
    [[1, 1], [1, -1], 0.6], // m = 0: p' = −2s p²
  ])('x=%j y=%j w0=%s: starts at w0 and solves w′ = −(s w² − m)w', (xs, ys, w) => {
    expect(balancedScalarFlow(xs, ys, w, 0)).toBeCloseTo(w, 15);
    const s = xs.reduce((a, v) => a + v * v, 0) / xs.length;
    const m = xs.reduce((a, v, i) => a + v * ys[i], 0) / xs.length;
    for (const t of [0.3, 2, 25]) {
      const h = 1e-4;
      const d = (balancedScalarFlow(xs, ys, w, t + h) - balancedScalarFlow(xs, ys, w, t - h)) / (2 * h);
      const wt = balancedScalarFlow(xs, ys, w, t);
      expect(Math.abs(d + (s * wt * wt - m) * wt)).toBeLessThan(1e-7);
    }
  });

  test('limits: w² → m/s when m > 0 (sign of w0 kept); w → 0 when m < 0, without overflow', () => {
    expect(balancedScalarFlow([1, 0.5], [1, 0.2], -0.3, 1e3)).toBeCloseTo(-Math.sqrt(1.1 / 1.25), 14);
    expect(balancedScalarFlow([1], [-1], 0.5, 1e4)).toBe(0);
  });
});
