/**
 * RNBU.Prop1: linear convergence of a balanced index with the explicit step bound, its twin and the stepBound
 * ablation (§7). *
 * Tolerances follow the LAPACK test-ratio habit: each check divides an observed discrepancy by a bound derived
 * beside it (rounding model fl(a∘b) = (a∘b)(1+δ), |δ| ≤ u = 2⁻⁵³, γ_m = mu/(1 − mu), Higham §2–3) and compares the
 * ratio with 1.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { alignedInit } from '../../src/arbitraries/alignedInit.js';
import { alignmentData, alignmentMoments } from '../../src/arbitraries/alignmentData.js';
import { brokenGradient } from '../../src/trainer/brokenGradient.js';
import type { GradientFn } from '../../src/trainer/gradient.js';
import { ablationTest, claimTitle } from '../../src/claims/registry.js';
import { gamma } from '../../src/tolerances/rounding.js';
import { assertClaim, findCounterexample } from '../../src/verify/claimProperty.js';
import { horizon, runs, testTimeout } from '../../src/verify/profile.js';
import { type Thm1Case, runInvariance } from '../../src/verify/rnbu/invariance.js';
import { ratio } from '../../src/verify/rnbu/rounding.js';
import { compareWithScalar } from '../../src/verify/rnbu/scalarRecursion.js';

/** The §7 ablations this file runs, from the registry (titles and database labels). */
const ABLATION = {
  prop1LargeStep: ablationTest('RNBU.Prop1', 'stepBound', 'η three times the bound oscillates past s*'),
};

/** A test's timeout: its measured default-profile budget, scaled as testTimeout says. */
const timeout = (ms: number) => testTimeout(ms);

interface Prop1Case extends Thm1Case {
  /** η as a fraction of the bound 1/(λLs*^{2L−2}) */
  readonly fraction: number;
}

/** Factorization (λ_0 = 1/d_0, γ_0 = D_00/d_0 > 0) with a balanced positive init and 0 < s_0 < s* = (γ_0/λ_0)^{1/L}. */
function prop1Case(stepFactor: fc.Arbitrary<number>): fc.Arbitrary<Prop1Case> {
  return alignedInit({ maxDepth: 3, maxWidth: 3, balanced: true, positive: true, descending: true })
    .chain((init) =>
      fc.record({
        init: fc.constant(init),
        // nonnegative targets: no other index sits at a sign-crossing saddle (see thm1Case)
        data: alignmentData({ kind: 'factorization', input: init.bases[0], output: init.bases[init.bases.length - 1], descending: true, nonnegative: true }),
        fraction: stepFactor,
        stable: fc.constant(true),
        eta: fc.constant(0),
      }),
    )
    .filter(({ init, data }) => {
      const L = init.dims.length - 1;
      const t = data.kind === 'factorization' ? data.target[0] / data.denominator : 0;
      return t > 0 && (init.sigmas[0][0] / init.denominator) ** L < t;
    })
    .map((c) => {
      const L = c.init.dims.length - 1;
      const { lambda, gamma: gam } = alignmentMoments(c.data, c.init.bases[0], c.init.bases[L]);
      const sStar = (gam[0] / lambda[0]) ** (1 / L);
      return { ...c, eta: c.fraction / (lambda[0] * L * sStar ** (2 * L - 2)) };
    });
}

/** For L ≥ 2 the rate ρ = 1 − ηλLs_0^{2L−2} nears 1 (a loose envelope) when s_0 ≪ s* = t^{1/L} (λ_0 = 1/d_0, γ_0 = t/d_0, t = D_00). */
function prop1Class(c: Prop1Case): string {
  const L = c.init.dims.length - 1;
  const t = c.data.kind === 'factorization' ? c.data.target[0] / c.data.denominator : NaN;
  const start = c.init.sigmas[0][0] / c.init.denominator / t ** (1 / L);
  return `L=${L} | ${c.fraction === 1 ? 'η=bound' : `η=bound/${1 / c.fraction}`} | ${start < 1 / 2 ? 's_0<s*/2' : 's_0≥s*/2'}`;
}

