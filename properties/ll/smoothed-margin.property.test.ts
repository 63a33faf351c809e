/**
 * LL.smoothed-margin (Lyu & Li, an extension beside the JT claims): the smoothed margin is non-decreasing once
 * ℒ < 1, with its twin.
 */
import { describe, test } from 'vitest';
import fc from 'fast-check';
import { claimTitle } from '../../src/claims/registry.js';
import { exponential } from '../../src/losses/exponential.js';
import { logSumLoss, smoothedMargin } from '../../src/metrics/smoothedMargin.js';
import { norm2 } from '../../src/linalg/dense.js';
import { smoothedMarginRounding } from '../../src/tolerances/jt.js';
import { updateRounding } from '../../src/tolerances/jtRounding.js';
import { brokenGradient, faultName } from '../../src/trainer/brokenGradient.js';
import type { GradientFn } from '../../src/trainer/gradient.js';
import type { ScheduleSpec } from '../../src/trainer/schedule.js';
import { assertClaim, findCounterexample } from '../../src/verify/claimProperty.js';
import { horizon, runs } from '../../src/verify/profile.js';
import { failCheck } from '../../src/verify/checkFailure.js';
import { trainerGradient } from '../../src/verify/fault.js';
import { RegimeTracker } from '../../src/verify/regime.js';
import { descend, fail } from '../../src/verify/jt/descend.js';
import { ASCENT_G1, type TrainCase, specOf, timeout, trainCase, trainClass } from '../../src/verify/jt/trainCase.js';

/** A small constant step: GD on R = ℒ/n with η is GD on ℒ with η/n. */
const LL_ETA = 1 / 16;

const LL_STEPS = horizon(3000);

const exponentialCase = trainCase({ maxDepth: 3, loss: exponential });

interface SmoothedReport {
  checked: number;
  unresolved: number;
  /** log ℒ at the last iterate (ℒ = Σ_i e^{−m_i}; the regime is log ℒ < 0) */
  finalLogLoss: number;
}

/**
 * MONO ("LL-mono") at every step with ℒ(θ(t)) < 1: γ̃(t+1) ≥ γ̃(t) − allowance, the allowance the rounding of the two
 * evaluations (smoothedMarginRounding). Trains with `gradient` (the trainer, possibly broken).
 */
function checkSmoothedMargin(c: TrainCase, steps: number, gradient: GradientFn, tracker?: RegimeTracker): SmoothedReport {
  const L = c.weights.length;
  const n = c.x.length;
  const entries = c.weights.reduce((s, W) => s + W.length * W[0].length, 0);
  const report: SmoothedReport = { checked: 0, unresolved: 0, finalLogLoss: Number.NaN };
  const schedule: ScheduleSpec = { kind: 'constant', eta: LL_ETA };
  const run = descend({
    c,
    loss: exponential,
    schedule,
    steps,
    trainerGradient: gradient,
    checkpoints: [steps],
    checkpoint(ev) {
      report.finalLogLoss = logSumLoss(ev.margins, n);
    },
    pair(prev, cur) {
      const lse = logSumLoss(prev.margins, n);
      if (!(lse < 0)) return;
      const thetaPrev = prev.layerSq.reduce((a, b) => a + b, 0);
      const thetaCur = cur.layerSq.reduce((a, b) => a + b, 0);
      const before = smoothedMargin(prev.margins, n, thetaPrev, L);
      const after = smoothedMargin(cur.margins, n, thetaCur, L);
      const storage = norm2(prev.layerGradSq.map((g2, k) => updateRounding(LL_ETA, Math.sqrt(g2), Math.sqrt(cur.layerSq[k]))));
      const allowance =
        smoothedMarginRounding({ scale: prev.scale, logSumLoss: lse, thetaNormSquared: thetaPrev, degree: L, entries, value: before, storage: 0 }) +
        smoothedMarginRounding({
          scale: cur.scale,
          logSumLoss: logSumLoss(cur.margins, n),
          thetaNormSquared: thetaCur,
          degree: L,
          entries,
          value: after,
          storage,
        });
      report.checked++;
      tracker?.tightness('LL-mono', (before - after) / allowance);
      if (after < before - allowance)
        failCheck(
          'LL-mono',
          before - after,
          allowance,
          `MONO fails at t=${prev.t}: γ̃ fell from ${before} to ${after} (allowance ${allowance.toExponential(2)}) with ℒ=${Math.exp(lse)} < 1`,
        );
      if (after - before <= allowance) report.unresolved++;
    },
  });
  if (run.diverged) fail(`the run diverged: ${run.diverged}`);
  return report;
}

describe('LL.smoothed-margin: the smoothed margin is monotone (extension)', () => {
  test(
    claimTitle(
      'LL.smoothed-margin',
      `regime ℒ < 1 at the horizon in ≥ 80 % of runs; MONO: γ̃(t+1) ≥ γ̃(t) at every step with ℒ < 1, exponential sum loss, constant step η = ${LL_ETA} on the mean risk`,
    ),
    () => {
      const reports: SmoothedReport[] = [];
      const tracker = new RegimeTracker('LL.smoothed-margin', {
        regime: 'ℒ(θ) = Σ_i e^{−m_i} < 1 at the horizon (γ̃ is defined and the MONO check applies from the first such step on)',
        closest: 'ℒ(θ) at the horizon',
      });
      const gradient = trainerGradient();
      assertClaim(
        'LL.smoothed-margin',
        fc.property(exponentialCase, (c) => {
          const r = checkSmoothedMargin(c, LL_STEPS, gradient, tracker);
          reports.push(r);
          tracker.run(r.finalLogLoss < 0, Math.exp(r.finalLogLoss));
        }),
        { numRuns: runs(24), toSpec: ([c]) => specOf(c, 'exponential', { kind: 'constant', eta: LL_ETA }, LL_STEPS), classify: ([c]) => trainClass(c) },
      );
      console.log(
        `LL.smoothed-margin: ${reports.length} runs × ${LL_STEPS} steps; ${reports.reduce((s, r) => s + r.checked, 0)} steps with ℒ < 1 checked, ` +
          `${reports.reduce((s, r) => s + r.unresolved, 0)} with an increase below the rounding level (unresolved)\n  ${tracker.describe()}`,
      );
      tracker.assertReached();
    },
    timeout(3000),
  );

  // No 1 % twin: a 1 % scaled layer is GD on a reparametrized net (W_2 = √1.01·V_2), whose smoothed margin in the V
  // coordinates is monotone, not γ̃ in the W coordinates checked here, and the difference shows only in some cases. At
  // the default seed one case catches G_2 × 1.01 (γ̃ falls by observed/bound ≈ 3e5), but under DLNCHECK_SEED=4 none of
  // 100 cases does, at 64, 512 or 3000 steps: the check has no reliable power on a 1 % fault, so none is claimed.
  test(
    claimTitle('LL.smoothed-margin', `twin: fails when the trainer has ${faultName(ASCENT_G1)}`),
    () => {
      // measured: γ̃ falls at the shrunk case's first checked step by observed/bound ≈ 4e10 (a first-order fall against a
      // rounding-level allowance)
      findCounterexample(
        'LL.smoothed-margin',
        fc.property(exponentialCase, (c) => {
          checkSmoothedMargin(c, 512, brokenGradient(ASCENT_G1));
        }),
        { numRuns: runs(100), label: `twin, ${faultName(ASCENT_G1)}`, expectCheck: 'LL-mono', minRatio: 10 },
      );
    },
    timeout(2000, false),
  );
});
