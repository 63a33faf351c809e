import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { format, matmul, transpose } from '../exact/fractionMatrix.js';
import { basisFractions } from '../exact/rationalBasis.js';
import { alignedInit, type AlignedInit } from './alignedInit.js';
import {
  alignmentData,
  alignmentMoments,
  alignmentProblemFloat,
  alignmentProblemFractions,
  type AlignmentData,
  type AlignmentDataKind,
} from './alignmentData.js';
import { shrinkWalk } from './_internals/shrinkWalk.js';

/** The promise of alignmentData: Λ, Γ (or every U_LᵀA_jU_0) exactly diagonal for the invariant kinds; ‖x_i‖ ≤ 1. */
function dataProblem(d: AlignmentData, init: AlignedInit, descending: boolean): string | undefined {
  const L = init.dims.length - 1;
  const p = alignmentProblemFractions(d);
  if (p.kind === 'sensing') {
    const U0 = basisFractions(init.bases[0]);
    const UL = basisFractions(init.bases[L]);
    for (const A of p.measurements) {
      const M = matmul(matmul(transpose(UL), A), U0);
      if (M.some((row, i) => row.some((v, j) => i !== j && !v.equals(0)))) return `U_LᵀA_jU_0 = ${format(M)} is not diagonal`;
    }
    return undefined;
  }
  if (d.kind !== 'generic' && !alignmentMoments(d, init.bases[0], init.bases[L]).diagonal) return 'Λ or Γ not diagonal';
  const { data } = alignmentProblemFloat(d, init.dims);
  for (let i = 0; i < data.n; i++) {
    let s = 0;
    for (let j = 0; j < data.d; j++) s += data.x[i * data.d + j] ** 2;
    if (s > 1 + 1e-15) return `‖x_${i}‖² = ${s} > 1`;
  }
  const sorted = (v: readonly number[]) => v.every((x, j) => j === 0 || Math.abs(x) <= Math.abs(v[j - 1]));
  if (descending && d.kind === 'autoencoding' && !sorted(d.scales)) return 'descending: scales increase';
  if (descending && d.kind === 'factorization' && !sorted(d.target)) return 'descending: targets increase';
  return undefined;
}

const kinds: AlignmentDataKind[] = ['autoencoding', 'factorization', 'sensing', 'generic'];
const problemArb = (kind: AlignmentDataKind, descending: boolean) =>
  alignedInit({ sameEnds: kind === 'autoencoding', maxWidth: 3 }).chain((init) =>
    fc.record({ init: fc.constant(init), data: alignmentData({ kind, input: init.bases[0], output: init.bases[init.bases.length - 1], descending }) }),
  );

describe('alignmentData (RNBU.Thm1 data)', () => {
  test.each(
    kinds.flatMap(
      (k) =>
        [
          [k, false],
          [k, true],
        ] as const,
    ),
  )('contract %s (descending %s): same seed ⇒ same value; values and shrinks keep the promise', (kind, descending) => {
    const arb = problemArb(kind, descending);
    expect(fc.sample(arb, { seed: 5, numRuns: 10 })).toEqual(fc.sample(arb, { seed: 5, numRuns: 10 }));
    for (const v of fc.sample(arb, { seed: 9, numRuns: 30 })) expect(dataProblem(v.data, v.init, descending), JSON.stringify(v)).toBeUndefined();
    for (const seed of [1, 2]) for (const v of shrinkWalk(arb, seed)) expect(dataProblem(v.data, v.init, descending), JSON.stringify(v)).toBeUndefined();
  });

  test('generic data are not diagonal in general (the CEX generator reaches the break)', () => {
    const seen = fc
      .sample(problemArb('generic', false), { seed: 3, numRuns: 40 })
      .filter(({ init }) => init.dims[0] > 1)
      .some(({ data, init }) => !alignmentMoments(data, init.bases[0], init.bases[init.bases.length - 1]).diagonal);
    expect(seen).toBe(true);
  });

  test('errors teach', () => {
    const b = { size: 2, perm: [0, 1], signs: [1, 1] as (1 | -1)[], householder: null };
    const c = { ...b, signs: [1, -1] as (1 | -1)[] };
    expect(() => alignmentData({ kind: 'autoencoding', input: b, output: c })).toThrow(/output basis must equal input basis/);
    expect(() => alignmentData({ kind: 'generic', input: b, output: b, minSamples: 3, maxSamples: 2 })).toThrow(/1 ≤ minSamples ≤ maxSamples/);
  });
});
