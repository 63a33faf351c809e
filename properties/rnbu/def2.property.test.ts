/**
 * RNBU.Def2: the distance from the aligned set, read in known and in recovered bases. *
 * Tolerances follow the LAPACK test-ratio habit: each check divides an observed discrepancy by a bound derived
 * beside it (rounding model fl(a∘b) = (a∘b)(1+δ), |δ| ≤ u = 2⁻⁵³, γ_m = mu/(1 − mu), Higham §2–3) and compares the
 * ratio with 1.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { alignedInit, alignedInitBases, alignedInitWeights, type AlignedInit } from '../../src/arbitraries/alignedInit.js';
import { architecture, balancedInit } from '../../src/arbitraries/index.js';
import { alignmentDistance, alignmentInBases } from '../../src/metrics/alignmentDistance.js';
import { claimTitle } from '../../src/claims/registry.js';
import { gamma } from '../../src/tolerances/rounding.js';
import { assertClaim, findCounterexample } from '../../src/verify/claimProperty.js';
import { currentProfile, runs, testTimeout } from '../../src/verify/profile.js';

/** A test's timeout: its measured default-profile budget, scaled as testTimeout says. */
const timeout = (ms: number) => testTimeout(ms);

/** Zero or repeated |σ| in a layer: the degenerate spectra where recovered bases are not unique. */
const sigmaClass = (init: AlignedInit) =>
  init.sigmas.some((s) => s.some((v, j) => v === 0 || s.findIndex((w) => Math.abs(w) === Math.abs(v)) !== j)) ? 'σ tied or 0' : 'σ distinct';

describe('RNBU.Def2 distance from aligned', () => {
  test(
    claimTitle('RNBU.Def2', 'aligned inits read aligned in their bases and in recovered bases; exactly balanced nets (D_k = 0) read aligned'),
    () => {
      let worst = { given: 0, recovered: 0, balanced: 0 };
      assertClaim(
        'RNBU.Def2',
        fc.property(
          alignedInit({ maxDepth: 4, maxWidth: 4 }),
          architecture({ minDepth: 1, maxDepth: 4, maxWidth: 4, maxInputDim: currentProfile().maxWidth, maxOutputDim: 4 }).chain((arch) =>
            fc.record({
              dims: fc.constant(arch.dims),
              weights: fc.constantFrom<'dyadic' | 'rational'>('dyadic', 'rational').chain((frames) => balancedInit(arch, { frames })),
            }),
          ),
          (init, bal) => {
            const W = alignedInitWeights(init);
            const given = alignmentInBases(W, init.dims, alignedInitBases(init)).distance;
            const recovered = alignmentDistance(W, init.dims).distance;
            const balanced = alignmentDistance(
              bal.weights.map((Wk) => Float64Array.from(Wk.flat())),
              bal.dims,
            ).distance;
            worst = { given: Math.max(worst.given, given), recovered: Math.max(worst.recovered, recovered), balanced: Math.max(worst.balanced, balanced) };
            // given bases: the weights are the exact product rounded once and the bases rounded rationals
            // (‖ÛᵀÛ − I‖ ≤ ~d·u): off-diagonal ≤ readout γ_{4d+4} of ‖W‖_F, d ≤ 4 — ratio to that ≤ 1.
            // recovered bases: σ here lie on grids (1/8; balancedInit 1/256) so singular values of partial
            // products are equal or apart by ≥ ~2e-3 relative in the first Gram; the eigensolver's ~8d·u
            // backward error then turns bases by ≤ ~1e-13/2e-3 = 5e-11: 1e-9 leaves a 20× margin.
            return given <= gamma(4 * 4 + 4) && recovered <= 1e-9 && balanced <= 1e-9;
          },
        ),
        // one balanced layer is aligned by its own SVD: only L ≥ 2 tests the balanced half
        {
          numRuns: runs(100),
          classify: ([init, bal]) => `aligned L=${init.dims.length - 1} | ${sigmaClass(init)} | balanced ${bal.dims.length === 2 ? 'L=1' : 'L≥2'}`,
        },
      );
      console.log(
        `RNBU.Def2: worst distance — given bases ${worst.given.toExponential(1)}, recovered ${worst.recovered.toExponential(1)}, balanced nets ${worst.balanced.toExponential(1)}`,
      );
    },
    timeout(4_000),
  );

  test(
    claimTitle('RNBU.Def2', 'CEX: the measure separates — fast-check finds a generic 2-layer net far from aligned'),
    () => {
      const entry = fc.integer({ min: -4, max: 4 }).map((v) => v / 4);
      const found = findCounterexample(
        'RNBU.Def2',
        fc.property(
          fc.array(entry, { minLength: 4, maxLength: 4 }),
          fc.array(entry, { minLength: 4, maxLength: 4 }),
          (a, b) => alignmentDistance([Float64Array.from(a), Float64Array.from(b)], [2, 2, 2]).distance <= 1e-6,
        ),
        { numRuns: runs(50), label: 'generic weights' },
      );
      const [a, b] = found.counterexample;
      expect(alignmentDistance([Float64Array.from(a), Float64Array.from(b)], [2, 2, 2]).distance).toBeGreaterThan(0.01);
    },
    timeout(3_000),
  );
});
