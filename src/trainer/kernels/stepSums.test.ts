import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { stepAndSumOfSquares, sumOfSquares } from './stepSums.js';

/** Entries are small integers: every product and partial sum is an exact double, so any summation order gives the same bits and the interleaved sums must equal the plain loop exactly (an index slip cannot hide in rounding). */
const ints = (len: number) => fc.array(fc.integer({ min: -8, max: 8 }), { minLength: len, maxLength: len }).map((a) => Float64Array.from(a));

describe('the descent step helpers on integer entries (exact)', () => {
  test('sumOfSquares and stepAndSumOfSquares equal the plain loops, every tail length', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 11 }).chain((len) => fc.tuple(ints(len), ints(len), fc.constantFrom(0.5, 1, 2))),
        ([W, G, eta]) => {
          let s = 0;
          for (const v of G) s += v * v;
          expect(sumOfSquares(G)).toBe(s);
          const want = Array.from(W, (w, i) => w - eta * G[i]);
          const got = Float64Array.from(W);
          expect(stepAndSumOfSquares(got, G, eta)).toBe(want.reduce((a, v) => a + v * v, 0));
          expect(Array.from(got)).toEqual(want);
        },
      ),
      { numRuns: 200 },
    );
  });

  test('a non-finite entry makes the sum non-finite (the trainer reads that as divergence)', () => {
    expect(sumOfSquares(Float64Array.from([1, 2, NaN, 3, 4]))).toBeNaN();
    expect(stepAndSumOfSquares(Float64Array.from([1, 2, 3, 4, 5]), Float64Array.from([0, 0, 0, 0, -Infinity]), 1)).toBe(Infinity);
  });
});
