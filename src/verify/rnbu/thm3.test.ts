import { describe, expect, test } from 'vitest';
import {
  alignmentCommutator,
  BREAK_FACTOR,
  constraintBasis,
  familySamples,
  predictsInvariance,
  rationalEigenvectors,
  symmetricMember,
  thm3Step,
} from './thm3.js';

describe('RNBU.Thm3 helpers', () => {
  test('rationalEigenvectors: the {−1,0,1} common eigenvectors of the symmetric tridiagonal Toeplitz members', () => {
    expect(rationalEigenvectors(constraintBasis('convolution', 2))).toEqual([
      [1, -1],
      [1, 1],
    ]);
    expect(rationalEigenvectors(constraintBasis('convolution', 3))).toEqual([[1, 0, -1]]);
    // k = 4: the eigenvalues ±(1 ± √5)/2 have irrational eigenvectors
    expect(rationalEigenvectors(constraintBasis('convolution', 4))).toEqual([]);
    expect(rationalEigenvectors(constraintBasis('convolution', 5))).toHaveLength(3);
  });

  test('predictsInvariance: circulant by (A) for any data; convolution by (B) only for moments in its algebra', () => {
    const x = [[1, 2, -1]];
    const y = [[0, 3, 1]];
    expect(predictsInvariance(constraintBasis('circulant', 3), x, y).invariant).toBe(true);
    expect(predictsInvariance(constraintBasis('convolution', 3), x, y).invariant).toBe(false);
    expect(predictsInvariance(constraintBasis('convolution', 3), [[1, 0, -1]], [[2, 0, -2]]).invariant).toBe(true);
    // Σ_yx not symmetric: y ∦ x
    expect(predictsInvariance(constraintBasis('convolution', 3), [[1, 0, -1]], [[1, 0, 0]]).invariant).toBe(false);
  });

  test('alignmentCommutator: zero for symmetric members, far from zero for a non-normal pair', () => {
    const A = symmetricMember('convolution', 3, [3, -2]);
    const B = symmetricMember('convolution', 3, [1, 2]);
    expect(alignmentCommutator(A, B, 3)).toBe(0);
    const N = Float64Array.from([1, 1, 0, 0, 1, 1, 0, 0, 1]);
    expect(alignmentCommutator(N, B, 3)).toBeGreaterThan(0.1);
  });

  test('thm3Step: a predicted-invariant step stays within its rounding bound, a predicted break is far above it', () => {
    const drawn = [{ x: [1, 3, -2], y: [2, -1, 4] }];
    const eig = rationalEigenvectors(constraintBasis('convolution', 3));
    const kept = thm3Step('convolution', 3, familySamples('eigen-prefix', eig, 1, drawn), [
      [3, 1],
      [2, -1],
    ]);
    expect(kept.predicted.invariant).toBe(true);
    expect(kept.residual).toBeLessThanOrEqual(kept.bound);
    const broken = thm3Step('convolution', 3, familySamples('eigen-prefix', eig, 2, drawn), [
      [3, 1],
      [2, -1],
    ]);
    expect(broken.predicted.invariant).toBe(false);
    expect(broken.residual).toBeGreaterThan(BREAK_FACTOR * broken.bound);
    // circulant: aligned whatever the data
    const circ = thm3Step(
      'circulant',
      4,
      [{ x: [1, 3, -2, 0], y: [2, -1, 4, 1] }],
      [
        [3, 1, -2],
        [2, -1, 1],
      ],
    );
    expect(circ.predicted.invariant).toBe(true);
    expect(circ.residual).toBeLessThanOrEqual(circ.bound);
    expect(() => familySamples('generic', [], 2, drawn)).toThrow(/needs 2 samples but has 1/);
  });
});
