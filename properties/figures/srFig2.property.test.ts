/**
 * SR.R4.3 / Fig2 as a check: under the JT.A4 step, depth 6 needs at least 5× the steps of depth 4 for a 2 % risk drop,
 * and within a factor 2 of the first-order prediction (the ratio of η_0‖∇R(0)‖²). Criteria and derivation:
 * src/verify/figures/srChecks.ts. Thorough only: depth 6 needs 2.3·10⁵ steps for the drop (the full figure runs
 * 3·10⁶), beyond the default budget.
 */
import fc from 'fast-check';
import { describe, test } from 'vitest';
import { claimTitle } from '../../src/claims/registry.js';
import { FIGURE_SEED } from '../../src/figures/figure.js';
import { srFig2Runs, srFig2Summary } from '../../src/figures/srFig2.js';
import { assertClaim, findCounterexample } from '../../src/verify/claimProperty.js';
import { trainerGradient } from '../../src/verify/fault.js';
import { checkSrR43, DEPTH_SLOWDOWN } from '../../src/verify/figures/srChecks.js';
import { currentProfile, testTimeout } from '../../src/verify/profile.js';
import { RegimeTracker } from '../../src/verify/regime.js';

const thorough = currentProfile().name === 'thorough';
const STEPS = 300_000;
// step counts at 48 checkpoints per decade: 5 % resolution on each count
const PER_DECADE = 48;
const figureSeed = fc.constant(FIGURE_SEED);

describe.skipIf(!thorough)('SR.R4.3 / Fig2: depth 6 needs far more steps than depth 4 (thorough profile)', () => {
  test(
    claimTitle('SR.R4.3', `the figure's trend holds within ${STEPS} steps`),
    () => {
      const tracker = new RegimeTracker('SR.R4.3', {
        regime: 'both depths moved (risk −2 %) within the horizon, so the slowdown is measured, not bounded',
        closest: 'steps of depth 6 to the 2 % drop / horizon',
        minShare: 1,
      });
      assertClaim(
        'SR.R4.3',
        fc.property(figureSeed, (seed) => {
          const s = srFig2Summary(srFig2Runs(seed, STEPS, { perDecade: PER_DECADE, gradient: trainerGradient() }));
          tracker.run(s.stepsDeep !== null, (s.stepsDeep ?? Number.POSITIVE_INFINITY) / STEPS);
          if (s.stepsShallow !== null && s.stepsDeep !== null) tracker.tightness('depth-slowdown', DEPTH_SLOWDOWN / (s.stepsDeep / s.stepsShallow));
          console.log(`SR.R4.3 within ${STEPS} steps: ${JSON.stringify(s)}`);
          checkSrR43(s);
        }),
        { numRuns: 1 },
      );
      console.log(tracker.describe());
      tracker.assertReached();
    },
    testTimeout(20_000, false),
  );

  // Depths swapped (6 claimed the faster): 2.05e4/2.26e5 = 0.09 against 5, measured ratio 55.
  test(
    claimTitle('SR.R4.3', 'twin: with the depths swapped the check fails (depth-slowdown)'),
    () => {
      findCounterexample(
        'SR.R4.3',
        fc.property(figureSeed, (seed) => checkSrR43(srFig2Summary(srFig2Runs(seed, STEPS, { perDecade: PER_DECADE, depths: [6, 4] })))),
        { numRuns: 1, label: 'twin, depths swapped', expectCheck: 'depth-slowdown', minRatio: 10 },
      );
    },
    testTimeout(20_000, false),
  );
});