interface Prop1Report {
  mono: number;
  cap: number;
  rate: number;
  diverged: boolean;
}

/**
 * RNBU.Prop1 on the matrix trajectory (index j = 0, every layer). For the exact
 * scalar recursion: s_{t+1} ≥ s_t, s_t ≤ s*, s* − s_t ≤ ρ^t(s* − s_0) with
 * ρ = 1 − ηλLs_0^{2L−2}. The matrix σ_{k,0}(t) is within err_t + readout of it
 * (compareWithScalar), so each inequality gets that allowance on each side it
 * reads, plus the rounding of s* = (γ/λ)^{1/L} (γ_{L+4}·s*) and of ρ^t (γ_{t+4}·ρ^t e_0).
 * Each entry of the report is max(violation)/allowance.
 */
function prop1Check(c: Prop1Case, gradient?: GradientFn): Prop1Report {
  const L = c.init.dims.length - 1;
  const r = runInvariance(c, horizon(200), gradient);
  const { lambda, gamma: gam } = alignmentMoments(c.data, c.init.bases[0], c.init.bases[L]);
  const cmp = compareWithScalar(r, c.init, lambda, gam, c.eta);
  const sStar = (gam[0] / lambda[0]) ** (1 / L);
  const s0 = c.init.sigmas[0][0] / c.init.denominator;
  const rho = 1 - c.eta * lambda[0] * L * s0 ** (2 * L - 2);
  const out: Prop1Report = { mono: 0, cap: 0, rate: 0, diverged: r.diverged };
  const sStarErr = gamma(L + 4) * sStar;
  r.sigmas.forEach((sig, t) => {
    const allow = (u: number) => cmp.errMatrix[u] + Math.max(...r.readout[u]);
    for (let k = 0; k < L; k++) {
      const s = sig[k][0];
      if (t + 1 < r.sigmas.length) out.mono = Math.max(out.mono, ratio(Math.max(0, s - r.sigmas[t + 1][k][0]), allow(t) + allow(t + 1)));
      out.cap = Math.max(out.cap, ratio(Math.max(0, s - sStar), allow(t) + sStarErr));
      const envelope = rho ** t * (sStar - s0);
      out.rate = Math.max(out.rate, ratio(Math.max(0, sStar - s - envelope), allow(t) + sStarErr + gamma(t + 4) * envelope));
    }
  });
  return out;
}

describe('RNBU.Prop1 linear convergence with an explicit step', () => {
  const ok = (p: Prop1Report) => !p.diverged && p.mono <= 1 && p.cap <= 1 && p.rate <= 1;

  test(
    claimTitle('RNBU.Prop1', 'balanced index, η ≤ 1/(λLs*^{2L−2}): s_t increases, stays ≤ s*, and s* − s_t ≤ (1 − ηλLs_0^{2L−2})^t(s* − s_0)'),
    () => {
      assertClaim(
        'RNBU.Prop1',
        fc.property(prop1Case(fc.constantFrom(1, 1 / 2, 1 / 4)), (c) => ok(prop1Check(c))),
        { numRuns: runs(40), classify: ([c]) => prop1Class(c) },
      );
    },
    timeout(6_000),
  );

  test(
    ABLATION.prop1LargeStep.title,
    () => {
      const found = findCounterexample(
        'RNBU.Prop1',
        fc.property(prop1Case(fc.constant(3)), (c) => ok(prop1Check(c))),
        { numRuns: runs(40), label: ABLATION.prop1LargeStep.label },
      );
      const p = prop1Check(found.counterexample[0]);
      expect(p.cap > 1 || p.mono > 1).toBe(true);
    },
    timeout(3_000),
  );

  test(
    claimTitle('RNBU.Prop1', 'twin: a trainer that drops G_1 is caught'),
    () => {
      findCounterexample(
        'RNBU.Prop1',
        fc.property(prop1Case(fc.constantFrom(1, 1 / 2)), (c) => ok(prop1Check(c, brokenGradient({ kind: 'drop', layer: 0 })))),
        {
          numRuns: runs(40),
          label: 'twin: G_1 dropped',
        },
      );
    },
    timeout(3_000),
  );
});
