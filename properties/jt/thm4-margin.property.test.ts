/**
 * JT.Thm4-margin: GD with the A4 step (logistic loss), w_prod/∏‖W_k‖_F → ū, its twin, and the JT.A5 ablation
 * (reported, not asserted).
 */
import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { jtA1, jtA3, jtA5 } from '../../src/assumptions/index.js';
import { ablationTest, claimTitle } from '../../src/claims/registry.js';
import { logistic } from '../../src/losses/logistic.js';
import { firstOrderConsistency, marginRounding, normChangeAllowance, projectionAllowance, updateRounding } from '../../src/tolerances/jtRounding.js';
import { lemma4Threshold } from '../../src/tolerances/jt.js';
import { brokenGradient, faultName } from '../../src/trainer/brokenGradient.js';
import type { GradientFn } from '../../src/trainer/gradient.js';
import { assertClaim, findCounterexample } from '../../src/verify/claimProperty.js';
import { horizon, runs } from '../../src/verify/profile.js';
import { geometricCheckpoints } from '../../src/metrics/geometricCheckpoints.js';
import { descend, fail } from '../../src/verify/jt/descend.js';
import { type MarginReport, angleResolution, checkMarginBound, geometryOf, marginCase, sinToMaxMargin } from '../../src/verify/jt/geometry.js';
import { A4, SCALE_G1, type TrainCase, networkOf, specOf, timeout, trainCase, trainClass } from '../../src/verify/jt/trainCase.js';
import { assertTrend, trendVerdict } from '../../src/verify/statistics.js';

const MARGIN_STEPS = horizon(1 << 13);

/**
 * JT.Thm4-margin on one GD run (A4 step, logistic loss):
 * - EXACT F8 at every step: ‖W_1'Π_⊥‖² − ‖W_1Π_⊥‖² = −2η⟨Π_⊥w_prod, ∇R(w_prod)⟩ + η²‖G_1Π_⊥‖²;
 * - JT.Lem4 along the run: at steps where ⟨w_prod, ū⟩ ≥ 0 and ‖Π_⊥w_prod‖ > τ, ‖W_1Π_⊥‖² grows by at most the
 *   second-order term η²‖G_1Π_⊥‖²;
 * - INEQ at geometric checkpoints: γ(w_prod) ≤ γ̄, and the SVM's ū attains γ̄;
 * - TREND point: sin∠(w_prod, ū) once every margin is positive.
 */
function checkDescentMargin(c: TrainCase, steps: number, trainerGradient?: GradientFn): MarginReport {
  const g = geometryOf(c);
  if (!g) return fail('not separable');
  const dims = networkOf(c).dims;
  const d = dims[0];
  const m1 = dims[1] * d;
  const tau = lemma4Threshold('logistic', g.data.n, g.alpha);
  const points: { inRegime: boolean; value: number }[] = [];
  let lemma4Steps = 0;
  const run = descend({
    c,
    loss: logistic,
    schedule: A4,
    steps,
    ...(trainerGradient ? { trainerGradient } : {}),
    ubar: g.mm.direction,
    checkpoints: geometricCheckpoints(steps),
    pair(prev, cur) {
      const a = prev.off!;
      const b = cur.off!;
      const eta = prev.eta;
      const gNorm = Math.sqrt(prev.layerGradSq[0]);
      const before = Math.sqrt(prev.layerSq[0]);
      const after = Math.sqrt(cur.layerSq[0]);
      const allowance =
        normChangeAllowance({
          entries: m1,
          before: a.sq,
          after: b.sq,
          eta,
          gradNorm: gNorm,
          storage: updateRounding(eta, gNorm, after),
          nextNorm: after,
          consistency: firstOrderConsistency(prev.scale),
          coefficient: Math.abs(a.inner),
        }) + projectionAllowance(d, before, after, eta, gNorm);
      const change = b.sq - a.sq;
      const predicted = -2 * eta * a.inner + eta * eta * a.gradSq;
      if (!(Math.abs(change - predicted) <= allowance))
        fail(
          `F8 fails at t=${prev.t}: ‖W_1'Π_⊥‖² − ‖W_1Π_⊥‖² = ${change} but −2η⟨Π_⊥w, ∇R⟩ + η²‖G_1Π_⊥‖² = ${predicted} (allowance ${allowance.toExponential(2)})`,
        );
      if (a.prodAlong >= 0 && a.prodOffNorm > tau) {
        lemma4Steps++;
        if (!(change <= eta * eta * a.gradSq + allowance))
          fail(`t=${prev.t}: Lemma 4's hypotheses hold (‖Π_⊥w‖=${a.prodOffNorm} > τ=${tau}) but ‖W_1Π_⊥‖² grew at first order by ${change}`);
      }
    },
    checkpoint(ev, weights) {
      checkMarginBound(ev, weights, dims, g);
      points.push({ inRegime: ev.minMargin > marginRounding(ev.scale), value: sinToMaxMargin(ev) });
    },
  });
  if (run.diverged) fail(`the run diverged: ${run.diverged}`);
  return { verdict: trendVerdict(points, angleResolution(dims)), lemma4Steps, angles: points.map((p) => p.value.toExponential(1)).join(' ') };
}

