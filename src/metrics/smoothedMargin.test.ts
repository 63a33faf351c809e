import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { logSumLoss, parameterNormSquared, smoothedMargin } from './smoothedMargin.js';

const margins = fc.array(
  fc.integer({ min: -80, max: 800 }).map((k) => k / 8),
  { minLength: 1, maxLength: 8 },
);
const normSq = fc.integer({ min: 1, max: 64 }).map((k) => k / 4);
const degree = fc.integer({ min: 1, max: 4 });

describe('smoothedMargin', () => {
  test('one sample: γ̃ = m/‖θ‖^L exactly', () => {
    expect(smoothedMargin([3], 1, 4, 2)).toBe(3 / 4);
    expect(smoothedMargin([3], 1, 4, 3)).toBe(3 / 8);
  });

  test('lies between (min m − ln n)/‖θ‖^L and min m/‖θ‖^L (since e^{−min m} ≤ ℒ ≤ n e^{−min m})', () => {
    fc.assert(
      fc.property(margins, normSq, degree, (m, sq, L) => {
        const g = smoothedMargin(m, m.length, sq, L);
        const scale = Math.pow(sq, L / 2);
        const min = Math.min(...m);
        // the two bounds are attained exactly only for n = 1; allow the rounding of a log-sum-exp (≤ (n + 3)u·|value|)
        const slack = (m.length + 3) * Number.EPSILON * (Math.abs(min) + Math.log(m.length) + 1);
        expect(g * scale).toBeLessThanOrEqual(min + slack);
        expect(g * scale).toBeGreaterThanOrEqual(min - Math.log(m.length) - slack);
      }),
    );
  });

  test('stays finite when every e^{−m_i} underflows', () => {
    expect(Math.exp(-1000)).toBe(0);
    expect(smoothedMargin([1000, 1000], 2, 1, 2)).toBeCloseTo(1000 - Math.LN2, 10);
  });

  test('ℒ < 1 exactly when logSumLoss < 0', () => {
    expect(logSumLoss([1, 1], 2)).toBeCloseTo(-1 + Math.LN2, 15);
    expect(logSumLoss([0.5, 0.5], 2)).toBeGreaterThan(0);
  });

  test('θ = 0 gives NaN; bad arguments throw', () => {
    expect(smoothedMargin([1], 1, 0, 2)).toBeNaN();
    expect(() => smoothedMargin([1], 1, 1, 0)).toThrow(RangeError);
    expect(() => smoothedMargin([1], 2, 1, 1)).toThrow(RangeError);
    for (const L of [0, -1, 1.5]) expect(() => smoothedMargin([1], 1, 1, L)).toThrow(`smoothedMargin: degree=${L} must be a positive integer (the depth L)`);
  });

  test('logSumLoss rejects n outside [1, margins.length] with a message naming n', () => {
    for (const n of [2, 0, -1, 1.5, NaN]) expect(() => logSumLoss([1], n)).toThrow(`logSumLoss: n=${n} must be an integer in [1, margins.length=1]`);
    expect(logSumLoss([1, -1000], 1)).toBe(-1);
  });

  test('parameterNormSquared sums every layer', () => {
    expect(parameterNormSquared([Float64Array.from([1, 2]), Float64Array.from([3])])).toBe(14);
  });
});
