/**
 * RNBU.S6 as a check: the autoencoder 4→3→4 from an aligned init (Y = X, the stable order) stays aligned (distance
 * ≤ 1e-6) and trains (risk ÷ 10); the depth-10 convolutional factorization from identity filters trains and leaves the
 * aligned set (distance ≥ 1e-6). Criteria: src/verify/figures/rnbuChecks.ts. Default: 10 convolutional and 200
 * autoencoder steps; thorough: 2·10³ and 2·10³ (the figure runs 2·10⁵ and 2·10⁴).
 */
import fc from 'fast-check';
import { describe, test } from 'vitest';
import { claimTitle } from '../../src/claims/registry.js';
import { FIGURE_SEED } from '../../src/figures/figure.js';
import { rnbuS6Runs, rnbuS6Summary } from '../../src/figures/rnbuS6.js';
import { assertClaim, findCounterexample } from '../../src/verify/claimProperty.js';
import { trainerGradient } from '../../src/verify/fault.js';
import { ALIGNED, checkRnbuS6 } from '../../src/verify/figures/rnbuChecks.js';
import { currentProfile, testTimeout } from '../../src/verify/profile.js';
import { RegimeTracker } from '../../src/verify/regime.js';

const thorough = currentProfile().name === 'thorough';
// 10 steps already take the convolutional run to distance 1.3e-3 (risk 1.37 → 0.82)
const CONV_STEPS = thorough ? 2000 : 10;
const AE_STEPS = thorough ? 2000 : 200;
const figureSeed = fc.constant(FIGURE_SEED);
// no stated-init probe (the figure's deviation note, not its trend); the distance maxima over 4 checkpoints per decade
// (thorough) or 2 (default: the distance measure's SVDs of ten 9×9 layers dominate the default run's cost)
const setting = { probeSteps: 0, probe: false, convSteps: CONV_STEPS, aeSteps: AE_STEPS, perDecade: thorough ? 4 : 2 } as const;

// thorough only: even 10 convolutional steps cost ≈ 1.1 s cold (the distance measure's SVDs of ten 9×9 layers), more
// than the default profile's budget for all figure checks (≈ 1.5 s) leaves after the SR checks
describe.skipIf(!thorough)('RNBU.S6: the aligned autoencoder stays aligned; the convolutional factorization does not', () => {
  test(
    claimTitle('RNBU.S6', `the figure's trend holds at ${CONV_STEPS} convolutional and ${AE_STEPS} autoencoder steps`),
    () => {
      const tracker = new RegimeTracker('RNBU.S6', {
        regime: 'both runs trained (autoencoder risk ÷ 10, convolutional risk −10 %)',
        closest: 'autoencoder R(T)/R(0)',
        minShare: 1,
      });
      assertClaim(
        'RNBU.S6',
        fc.property(figureSeed, (seed) => {
          const s = rnbuS6Summary(rnbuS6Runs(seed, { ...setting, gradient: trainerGradient() }));
          tracker.run(s.aeRiskEnd <= s.aeRiskStart / 10 && s.convRiskEnd <= 0.9 * s.convRiskStart, s.aeRiskEnd / s.aeRiskStart);
          tracker.tightness('ae-invariant', s.aeAlignedMax / ALIGNED);
          tracker.tightness('conv-breaks', ALIGNED / s.convMax);
          console.log(`RNBU.S6: ${JSON.stringify(s)}`);
          checkRnbuS6(s);
        }),
        { numRuns: 1 },
      );
      console.log(tracker.describe());
      tracker.assertReached();
    },
    testTimeout(10_000, false),
  );

  // Y = AX with a Gaussian A instead of Y = X: Γ = U_LᵀYXᵀU_0 is no longer diagonal (RNBU.Thm1's condition fails), and
  // the aligned autoencoder leaves the aligned set: distance 0.0157 within 200 steps, measured ratio 1.6e4.
  test(
    claimTitle('RNBU.S6', 'twin: with generic targets Y = AX the aligned autoencoder does not stay aligned (ae-invariant catches it)'),
    () => {
      findCounterexample(
        'RNBU.S6',
        fc.property(figureSeed, (seed) => checkRnbuS6(rnbuS6Summary(rnbuS6Runs(seed, { ...setting, convSteps: 1, aeTarget: 'generic' })))),
        { numRuns: 1, label: 'twin, generic targets', expectCheck: 'ae-invariant', minRatio: 100 },
      );
    },
    testTimeout(10_000, false),
  );
});
