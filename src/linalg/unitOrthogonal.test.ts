import { describe, expect, test } from 'vitest';
import { maxAbs } from './maxAbs.js';
import { unitOrthogonal } from './unitOrthogonal.js';

describe('unitOrthogonal', () => {
  test('normalised projection of r onto u^⊥', () => {
    const u = new Float64Array([1, 0]);
    expect(Array.from(unitOrthogonal([3, -4], u))).toEqual([0, -1]);
    const w = new Float64Array([Math.SQRT1_2, Math.SQRT1_2]);
    const xi = unitOrthogonal([1, 0], w);
    expect(Math.abs(xi[0] * w[0] + xi[1] * w[1])).toBeLessThan(1e-15);
    expect(Math.hypot(xi[0], xi[1])).toBeCloseTo(1, 15);
  });

  test('r in span(u) (or r = 0) falls back to a basis vector; d = 1 has no orthogonal direction', () => {
    expect(Array.from(unitOrthogonal([2, 0], new Float64Array([1, 0])))).toEqual([0, 1]);
    expect(Array.from(unitOrthogonal([0, 0], new Float64Array([1, 0])))).toEqual([0, 1]);
    expect(() => unitOrthogonal([1], new Float64Array([1]))).toThrow('unitOrthogonal: ū^⊥ is {0} (d = 1)');
  });
});

describe('maxAbs', () => {
  test('largest absolute entry over all matrices, 0 for none', () => {
    expect(maxAbs([new Float64Array([1, -3]), new Float64Array([2])])).toBe(3);
    expect(maxAbs([])).toBe(0);
  });
});
