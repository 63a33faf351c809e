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
import { descend, fail } from '../../src/verify/jt/descend.js';
import { ASCENT_G1, type TrainCase, specOf, timeout, trainCase, trainClass } from '../../src/verify/jt/trainCase.js';

/** A small constant step: GD on R = ℒ/n with η is GD on ℒ with η/n. */
const LL_ETA = 1 / 16;

const LL_STEPS = horizon(3000);

const exponentialCase = trainCase({ maxDepth: 3, loss: exponential });

interface SmoothedReport {
  checked: number;
  unresolved: number;
}

function checkSmoothedMargin(c: TrainCase, steps: number, trainerGradient?: GradientFn): SmoothedReport {
  const L = c.weights.length;
  const n = c.x.length;
  const entries = c.weights.reduce((s, W) => s + W.length * W[0].length, 0);
  const report: SmoothedReport = { checked: 0, unresolved: 0 };
  const schedule: ScheduleSpec = { kind: 'constant', eta: LL_ETA };
  const run = descend({
    c,
    loss: exponential,
    schedule,
    steps,
    ...(trainerGradient ? { trainerGradient } : {}),
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
      if (after < before - allowance)
        fail(`MONO fails at t=${prev.t}: γ̃ fell from ${before} to ${after} (allowance ${allowance.toExponential(2)}) with ℒ=${Math.exp(lse)} < 1`);
      if (after - before <= allowance) report.unresolved++;
    },
  });
  if (run.diverged) fail(`the run diverged: ${run.diverged}`);
  return report;
}

describe('LL.smoothed-margin: the smoothed margin is monotone (extension)', () => {
  test(
    claimTitle('LL.smoothed-margin', `MONO: γ̃(t+1) ≥ γ̃(t) at every step with ℒ < 1, exponential sum loss, constant step η = ${LL_ETA} on the mean risk`),
    () => {
      const reports: SmoothedReport[] = [];
      assertClaim(
        'LL.smoothed-margin',
        fc.property(exponentialCase, (c) => {
          reports.push(checkSmoothedMargin(c, LL_STEPS));
        }),
        { numRuns: runs(24), toSpec: ([c]) => specOf(c, 'exponential', { kind: 'constant', eta: LL_ETA }, LL_STEPS), classify: ([c]) => trainClass(c) },
      );
      console.log(
        `LL.smoothed-margin: ${reports.length} runs × ${LL_STEPS} steps; ${reports.reduce((s, r) => s + r.checked, 0)} steps with ℒ < 1 checked, ` +
          `${reports.reduce((s, r) => s + r.unresolved, 0)} with an increase below the rounding level (unresolved)`,
      );
    },
    timeout(3000),
  );

  test(
    claimTitle('LL.smoothed-margin', `twin: fails when the trainer has ${faultName(ASCENT_G1)}`),
    () => {
      findCounterexample(
        'LL.smoothed-margin',
        fc.property(exponentialCase, (c) => {
          checkSmoothedMargin(c, 512, brokenGradient(ASCENT_G1));
        }),
        { numRuns: runs(100), label: `twin, ${faultName(ASCENT_G1)}` },
      );
    },
    timeout(2000, false),
  );
});
