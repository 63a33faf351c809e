/**
 * RNBU.Cor1: under invariant alignment matrix GD equals the scalar recursion on the singular values (floats with a
 * carried error bound, and exact rationals). *
 * Tolerances follow the LAPACK test-ratio habit: each check divides an observed discrepancy by a bound derived
 * beside it (rounding model fl(a∘b) = (a∘b)(1+δ), |δ| ≤ u = 2⁻⁵³, γ_m = mu/(1 − mu), Higham §2–3) and compares the
 * ratio with 1.
 */
import fc from 'fast-check';
import { fraction } from 'mathjs';
import { describe, test } from 'vitest';
import { alignedInit, alignedInitFractions } from '../../src/arbitraries/alignedInit.js';
import { alignmentData, alignmentMoments, alignmentProblemFractions, type AlignmentDataKind } from '../../src/arbitraries/alignmentData.js';
import { exactGradientStep } from '../../src/exact/exactStep.js';
import { matmul, transpose, type FractionMatrix } from '../../src/exact/fractionMatrix.js';
import { basisFractions } from '../../src/exact/rationalBasis.js';
import { brokenGradient } from '../../src/trainer/brokenGradient.js';
import type { GradientFn } from '../../src/trainer/gradient.js';
import { claimTitle } from '../../src/claims/registry.js';
import { assertClaim, findCounterexample } from '../../src/verify/claimProperty.js';
import { horizon, runs, testTimeout } from '../../src/verify/profile.js';
import { type InvarianceReport, type Thm1Case, exactClass, runInvariance, thm1Case, thm1Class } from '../../src/verify/rnbu/invariance.js';
import { ratio } from '../../src/verify/rnbu/rounding.js';
import { type ScalarComparison, compareWithScalar } from '../../src/verify/rnbu/scalarRecursion.js';

/** A test's timeout: its measured default-profile budget, scaled as testTimeout says. */
const timeout = (ms: number) => testTimeout(ms);

/** max over steps, layers and indices of |σ^matrix − σ^scalar| / (errMatrix + errScalar + readout). */
function scalarAgreementRatio(r: InvarianceReport, cmp: ScalarComparison): number {
  let worst = 0;
  r.sigmas.forEach((sig, t) =>
    sig.forEach((row, k) =>
      row.forEach((s, j) => {
        const q = ratio(Math.abs(s - cmp.scalar[t][k][j]), cmp.errMatrix[t] + cmp.errScalar[t] + r.readout[t][k]);
        worst = Math.max(worst, q);
      }),
    ),
  );
  return worst;
}

describe('RNBU.Cor1 matrix GD = scalar recursion on singular values', () => {
  const corCase = fc.constantFrom<AlignmentDataKind>('autoencoding', 'factorization').chain((kind) => thm1Case(kind, { stable: true }));
  const agreement = (c: Thm1Case, gradient?: GradientFn) => {
    const r = runInvariance(c, horizon(30), gradient);
    const { lambda, gamma: gam } = alignmentMoments(c.data, c.init.bases[0], c.init.bases[c.init.bases.length - 1]);
    return { r, ratio: scalarAgreementRatio(r, compareWithScalar(r, c.init, lambda, gam, c.eta)) };
  };

  test(
    claimTitle('RNBU.Cor1', 'σ_{k,j} ← σ_{k,j} − η(∏_{l≠k}σ_{l,j})(λ_j∏σ_{l,j} − γ_j) at every step (autoencoding, factorization; λ_j = Λ_jj/n, γ_j = Γ_jj/n)'),
    () => {
      let worst = 0;
      assertClaim(
        'RNBU.Cor1',
        fc.property(corCase, (c) => {
          const { r, ratio: q } = agreement(c);
          worst = Math.max(worst, q);
          return !r.diverged && q <= 1;
        }),
        { numRuns: runs(40), classify: ([c]) => thm1Class(c) },
      );
      console.log(`RNBU.Cor1: worst agreement ratio ${worst.toExponential(2)}`);
    },
    timeout(5_000),
  );

  test(
    claimTitle('RNBU.Cor1', 'exact rationals: two GD steps give exactly the scalar recursion on the diagonal'),
    () => {
      assertClaim(
        'RNBU.Cor1',
        fc.property(
          fc.constantFrom<AlignmentDataKind>('autoencoding', 'factorization').chain((kind) =>
            alignedInit({ maxDepth: 3, maxWidth: 3, maxNumerator: 4, sameEnds: kind === 'autoencoding' }).chain((init) =>
              fc.record({
                init: fc.constant(init),
                data: alignmentData({ kind, input: init.bases[0], output: init.bases[init.bases.length - 1], maxSamples: 3 }),
              }),
            ),
          ),
          ({ init, data }) => {
            const L = init.dims.length - 1;
            const Us = init.bases.map((b) => basisFractions(b));
            const problem = alignmentProblemFractions(data);
            if (problem.kind !== 'regression') return true;
            const n = problem.X[0].length;
            const eta = fraction(1, 8);
            // λ_j = Λ_jj/n, γ_j = Γ_jj/n exactly
            const Lam = matmul(matmul(transpose(Us[0]), matmul(problem.X, transpose(problem.X))), Us[0]);
            const Gam = matmul(matmul(transpose(Us[L]), matmul(problem.Y, transpose(problem.X))), Us[0]);
            const lam = (j: number) => (j < Lam.length && j < Lam[0].length ? Lam[j][j].div(n) : fraction(0));
            const gam = (j: number) => (j < Gam.length && j < Gam[0].length ? Gam[j][j].div(n) : fraction(0));
            let W: FractionMatrix[] = alignedInitFractions(init);
            let sig = init.sigmas.map((row) => row.map((v) => fraction(v, init.denominator)));
            for (let step = 0; step < 2; step++) {
              W = exactGradientStep(W, problem, eta).weights;
              sig = sig.map((row, k) =>
                row.map((s, j) => {
                  const at = (l: number) => (j < sig[l].length ? sig[l][j] : fraction(0));
                  let others = fraction(1);
                  let all = fraction(1);
                  sig.forEach((_, l) => {
                    all = all.mul(at(l));
                    if (l !== k) others = others.mul(at(l));
                  });
                  return s.sub(eta.mul(others).mul(lam(j).mul(all).sub(gam(j))));
                }),
              );
              for (let k = 0; k < L; k++) {
                const Mk = matmul(matmul(transpose(Us[k + 1]), W[k]), Us[k]);
                if (sig[k].some((s, j) => !Mk[j][j].equals(s))) return false;
              }
            }
            return true;
          },
        ),
        { numRuns: runs(25), classify: ([c]) => exactClass(c) },
      );
    },
    timeout(4_000),
  );

  test(
    claimTitle('RNBU.Cor1', 'twin: a trainer that scales G_1 by 1.01 (alignment kept, dynamics wrong) is caught'),
    () => {
      findCounterexample(
        'RNBU.Cor1',
        fc.property(corCase, (c) => {
          const { r, ratio: q } = agreement(c, brokenGradient({ kind: 'scale', layer: 0, factor: 1.01 }));
          return !r.diverged && q <= 1;
        }),
        { numRuns: runs(40), label: 'twin: G_1 scaled by 1.01' },
      );
    },
    timeout(3_000),
  );
});
