/**
 * SR.5.2 / Fig4 as a check: after the figure's 400 steps, the hard-margin SVM ū_h on the ReLU net's last hidden
 * features and W_L have cos ≥ 0.9. Criterion and derivation: src/verify/figures/srChecks.ts. The step count is the
 * figure's; the width and the data shrink (scale 0.05: width 13, 10 points, default; scale 0.25: width 64, 50 points,
 * thorough; the figure is width 256, 200 points). Measured cosines: 0.959 (scale 0.05), 0.937 (0.1), 0.935 (0.25),
 * 0.94 (full).
 */
import fc from 'fast-check';
import { describe, test } from 'vitest';
import { claimTitle } from '../../src/claims/registry.js';
import { FIGURE_SEED } from '../../src/figures/figure.js';
import { srFig4Final, srFig4Train } from '../../src/figures/srFig4.js';
import { assertClaim, findCounterexample } from '../../src/verify/claimProperty.js';
import { trainerGradient } from '../../src/verify/fault.js';
import { checkSrFig4, SVM_COSINE } from '../../src/verify/figures/srChecks.js';
import { currentProfile, testTimeout } from '../../src/verify/profile.js';
import { RegimeTracker } from '../../src/verify/regime.js';

const SCALE = currentProfile().name === 'thorough' ? 0.25 : 0.05;
const STEPS = 400;
// the twin at scale 0.1 in the default profile: at 0.05 four steps already reach cos 0.69 (ratio 3.1, too close to call)
const TWIN_SCALE = currentProfile().name === 'thorough' ? 0.25 : 0.1;
const figureSeed = fc.constant(FIGURE_SEED);

describe('SR.5.2 / Fig4: W_L points nearly along the SVM on the last hidden features', () => {
  test(
    claimTitle('SR.5.2', `cos(W_L, ū_h) ≥ ${SVM_COSINE} after ${STEPS} steps (width and data at scale ${SCALE})`),
    () => {
      const tracker = new RegimeTracker('SR.5.2', {
        regime: 'the last hidden features are linearly separable at the horizon (the SVM exists)',
        closest: '1 − cos(W_L, ū_h) at T',
        minShare: 1,
      });
      assertClaim(
        'SR.5.2',
        fc.property(figureSeed, (seed) => {
          const r = srFig4Train(seed, SCALE, { steps: STEPS, trackCosine: false, gradient: trainerGradient() });
          const { cosFinal } = srFig4Final(r.run, r.data, r.width);
          tracker.run(cosFinal !== null, cosFinal === null ? Number.NaN : 1 - cosFinal);
          if (cosFinal !== null) tracker.tightness('svm-cosine', (1 - cosFinal) / (1 - SVM_COSINE));
          console.log(`SR.5.2 width ${r.width}, ${r.n} points, ${STEPS} steps: cos(W_L, ū_h) = ${cosFinal}, risk ${r.run.finalRisk}`);
          checkSrFig4(cosFinal);
        }),
        { numRuns: 1 },
      );
      console.log(tracker.describe());
      tracker.assertReached();
    },
    testTimeout(10_000, false),
  );

  // Stopped after 1 % of the steps, W_L has not turned towards ū_h: cos 0.187 (scale 0.1), measured ratio
  // (1 − cos)/(1 − 0.9) = 8.1; 5.6 at scale 0.25 (thorough).
  test(
    claimTitle('SR.5.2', 'twin: stopped after 4 steps the cosine is far below 0.9 (svm-cosine catches it)'),
    () => {
      findCounterexample(
        'SR.5.2',
        fc.property(figureSeed, (seed) => {
          const r = srFig4Train(seed, TWIN_SCALE, { steps: STEPS / 100, trackCosine: false });
          checkSrFig4(srFig4Final(r.run, r.data, r.width).cosFinal);
        }),
        { numRuns: 1, label: 'twin, 4 steps', expectCheck: 'svm-cosine', minRatio: 3 },
      );
    },
    testTimeout(10_000, false),
  );
});
