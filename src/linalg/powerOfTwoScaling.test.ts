import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { scaleToUnitRange, timesPowerOfTwo, unitRangeExponent } from './powerOfTwoScaling.js';

describe('timesPowerOfTwo', () => {
  test('exact at the ends of the exponent range, where 2^k alone would overflow or underflow', () => {
    expect(timesPowerOfTwo(3, 0)).toBe(3);
    expect(timesPowerOfTwo(1, 1023)).toBe(2 ** 1023);
    expect(timesPowerOfTwo(2 ** -1074, 1074)).toBe(1); // 2^1074 itself is +∞
    expect(timesPowerOfTwo(2 ** -1074, 2046)).toBe(2 ** 972);
    expect(timesPowerOfTwo(2 ** 1023, -2046)).toBe(2 ** -1023);
    expect(timesPowerOfTwo(-1.25, -1074)).toBe(-(2 ** -1074)); // subnormal result: rounded
  });

  test('property: x·2^k·2^{−k} = x for every normal x whose x·2^k stays normal', () => {
    fc.assert(
      fc.property(fc.double({ min: 2 ** -400, max: 2 ** 400, noNaN: true }), fc.integer({ min: -600, max: 600 }), fc.boolean(), (x, k, negative) => {
        const v = negative ? -x : x;
        expect(timesPowerOfTwo(timesPowerOfTwo(v, k), -k)).toBe(v);
      }),
      { seed: 26112026 },
    );
  });
});

describe('unitRangeExponent and scaleToUnitRange', () => {
  test.each([
    [[0.75, -3], 1],
    [[1], 0],
    [[0.5], -1],
    [[Number.MAX_VALUE], 1023],
    [[2 ** -1074, 0], -1074],
    [[0, 0], 0],
    [[], 0],
  ])('%j: e = %i', (a, e) => {
    expect(unitRangeExponent(a)).toBe(e);
  });

  test('property: the largest |entry| lands in [1, 2), and scaling back gives the data bit for bit', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -1e200, max: 1e200, noNaN: true }), { minLength: 1, maxLength: 8 }),
        fc.integer({ min: -300, max: 300 }),
        (raw, k) => {
          // shift the magnitudes by 2^k; entries below 2^-1000 of the largest would become subnormal when scaled to
          // unit range (then rounded), so they are set to 0
          const shifted = raw.map((v) => v * 2 ** k);
          const top0 = Math.max(...shifted.map(Math.abs));
          const a = shifted.map((v) => (Math.abs(v) < top0 * 2 ** -1000 ? 0 : v));
          const { scaled, exponent } = scaleToUnitRange(a);
          const top = Math.max(...scaled.map(Math.abs));
          if (top === 0) expect(exponent).toBe(0);
          else {
            expect(top).toBeGreaterThanOrEqual(1);
            expect(top).toBeLessThan(2);
          }
          a.forEach((v, i) => expect(timesPowerOfTwo(scaled[i], exponent)).toBe(v));
        },
      ),
      { seed: 26112026 },
    );
  });
});
