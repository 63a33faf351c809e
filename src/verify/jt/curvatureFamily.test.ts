import { describe, expect, test } from 'vitest';
import { CURVATURE_RADII, curvatureCase, curvatureParameters, curvatureRatio } from './curvatureFamily.js';

const frob = (M: number[][]) => Math.sqrt(M.flat().reduce((s, v) => s + v * v, 0));

/** a point of the depth-≤2 family: head (L, width, d, radius, psi, rho) then (scale, sign, turn, rank) per layer */
const point = (head: number[], l1: number[], l2: number[]) => [...head, ...l1, ...l2];

describe('curvatureFamily', () => {
  test('parameters: six for the case, four per layer', () => {
    const p = curvatureParameters(3);
    expect(p).toHaveLength(6 + 4 * 3);
    expect(p.map((q) => q.name).slice(0, 10)).toEqual(['L', 'width', 'd', 'radius', 'psi', 'rho', 'scale1', 'sign1', 'turn1', 'rank1']);
    expect(() => curvatureParameters(0)).toThrow('curvatureParameters: maxDepth=0 must be an integer ≥ 1');
  });

  test('layers have ‖W_k‖_F = (scale/8)·R, shapes d → width → 1, and the sample has norm ρ/2', () => {
    const c = curvatureCase(point([2, 3, 2, 2, 3, 1], [4, 1, 3, 5], [8, 0, 2, 7]), 2);
    expect(c.radius).toBe(CURVATURE_RADII[2]);
    expect(c.weights.map((W) => [W.length, W[0].length])).toEqual([
      [3, 2],
      [1, 3],
    ]);
    expect(frob(c.weights[0])).toBeCloseTo(0.5 * 2, 14);
    expect(frob(c.weights[1])).toBeCloseTo(2, 14);
    expect(Math.hypot(...c.z[0])).toBeCloseTo(0.5, 15);
    // rank two when both terms exist: two non-zero singular values cos t, sin t (t = π/4·5/8)
    const W = c.weights[0];
    expect(W[0][1] !== 0 || W[1][1] !== 0).toBe(true);
  });

  test('the L = 2 worst case found (W_1 = 1, W_2 = −1, z = 1, R = 1) has ratio (2ℓ″(−1) − ℓ′(−1))/10 = 0.1124', () => {
    const c = curvatureCase(point([2, 1, 1, 0, 0, 2], [8, 0, 0, 0], [8, 1, 0, 0]), 2);
    expect(c.weights).toEqual([[[1]], [[-1]]]);
    expect(c.z).toEqual([[1]]);
    const r = curvatureRatio(c);
    expect(r.beta).toBe(10);
    expect(r.ratio).toBeCloseTo(0.112428, 6);
    expect(r.rounding).toBeLessThan(1e-14);
  });

  test('a point of the wrong length is refused', () => {
    expect(() => curvatureCase([1, 1, 1], 2)).toThrow('curvatureCase: point has 3 values; depth ≤ 2 needs 14');
  });
});
