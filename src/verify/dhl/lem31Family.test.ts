import { describe, expect, test } from 'vitest';
import { svd } from '../../linalg/singularValues.js';
import { LEM31_PARAMETERS, lem31Active, lem31Case } from './lem31Family.js';

/** m, n, r, sigma, c64, delta, targetSeed, then the entries */
const point = (head: number[], entries: number[] = []) => [...head, ...entries, ...Array(LEM31_PARAMETERS.length - head.length - entries.length).fill(0)];

const rank = (M: number[][]) => svd(Float64Array.from(M.flat()), M.length, M[0].length).sigmas.filter((s) => s > 1e-9).length;

describe('lem31Family', () => {
  test('a point names a deterministic case: M* of its shape and rank, V^T and U from the grid, c and δ', () => {
    const p = point([3, 2, 2, 1, 48, 0, 11], [1, -2, 3, 4, 5, 6, -7, 8, 9, -10]);
    const c = lem31Case(p);
    expect(lem31Case(p)).toEqual(c);
    expect([c.target.length, c.target[0].length]).toEqual([3, 2]);
    expect(rank(c.target)).toBe(2);
    expect(c.target.flat().every((v) => Number.isInteger(v))).toBe(true);
    // σ = 0.01: entries 0.01·k/4; W_1 = Vᵀ (2 × 2), then W_2 = U (3 × 2)
    expect(c.weights[0]).toEqual([
      [0.0025, -0.005],
      [0.0075, 0.01],
    ]);
    expect(c.weights[1].map((row) => row.map((v) => Math.round(v * 400)))).toEqual([
      [5, 6],
      [-7, 8],
      [9, -10],
    ]);
    expect(c).toMatchObject({ c: 0.75, delta: 1 / 8 });
  });

  test('a rank above min(m, n) is clamped', () => {
    const c = lem31Case(point([1, 3, 2, 0, 32, 1, 4], [1, 1, 1, 1]));
    expect(rank(c.target)).toBe(1);
    expect(c.weights.map((W) => [W.length, W[0].length])).toEqual([
      [1, 3],
      [1, 1],
    ]);
  });

  test('active(): the r(m + n) entries in use, the rank only when there is a choice', () => {
    const a = lem31Active(point([4, 4, 2, 0, 32, 0, 0]));
    expect(a.slice(0, 7).every(Boolean)).toBe(true);
    expect(a.slice(7).every(Boolean)).toBe(true);
    const b = lem31Active(point([1, 3, 2, 0, 32, 0, 0]));
    expect(b[2]).toBe(false);
    expect(b.slice(7).filter(Boolean)).toHaveLength(4);
  });

  test('bad input names the field', () => {
    expect(() => lem31Case([1, 1])).toThrow(`lem31Case: point has 2 values; the family has ${LEM31_PARAMETERS.length}`);
    expect(() => lem31Case(point([1, 1, 1, 0, 31, 0, 0]))).toThrow('lem31Case: c64=31 must be an integer in [32, 64]');
  });
});