describe('JT.Thm4-margin: GD with the A4 step (logistic), w_prod/∏‖W_k‖_F → ū', () => {
  const cases = marginCase(logistic);

  test(
    claimTitle(
      'JT.Thm4-margin',
      'EXACT F8 at every step + Lemma 4 along the run + INEQ γ(w_prod) ≤ γ̄ (and the SVM) at geometric checkpoints; TREND angle to ū shrinks (sign test)',
    ),
    () => {
      for (const h of [jtA1(logistic), jtA3(logistic)]) expect(h.holds, h.reason).toBe(true);
      const reports: MarginReport[] = [];
      assertClaim(
        'JT.Thm4-margin',
        fc.property(cases, (c) => {
          reports.push(checkDescentMargin(c, MARGIN_STEPS));
        }),
        { numRuns: runs(64), toSpec: ([c]) => specOf(c, 'logistic', A4, MARGIN_STEPS), classify: ([c]) => trainClass(c) },
      );
      const line = assertTrend(
        'JT.Thm4-margin',
        'sin∠(w_prod, ū)',
        reports.map((r) => r.verdict),
      );
      const away = reports.filter((r) => r.verdict === 'away').map((r) => r.angles);
      console.log(
        `JT.Thm4-margin: ${reports.length} runs × ${MARGIN_STEPS} steps; ${line}; ${reports.reduce((s, r) => s + r.lemma4Steps, 0)} steps in Lemma 4's region` +
          (away.length ? `\n  runs whose angle rose over the regime (sin at t = 0, 1, 2, 4, …): ${away.join(' | ')}` : ''),
      );
    },
    timeout(12000),
  );

  test(
    claimTitle('JT.Thm4-margin', `twin: F8 fails when the trainer has ${faultName(SCALE_G1)}`),
    () => {
      findCounterexample(
        'JT.Thm4-margin',
        fc.property(cases, (c) => {
          checkDescentMargin(c, 16, brokenGradient(SCALE_G1));
        }),
        { numRuns: runs(100), label: `twin, ${faultName(SCALE_G1)}` },
      );
    },
    timeout(2000, false),
  );
});

describe('JT ablations (CLAIMS §7)', () => {
  {
    const ab = ablationTest('JT.Thm4-margin', 'JT.A5');
    test(
      `${ab.title} (reported, not asserted)`,
      () => {
        // separable data whose support vectors do not span ℝ^d (typically one support vector), GD with the A4 step
        const cases = trainCase({ maxDepth: 3, loss: logistic, minDim: 2 }).filter((c) => {
          const g = geometryOf(c);
          return g !== null && !jtA5(g.data, g.mm).holds;
        });
        const lines: string[] = [];
        let toward = 0;
        let away = 0;
        for (const c of fc.sample(cases, { numRuns: runs(8) })) {
          const g = geometryOf(c)!;
          const points: { inRegime: boolean; value: number }[] = [];
          descend({
            c,
            loss: logistic,
            schedule: A4,
            steps: MARGIN_STEPS,
            ubar: g.mm.direction,
            checkpoints: geometricCheckpoints(MARGIN_STEPS),
            checkpoint(ev) {
              points.push({ inRegime: ev.minMargin > marginRounding(ev.scale), value: sinToMaxMargin(ev) });
            },
          });
          const v = trendVerdict(points, angleResolution(networkOf(c).dims));
          if (v === 'toward') toward++;
          if (v === 'away') away++;
          lines.push(
            `  support vectors [${g.mm.supportVectors.join(', ')}] of n=${g.data.n}, d=${g.data.d}: sin∠(w_prod, ū) ${points.map((p) => p.value.toExponential(1)).join(' ')} (${v})`,
          );
        }
        console.log(
          `JT.Thm4-margin ${ab.label}: ${toward} runs toward ū, ${away} away, ${lines.length - toward - away} inconclusive over ${MARGIN_STEPS} A4 steps\n${lines.join('\n')}`,
        );
      },
      timeout(2000),
    );
  }
});
