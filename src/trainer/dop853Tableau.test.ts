import { describe, expect, test } from 'vitest';
import { A, B, BHH, C, ER } from './dop853Tableau.js';

const sum = (xs: readonly number[]) => xs.reduce((s, v) => s + v, 0);
// the coefficients are 30-digit decimals rounded to float64 and summed in float64: a few units of 1e-16 per term
const EPS = 1e-14;

describe('DOP853 tableau', () => {
  test('12 stages, A strictly lower triangular, c_1 = 0 and c_12 = 1', () => {
    expect(C).toHaveLength(12);
    expect(A).toHaveLength(12);
    expect(B).toHaveLength(12);
    A.forEach((row, s) => row.forEach(([j]) => expect(j).toBeLessThan(s)));
    expect(C[0]).toBe(0);
    expect(C[11]).toBe(1);
  });

  test('row sums of A equal c (each stage is consistent)', () => {
    A.forEach((row, s) => expect(Math.abs(sum(row.map(([, a]) => a)) - C[s]), `stage ${s + 1}`).toBeLessThan(EPS));
  });

  test('Σb = 1, Σbhh = 1 (the 3rd-order weights), Σer = 0 (a difference of two consistent weight vectors)', () => {
    expect(Math.abs(sum(B) - 1)).toBeLessThan(EPS);
    expect(Math.abs(sum(BHH.map(([, b]) => b)) - 1)).toBeLessThan(EPS);
    expect(Math.abs(sum(ER.map(([, e]) => e)))).toBeLessThan(EPS);
  });

  test('the bushy-tree order conditions Σ b_i c_i^{q−1} = 1/q hold for q = 1 … 8 and fail at q = 9', () => {
    const moment = (q: number) => sum(B.map((b, i) => b * C[i] ** (q - 1)));
    for (let q = 1; q <= 8; q++) expect(Math.abs(moment(q) - 1 / q), `q=${q}`).toBeLessThan(10 * EPS);
    // order exactly 8: the 9th condition is off by far more than rounding
    expect(Math.abs(moment(9) - 1 / 9)).toBeGreaterThan(1e-6);
  });

  test('the tall-tree conditions Σ b_i a_ij c_j^{q−1} = 1/(q(q+1)) hold for q = 1 … 7', () => {
    for (let q = 1; q <= 7; q++) {
      let s = 0;
      A.forEach((row, i) => row.forEach(([j, a]) => (s += B[i] * a * C[j] ** (q - 1))));
      expect(Math.abs(s - 1 / (q * (q + 1))), `q=${q}`).toBeLessThan(10 * EPS);
    }
  });

  test('the 5th-order embedded weights b − er satisfy Σ b̂ c^{q−1} = 1/q for q ≤ 5', () => {
    const bhat = B.slice();
    for (const [j, e] of ER) bhat[j] -= e;
    for (let q = 1; q <= 5; q++) expect(Math.abs(sum(bhat.map((b, i) => b * C[i] ** (q - 1))) - 1 / q), `q=${q}`).toBeLessThan(10 * EPS);
  });
});
