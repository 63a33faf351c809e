import { describe, expect, test } from 'vitest';
import { kernelDisagreement } from './kernelAgreement.js';

describe('kernelDisagreement', () => {
  test('largest difference over the largest reference entry', () => {
    expect(kernelDisagreement(Float64Array.of(1, 2.5, -4), Float64Array.of(1, 2, -4))).toBe(0.5 / 4);
    expect(kernelDisagreement(Float64Array.of(3), Float64Array.of(3))).toBe(0);
  });

  test('all-zero reference: 0 when equal, ∞ otherwise; NaN anywhere is never within a bound', () => {
    expect(kernelDisagreement(Float64Array.of(0, 0), Float64Array.of(0, -0))).toBe(0);
    expect(kernelDisagreement(Float64Array.of(0, 1e-300), Float64Array.of(0, 0))).toBe(Infinity);
    expect(kernelDisagreement(Float64Array.of(NaN), Float64Array.of(1)) <= 1e-12).toBe(false);
  });

  test('arrays of different lengths are an error naming both', () => {
    expect(() => kernelDisagreement(new Float64Array(2), new Float64Array(3))).toThrow(/lengths 2 and 3/);
  });
});
