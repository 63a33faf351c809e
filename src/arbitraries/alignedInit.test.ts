import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { equals, format, matmul, transpose } from '../exact/fractionMatrix.js';
import { basisFractions } from '../exact/rationalBasis.js';
import { alignedInit, alignedInitFractions, alignedInitWeights, sigmaFractions, type AlignedInit, type AlignedInitConstraints } from './alignedInit.js';
import { shrinkWalk } from './_internals/shrinkWalk.js';

/** The promise of alignedInit: exact U_kᵀ W_k U_{k−1} = Σ_k, and the constraints' extras. Returns a message or undefined. */
function initProblem(init: AlignedInit, c: AlignedInitConstraints): string | undefined {
  const L = init.dims.length - 1;
  if (init.bases.length !== L + 1 || init.sigmas.length !== L) return 'wrong number of bases or sigmas';
  if (init.bases.some((b, k) => b.size !== init.dims[k])) return 'basis size ≠ layer size';
  if (c.sameEnds && JSON.stringify(init.bases[0]) !== JSON.stringify(init.bases[L])) return 'sameEnds: U_L ≠ U_0';
  const U = init.bases.map((b) => basisFractions(b));
  const W = alignedInitFractions(init);
  for (let k = 0; k < L; k++) {
    const M = matmul(matmul(transpose(U[k + 1]), W[k]), U[k]);
    if (!equals(M, sigmaFractions(init, k))) return `U_${k + 1}ᵀW_${k + 1}U_${k} = ${format(M)} is not Σ_${k + 1}`;
    const s = init.sigmas[k];
    if (c.positive && s.some((v) => v <= 0)) return 'positive: a σ ≤ 0';
    if (c.descending && s.some((v, j) => j > 0 && Math.abs(v) > Math.abs(s[j - 1]))) return 'descending: |σ| increases';
    if (c.balanced && s.some((v, j) => v !== init.sigmas[0][j] && j < init.sigmas[0].length)) return 'balanced: σ differs across layers';
  }
  return undefined;
}

const initVariants: AlignedInitConstraints[] = [
  {},
  { sameEnds: true },
  { positive: true, descending: true },
  { balanced: true, maxDepth: 4 },
  { dims: [3, 2, 3], householderRange: 0 },
];

describe('alignedInit (RNBU.Def2 aligned initializations)', () => {
  test.each(initVariants.map((c) => [JSON.stringify(c), c] as const))(
    'contract %s: same seed ⇒ same value; every value and every shrink keeps the promise',
    (_, c) => {
      const arb = alignedInit(c);
      expect(fc.sample(arb, { seed: 5, numRuns: 10 })).toEqual(fc.sample(arb, { seed: 5, numRuns: 10 }));
      for (const v of fc.sample(arb, { seed: 9, numRuns: 40 })) expect(initProblem(v, c), JSON.stringify(v)).toBeUndefined();
      for (const seed of [1, 2, 3]) for (const v of shrinkWalk(arb, seed)) expect(initProblem(v, c), JSON.stringify(v)).toBeUndefined();
    },
  );

  test('an always-failing property shrinks to the identity basis, one 1×1 layer and σ = 0', () => {
    const r = fc.check(
      fc.property(alignedInit(), () => false),
      { seed: 1 },
    );
    expect(r.counterexample?.[0]).toEqual({
      dims: [1, 1],
      bases: [
        { size: 1, perm: [0], signs: [1], householder: null },
        { size: 1, perm: [0], signs: [1], householder: null },
      ],
      sigmas: [[0]],
      denominator: 8,
    });
  });

  test('floating-point weights are the exact product rounded once', () => {
    fc.assert(
      fc.property(alignedInit(), (init) => {
        const exact = alignedInitFractions(init);
        alignedInitWeights(init).forEach((W, k) => W.forEach((v, i) => expect(v).toBe(exact[k][Math.floor(i / init.dims[k])][i % init.dims[k]].valueOf())));
      }),
      { numRuns: 50 },
    );
  });

  test('errors teach', () => {
    expect(() => alignedInit({ dims: [2, 3], sameEnds: true })).toThrow(/sameEnds needs d_0 = d_L/);
    expect(() => alignedInit({ minWidth: 3, maxWidth: 2 })).toThrow(/maxWidth=2 must be ≥ minWidth=3/);
  });
});
