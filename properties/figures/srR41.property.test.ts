/**
 * SR.R4.1 as a check: the JT.A4 step is below 1e-5 after a few thousand steps; a constant 1e-2 step lowers the risk
 * by an order of magnitude while 1 − min_k ρ_k stays ≥ 0.01 and keeps at least half of itself over the last decade.
 * Criteria and their derivation: src/verify/figures/srChecks.ts. The figure's own seeded setting (srFig… runs), at
 * 10⁴ steps (default) or 10⁵ (thorough; the full figure is 10⁶).
 */
import fc from 'fast-check';
import { describe, test } from 'vitest';
import { claimTitle } from '../../src/claims/registry.js';
import { FIGURE_SEED } from '../../src/figures/figure.js';
import { srR41Runs, srR41Summary } from '../../src/figures/srR41.js';
import { assertClaim, findCounterexample } from '../../src/verify/claimProperty.js';
import { trainerGradient } from '../../src/verify/fault.js';
import { checkSrR41, RANK_ONE_GAP } from '../../src/verify/figures/srChecks.js';
import { currentProfile, testTimeout } from '../../src/verify/profile.js';
import { RegimeTracker } from '../../src/verify/regime.js';

const thorough = currentProfile().name === 'thorough';
const STEPS = thorough ? 100_000 : 10_000;
// one run: the figure is one seeded trajectory, not a distribution (more seeds are the sweep's job)
const figureSeed = fc.constant(FIGURE_SEED);

describe('SR.R4.1: the A4 step becomes tiny; a constant step lowers the risk while ρ_k stalls', () => {
  test(
    claimTitle('SR.R4.1', `the figure's trend holds at ${STEPS} steps`),
    () => {
      const tracker = new RegimeTracker('SR.R4.1', {
        regime: 'constant-step run past the risk drop (R(T) ≤ R(0)/10), where a converging ρ_k would show',
        closest: 'R(T)/R(0), constant step',
        minShare: 1,
      });
      assertClaim(
        'SR.R4.1',
        fc.property(figureSeed, (seed) => {
          const { a4, cst } = srR41Runs(seed, STEPS, { gradient: trainerGradient() });
          const s = srR41Summary(a4, cst);
          tracker.run(s.riskEnd <= s.riskStart / 10, s.riskEnd / s.riskStart);
          tracker.tightness('rho-below-1', RANK_ONE_GAP / s.gapEnd);
          console.log(`SR.R4.1 at ${STEPS} steps: ${JSON.stringify(s)}`);
          checkSrR41(s);
        }),
        { numRuns: 1 },
      );
      console.log(tracker.describe());
      tracker.assertReached();
    },
    testTimeout(10_000, false),
  );

  // The stall is a property of the larger init: from the same directions at s = 0.3 the constant step's gap falls to
  // 1.7e-3 within 10⁴ steps (1.3e-3 at 10⁵), so "ρ_k stalls below 0.99" fails; measured ratio 6.0 (10⁴) and 7.5 (10⁵).
  // thorough only: the default profile's budget (≈ 1.5 s for all figure checks) holds the main check, not the twin
  test.skipIf(!thorough)(
    claimTitle('SR.R4.1', 'twin: from a 5× smaller init the constant step reaches ρ_k ≥ 0.99 (rho-below-1 catches it)'),
    () => {
      findCounterexample(
        'SR.R4.1',
        fc.property(figureSeed, (seed) => {
          const { a4, cst } = srR41Runs(seed, STEPS, { constantScale: 0.3 });
          checkSrR41(srR41Summary(a4, cst));
        }),
        { numRuns: 1, label: 'twin, constant step from s=0.3', expectCheck: 'rho-below-1', minRatio: 3 },
      );
    },
    testTimeout(10_000, false),
  );
});
