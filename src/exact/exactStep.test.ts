import fc from 'fast-check';
import { fraction } from 'mathjs';
import { describe, expect, test } from 'vitest';
import { datasetFromArrays } from '../data/dataset.js';
import { squared } from '../losses/loss.js';
import { networkFromArrays } from '../network/network.js';
import { createWorkspace, riskAndGradient, zerosLike } from '../trainer/gradient.js';
import { exactGradientStep } from './exactStep.js';
import { format, fractionOf, identity, matmul, toFloat, transpose, type FractionMatrix } from './fractionMatrix.js';
import { basisFractions, isDyadicBasis, standardBasis } from './rationalBasis.js';
import { sensingCarrier, sensingGradient } from '../trainer/sensingGradient.js';

const small = fc.integer({ min: -4, max: 4 });
const fmat = (r: number, c: number) => fc.array(fc.array(small, { minLength: c, maxLength: c }), { minLength: r, maxLength: r });
const toFrac = (m: number[][], den = 4): FractionMatrix => m.map((row) => row.map((v) => fractionOf(v, den)));
const rows = (A: Float64Array, r: number, c: number) => Array.from({ length: r }, (_, i) => Array.from(A.subarray(i * c, (i + 1) * c)));

describe('rational bases', () => {
  test('H(v)Π is exactly orthogonal; (1,1,1,1) gives a dyadic basis, (1,2,2) does not', () => {
    const U = basisFractions({ size: 3, perm: [2, 0, 1], signs: [1, -1, 1], householder: [1, 2, 2] });
    expect(format(matmul(transpose(U), U))).toBe(format(identity(3)));
    // columns: H e_2, −H e_0, H e_1 with H = I − (2/9)vvᵀ
    expect(format(U)).toBe('[[-4/9, -7/9, -4/9], [-8/9, 4/9, 1/9], [1/9, 4/9, -8/9]]');
    expect(isDyadicBasis({ size: 4, perm: [0, 1, 2, 3], signs: [1, 1, 1, 1], householder: [1, 1, 1, 1] })).toBe(true);
    expect(isDyadicBasis({ size: 3, perm: [0, 1, 2], signs: [1, 1, 1], householder: [1, 2, 2] })).toBe(false);
    expect(isDyadicBasis(standardBasis(3))).toBe(true);
  });

  test('errors teach', () => {
    expect(() => basisFractions({ size: 2, perm: [0, 0], signs: [1, 1], householder: null })).toThrow(/perm=\[0,0\] must be a permutation of 0..1/);
    expect(() => basisFractions({ size: 2, perm: [0, 1], signs: [1, 1], householder: [0, 0] })).toThrow(/zero vector; use null/);
  });
});

describe('exactGradientStep', () => {
  test('regression: equals the float kernel to rounding on dyadic cases (differential test)', () => {
    fc.assert(
      fc.property(fmat(2, 3), fmat(3, 2), fmat(3, 2), fmat(3, 2), (w1, w2, x, y) => {
        const W = [toFrac(w1), toFrac(w2)];
        const X = toFrac(x); // d_0 = 3, n = 2 (columns are samples)
        const Y = toFrac(y);
        const exact = exactGradientStep(W, { kind: 'regression', X, Y }, fraction(1, 8));
        const net = networkFromArrays(
          W.map((M) => rows(toFloat(M), M.length, M[0].length)),
          { kind: 'linear' },
        );
        const data = datasetFromArrays(
          transpose(X).map((r) => r.map((v) => v.valueOf())),
          transpose(Y).map((r) => r.map((v) => v.valueOf())),
          'regression',
        );
        const grads = zerosLike(net);
        const risk = riskAndGradient(createWorkspace(net.dims, data.n), net, data, squared, grads);
        // dyadic inputs with ≤ 4 bits: every float product and sum here is exact, so the match is exact
        expect(risk).toBe(exact.risk.valueOf());
        grads.forEach((G, k) => expect(Array.from(G)).toEqual(Array.from(toFloat(exact.grads[k]))));
      }),
      { numRuns: 100 },
    );
  });

  test('sensing: the float sensing gradient matches the exact one', () => {
    fc.assert(
      // n ∈ {1, 2, 4}: division by n is exact, so with ≤ 4-bit dyadics every float operation is exact
      fc.property(
        fmat(2, 2),
        fmat(2, 2),
        fc.constantFrom(1, 2, 4).chain((n) => fc.array(fmat(2, 2), { minLength: n, maxLength: n })),
        (w1, w2, As) => {
          const W = [toFrac(w1), toFrac(w2)];
          const A = As.map((a) => toFrac(a));
          const targets = As.map((_, j) => fractionOf(j - 1, 2));
          const exact = exactGradientStep(W, { kind: 'sensing', measurements: A, targets }, fraction(1, 8));
          const g = sensingGradient({ dims: [2, 2, 2], measurements: A.map(toFloat), targets: Float64Array.from(targets.map((t) => t.valueOf())) });
          const net = networkFromArrays(
            W.map((M) => rows(toFloat(M), 2, 2)),
            { kind: 'linear' },
          );
          const grads = zerosLike(net);
          const r = g(createWorkspace(net.dims, 1), net, sensingCarrier(net.dims), squared, grads);
          expect(r).toBe(exact.risk.valueOf());
          grads.forEach((G, k) => expect(Array.from(G)).toEqual(Array.from(toFloat(exact.grads[k]))));
          expect(Array.from(g.E)).toEqual(Array.from(toFloat(exact.E)));
        },
      ),
      { numRuns: 100 },
    );
  });

  test('shape errors name the rule', () => {
    const W = [toFrac([[1, 2]])];
    expect(() => exactGradientStep(W, { kind: 'regression', X: toFrac([[1]]), Y: toFrac([[1]]) }, fraction(1))).toThrow(/must be 2×n and 1×n/);
  });
});
