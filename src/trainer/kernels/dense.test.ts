import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { dot, gemmNN, gemmNT, gemmTN, stepAndSumOfSquares, sumOfSquares } from './dense.js';

/** Entries are small integers: every product and partial sum is an exact double, so any summation order gives the same bits and a blocked kernel must equal the naive loop exactly (an index slip cannot hide in rounding). */
const ints = (len: number) => fc.array(fc.integer({ min: -8, max: 8 }), { minLength: len, maxLength: len }).map((a) => Float64Array.from(a));
/** shapes from 1 to 11 cover every tail of the 2×2, 4-row and 4-way unrolled blocks */
const shape = fc.record({ m: fc.integer({ min: 1, max: 11 }), k: fc.integer({ min: 1, max: 11 }), n: fc.integer({ min: 1, max: 11 }) });

function naive(a: (i: number, p: number) => number, b: (p: number, j: number) => number, m: number, k: number, n: number): number[] {
  const c: number[] = [];
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += a(i, p) * b(p, j);
      c.push(s);
    }
  return c;
}

describe('dense products on integer entries equal the naive triple loop exactly', () => {
  test('gemmNN: C = A·B', () => {
    fc.assert(
      fc.property(
        shape.chain((s) => fc.record({ s: fc.constant(s), A: ints(s.m * s.k), B: ints(s.k * s.n) })),
        ({ s, A, B }) => {
          const C = new Float64Array(s.m * s.n).fill(NaN);
          gemmNN(A, B, C, s.m, s.k, s.n);
          expect(Array.from(C)).toEqual(
            naive(
              (i, p) => A[i * s.k + p],
              (p, j) => B[p * s.n + j],
              s.m,
              s.k,
              s.n,
            ),
          );
        },
      ),
      { numRuns: 300 },
    );
  });

  test('gemmNT: C = A·Bᵀ', () => {
    fc.assert(
      fc.property(
        shape.chain((s) => fc.record({ s: fc.constant(s), A: ints(s.m * s.k), B: ints(s.n * s.k) })),
        ({ s, A, B }) => {
          const C = new Float64Array(s.m * s.n).fill(NaN);
          gemmNT(A, B, C, s.m, s.k, s.n);
          expect(Array.from(C)).toEqual(
            naive(
              (i, p) => A[i * s.k + p],
              (p, j) => B[j * s.k + p],
              s.m,
              s.k,
              s.n,
            ),
          );
        },
      ),
      { numRuns: 300 },
    );
  });

  test('gemmTN: C = Aᵀ·B', () => {
    fc.assert(
      fc.property(
        shape.chain((s) => fc.record({ s: fc.constant(s), A: ints(s.k * s.m), B: ints(s.k * s.n) })),
        ({ s, A, B }) => {
          const C = new Float64Array(s.m * s.n).fill(NaN);
          gemmTN(A, B, C, s.m, s.k, s.n);
          expect(Array.from(C)).toEqual(
            naive(
              (i, p) => A[p * s.m + i],
              (p, j) => B[p * s.n + j],
              s.m,
              s.k,
              s.n,
            ),
          );
        },
      ),
      { numRuns: 300 },
    );
  });

  test('dot at offsets', () => {
    const x = Float64Array.from([9, 1, 2, 3, 4, 5]);
    const y = Float64Array.from([1, 1, 1, 1, 1, 2, 9]);
    expect(dot(x, 1, y, 1, 5)).toBe(1 + 2 + 3 + 4 + 10);
    expect(dot(x, 0, y, 0, 0)).toBe(0);
  });
});

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
