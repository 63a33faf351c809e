import { describe, expect, test } from 'vitest';
import { symmetricEigenvalues } from './symmetricEigenvalues.js';

const sorted = (v: number[]) => [...v].sort((a, b) => a - b);

describe('symmetricEigenvalues', () => {
  test('1×1 and the 2×2 closed form', () => {
    expect(symmetricEigenvalues([[-3]])).toEqual([-3]);
    expect(
      symmetricEigenvalues([
        [2, 1],
        [1, 2],
      ]),
    ).toEqual([1, 3]);
    expect(
      symmetricEigenvalues([
        [0, 0],
        [0, 5],
      ]),
    ).toEqual([0, 5]);
  });

  test('3×3 through ml-matrix: a diagonal and a known spectrum', () => {
    expect(
      sorted(
        symmetricEigenvalues([
          [3, 0, 0],
          [0, -1, 0],
          [0, 0, 2],
        ]),
      ),
    ).toEqual([-1, 2, 3]);
    // [[2,1,0],[1,2,1],[0,1,2]] has eigenvalues 2 − √2, 2, 2 + √2
    const mu = sorted(
      symmetricEigenvalues([
        [2, 1, 0],
        [1, 2, 1],
        [0, 1, 2],
      ]),
    );
    [2 - Math.SQRT2, 2, 2 + Math.SQRT2].forEach((v, i) => expect(mu[i]).toBeCloseTo(v, 12));
  });

  test('an asymmetric input is symmetrised first ((H + Hᵀ)/2)', () => {
    expect(
      symmetricEigenvalues([
        [1, 2],
        [0, 1],
      ]),
    ).toEqual([0, 2]);
    const mu = sorted(
      symmetricEigenvalues([
        [1, 2, 0],
        [0, 1, 0],
        [0, 0, 5],
      ]),
    );
    [0, 2, 5].forEach((v, i) => expect(mu[i]).toBeCloseTo(v, 12));
  });
});
