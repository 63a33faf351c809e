/**
 * JT.Thm1-norms: F3 at every step and strict norm growth once every margin is positive, with its twin.
 */
import { describe, test } from 'vitest';
import fc from 'fast-check';
import { claimTitle } from '../../src/claims/registry.js';
import { logistic } from '../../src/losses/logistic.js';
import { firstOrderConsistency, marginRounding, normChangeAllowance, updateRounding } from '../../src/tolerances/jtRounding.js';
import { brokenGradient, faultName } from '../../src/trainer/brokenGradient.js';
import type { GradientFn } from '../../src/trainer/gradient.js';
import { assertClaim, findCounterexample } from '../../src/verify/claimProperty.js';
import { horizon, runs } from '../../src/verify/profile.js';
import { descend, fail } from '../../src/verify/jt/descend.js';
import { A4, SCALE_G2, type TrainCase, logisticCase, specOf, timeout, trainClass } from '../../src/verify/jt/trainCase.js';

const NORM_STEPS = horizon(4000);

interface NormsReport {
  growthSteps: number;
  unresolved: number;
  worstRatio: number;
}

/**
 * F3 on the step the trainer took: ‖W_k(t+1)‖_F² − ‖W_k(t)‖_F² = −2η_t⟨E, P⟩ + η_t²‖G_k‖_F² for every k and t,
 * with ⟨E, P⟩ = (1/n)Σℓ'(m_i)m_i from the kernel's exact E (normChangeAllowance); and MONO: at every step whose
 * margins are all positive beyond rounding, every layer's norm strictly increases (unresolved when the predicted
 * increase is within the allowance).
 */
function checkNorms(c: TrainCase, steps: number, trainerGradient?: GradientFn): NormsReport {
  const report: NormsReport = { growthSteps: 0, unresolved: 0, worstRatio: 0 };
  const run = descend({
    c,
    loss: logistic,
    schedule: A4,
    steps,
    ...(trainerGradient ? { trainerGradient } : {}),
    pair(prev, cur) {
      const eta = prev.eta;
      const positive = prev.minMargin > marginRounding(prev.scale);
      const consistency = firstOrderConsistency(prev.scale);
      for (let k = 0; k < prev.layerSq.length; k++) {
        const gNorm = Math.sqrt(prev.layerGradSq[k]);
        const next = Math.sqrt(cur.layerSq[k]);
        const predicted = -2 * eta * prev.innerEP + eta * eta * prev.layerGradSq[k];
        const allowance = normChangeAllowance({
          entries: c.weights[k].length * c.weights[k][0].length,
          before: prev.layerSq[k],
          after: cur.layerSq[k],
          eta,
          gradNorm: gNorm,
          storage: updateRounding(eta, gNorm, next),
          nextNorm: next,
          consistency,
          coefficient: Math.abs(prev.innerEP),
        });
        const ratio = Math.abs(cur.layerSq[k] - prev.layerSq[k] - predicted) / allowance;
        report.worstRatio = Math.max(report.worstRatio, ratio);
        if (!(ratio <= 1))
          fail(
            `F3 fails for layer ${k + 1} at t=${prev.t}: ‖W'‖² − ‖W‖² = ${cur.layerSq[k] - prev.layerSq[k]} but −2η⟨E,P⟩ + η²‖G‖² = ${predicted} (ratio ${ratio.toExponential(2)} to the allowance)`,
          );
        if (positive) {
          if (predicted > allowance) {
            if (!(cur.layerSq[k] > prev.layerSq[k])) fail(`MONO fails at t=${prev.t}: every margin is positive but ‖W_${k + 1}‖_F did not grow`);
          } else report.unresolved++;
        }
      }
      if (positive) report.growthSteps++;
    },
  });
  if (run.diverged) fail(`the run diverged: ${run.diverged}`);
  return report;
}

describe('JT.Thm1-norms: ‖W_k‖_F → ∞', () => {
  test(
    claimTitle('JT.Thm1-norms', 'EXACT+MONO: F3 at every step; once every margin is positive, every layer norm strictly grows'),
    () => {
      const reports: NormsReport[] = [];
      assertClaim(
        'JT.Thm1-norms',
        fc.property(logisticCase, (c) => {
          reports.push(checkNorms(c, NORM_STEPS));
        }),
        { numRuns: runs(24), toSpec: ([c]) => specOf(c, 'logistic', A4, NORM_STEPS), classify: ([c]) => trainClass(c) },
      );
      const worst = Math.max(...reports.map((r) => r.worstRatio));
      console.log(
        `JT.Thm1-norms: ${reports.length} runs × ${NORM_STEPS} steps; worst F3 residual/allowance ${worst.toExponential(2)}; ` +
          `${reports.reduce((s, r) => s + r.growthSteps, 0)} steps with all margins positive, ${reports.reduce((s, r) => s + r.unresolved, 0)} layer-steps with growth below rounding (unresolved)`,
      );
    },
    timeout(4000),
  );

  test(
    claimTitle('JT.Thm1-norms', `twin: fails when the trainer has ${faultName(SCALE_G2)}`),
    () => {
      findCounterexample(
        'JT.Thm1-norms',
        fc.property(logisticCase, (c) => {
          checkNorms(c, 16, brokenGradient(SCALE_G2));
        }),
        { numRuns: runs(100), label: `twin, ${faultName(SCALE_G2)}` },
      );
    },
    timeout(2000, false),
  );
});
