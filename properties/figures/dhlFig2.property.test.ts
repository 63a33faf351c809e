/**
 * DHL.Fig2 as a check: in the figure's deep ReLU net (3-32-32-32-32-1 on two moons, η = 0.1), adjacent layers' growths
 * of ‖W_k‖_F² differ by at most the η² terms of F4 (η² max(Σ_t‖G_k‖², Σ_t‖G_{k+1}‖²) plus rounding), and the layers
 * did grow. Criterion and derivation: src/verify/figures/dhlChecks.ts. Thorough profile only, at the full figure's
 * 5000 steps (≈ 11 s); the trend shows from 50 steps on, but those cost ≈ 1.6 s, above the default budget. The bound is nearly tight: worst observed/bound 0.95 at 50 steps, 0.42 at 500 and 5000.
 */
import fc from 'fast-check';
import { describe, test } from 'vitest';
import { claimTitle } from '../../src/claims/registry.js';
import { dhlFig2Entries, dhlFig2Runs, dhlFig2Summary } from '../../src/figures/dhlFig2.js';
import { FIGURE_SEED } from '../../src/figures/figure.js';
import { brokenGradient } from '../../src/trainer/brokenGradient.js';
import { assertClaim, findCounterexample } from '../../src/verify/claimProperty.js';
import { trainerGradient } from '../../src/verify/fault.js';
import { checkDhlFig2, growthSpreadBound, MIN_GROWTH } from '../../src/verify/figures/dhlChecks.js';
import { currentProfile, testTimeout } from '../../src/verify/profile.js';
import { RegimeTracker } from '../../src/verify/regime.js';

const thorough = currentProfile().name === 'thorough';
const STEPS = 5000;
// the twin needs the 1 % fault to accumulate past the η² terms: at 50 steps it does not (ratio 0.05), at 500 it does (2.98)
const TWIN_STEPS = 5000;
const figureSeed = fc.constant(FIGURE_SEED);

describe('DHL.Fig2: the layers of a deep ReLU net grow by the same amount', () => {
  // thorough only: 50 steps of the 32-wide net cost ≈ 1.6 s, above the default profile's budget for all figure checks
  test.skipIf(!thorough)(
    claimTitle('DHL.Fig2', `|growth_k − growth_{k+1}| within F4's η² terms after ${STEPS} steps`),
    () => {
      const tracker = new RegimeTracker('DHL.Fig2', {
        regime: `the layers grew: min_k growth ≥ ${MIN_GROWTH} × max_k ‖W_k(0)‖_F²`,
        closest: 'min_k growth / max_k ‖W_k(0)‖_F²',
        minShare: 1,
      });
      assertClaim(
        'DHL.Fig2',
        fc.property(figureSeed, (seed) => {
          const s = dhlFig2Summary(dhlFig2Runs(seed, STEPS, { checkpoints: [0, STEPS], gradient: trainerGradient() }));
          const grown = Math.min(...s.growth) / Math.max(...s.initial);
          tracker.run(grown >= MIN_GROWTH, grown);
          for (let k = 0; k + 1 < s.growth.length; k++)
            tracker.tightness('growth-spread', Math.abs(s.growth[k] - s.growth[k + 1]) / growthSpreadBound(s, k, dhlFig2Entries()));
          console.log(`DHL.Fig2 at ${STEPS} steps: growth ${s.growth.map((g) => g.toPrecision(6)).join(', ')}`);
          checkDhlFig2(s, dhlFig2Entries());
        }),
        { numRuns: 1 },
      );
      console.log(tracker.describe());
      tracker.assertReached();
    },
    testTimeout(30_000, false),
  );

  // G_1 × 1.01: the first layer grows by ≈ 1 % more, far past the η² terms: measured ratio 2.98 at 500 steps, 5.0 at
  // 5000 (× 0.99: 5.8 at 5000).
  test.skipIf(!thorough)(
    claimTitle('DHL.Fig2', `twin: with G_1 scaled by 1.01 the growths part (growth-spread catches it; ${TWIN_STEPS} steps, thorough)`),
    () => {
      findCounterexample(
        'DHL.Fig2',
        fc.property(figureSeed, (seed) =>
          checkDhlFig2(
            dhlFig2Summary(
              dhlFig2Runs(seed, TWIN_STEPS, { checkpoints: [0, TWIN_STEPS], gradient: brokenGradient({ kind: 'scale', layer: 0, factor: 1.01 }) }),
            ),
            dhlFig2Entries(),
          ),
        ),
        { numRuns: 1, label: 'twin, G_1 × 1.01', expectCheck: 'growth-spread', minRatio: 2 },
      );
    },
    testTimeout(30_000, false),
  );
});
