/**
 * DHL.Fig1 as a check: on the figure's matrix factorization (20×20, rank 3, three initializations), plain GD reaches
 * the relative error eps within 2× the steps of GD with the balancing regularizer, and vice versa. Criterion and
 * derivation: src/verify/figures/dhlChecks.ts. Default: 300 steps, eps 1e-2; thorough: the full figure (1000 steps),
 * eps 1e-3. Measured steps (plain vs regularized): eps 1e-2: 96/96, 132/123, 126/120; eps 1e-3: 140/140, 180/160,
 * 170/160 — ratios 1.00–1.13.
 */
import fc from 'fast-check';
import { describe, test } from 'vitest';
import { claimTitle } from '../../src/claims/registry.js';
import { dhlFig1Runs, dhlFig1Summary } from '../../src/figures/dhlFig1.js';
import { FIGURE_SEED } from '../../src/figures/figure.js';
import { assertClaim, findCounterexample } from '../../src/verify/claimProperty.js';
import { trainerGradient } from '../../src/verify/fault.js';
import { checkDhlFig1, SPEED_BAND } from '../../src/verify/figures/dhlChecks.js';
import { currentProfile, testTimeout } from '../../src/verify/profile.js';
import { RegimeTracker } from '../../src/verify/regime.js';

const thorough = currentProfile().name === 'thorough';
const STEPS = thorough ? 1000 : 300;
const EPS = thorough ? 1e-3 : 1e-2;
const figureSeed = fc.constant(FIGURE_SEED);

// thorough only: six factorization runs cost ≈ 1 s even at 300 steps, most of the default profile's budget for all
// figure checks (≈ 1.5 s); the trend already shows there (see the measured counts above)
describe.skipIf(!thorough)('DHL.Fig1: plain GD on matrix factorization is about as fast as with the balancing regularizer', () => {
  test(
    claimTitle('DHL.Fig1', `steps to relative error ${EPS} within ${SPEED_BAND}× of each other, ${STEPS} steps`),
    () => {
      const tracker = new RegimeTracker('DHL.Fig1', {
        regime: `both objectives reached relative error ${EPS} within ${STEPS} steps`,
        closest: 'steps of plain GD / steps of regularized GD − 1',
        minShare: 1,
      });
      assertClaim(
        'DHL.Fig1',
        fc.property(figureSeed, (seed) => {
          const s = dhlFig1Summary(dhlFig1Runs(seed, STEPS, { gradient: trainerGradient() }), EPS);
          for (const r of s.inits) {
            const both = r.plain !== null && r.regularized !== null;
            tracker.run(both, both ? Math.abs((r.plain as number) / (r.regularized as number) - 1) : Number.NaN);
            if (both)
              tracker.tightness(
                'speed-ratio',
                Math.max((r.plain as number) / (r.regularized as number), (r.regularized as number) / (r.plain as number)) / SPEED_BAND,
              );
          }
          console.log(`DHL.Fig1 at ${STEPS} steps, eps ${EPS}: ${JSON.stringify(s.inits)}`);
          checkDhlFig1(s);
        }),
        { numRuns: 1 },
      );
      console.log(tracker.describe());
      tracker.assertReached();
    },
    testTimeout(10_000, false),
  );

  // Plain GD from U·3, V/3 (the same product, imbalance 9× larger): it needs 3.3–3.6× the steps of the regularized
  // run (eps 1e-2: 350 vs 100; eps 1e-3: 520 vs 160); at the default 300 steps it does not get there (> 300 vs 96),
  // measured ratio to the band 1.57 (default) and 1.63 (thorough).
  test(
    claimTitle('DHL.Fig1', 'twin: plain GD from an unbalanced init (U·3, V/3) is far slower (speed-ratio catches it)'),
    () => {
      findCounterexample(
        'DHL.Fig1',
        fc.property(figureSeed, (seed) => checkDhlFig1(dhlFig1Summary(dhlFig1Runs(seed, STEPS, { plainImbalance: 3 }), EPS))),
        { numRuns: 1, label: 'twin, unbalanced plain init', expectCheck: 'speed-ratio', minRatio: 1.4 },
      );
    },
    testTimeout(10_000, false),
  );
});
