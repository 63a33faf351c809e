/**
 * JT.Thm4-margin: GD with the A4 step (logistic loss), w_prod/∏‖W_k‖_F → ū, its twin, and the JT.A5 ablation
 * (reported, not asserted).
 */
import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { jtA1, jtA3, jtA5 } from '../../src/assumptions/index.js';
import { ablationTest, claimTitle } from '../../src/claims/registry.js';
import { exponential } from '../../src/losses/exponential.js';
import { logistic } from '../../src/losses/logistic.js';
import type { MarginLoss } from '../../src/losses/loss.js';
import { firstOrderConsistency, normChangeAllowance, projectionAllowance, updateRounding } from '../../src/tolerances/jtRounding.js';
import { lemma4Threshold } from '../../src/tolerances/jt.js';
import { brokenGradient, faultName } from '../../src/trainer/brokenGradient.js';
import type { GradientFn } from '../../src/trainer/gradient.js';
import type { ScheduleSpec } from '../../src/trainer/schedule.js';
import { failCheck } from '../../src/verify/checkFailure.js';
import { assertClaim, findCounterexample } from '../../src/verify/claimProperty.js';
import { trainerGradient } from '../../src/verify/fault.js';
import { horizon, runs } from '../../src/verify/profile.js';
import type { RegimeTracker } from '../../src/verify/regime.js';
import { descend, fail } from '../../src/verify/jt/descend.js';
import { checkMarginBound, geometryOf, sinToMaxMargin } from '../../src/verify/jt/geometry.js';
import { marginRegimeCase, offMarginStart } from '../../src/verify/jt/marginRegime.js';
import {
  MARGIN_REGIME_TEXT,
  type MarginPoint,
  assertMarginTrends,
  fittedRate,
  inMarginRegime,
  logCheckpoints,
  marginRegimeTracker,
  recordMarginRun,
} from '../../src/verify/jt/marginTrajectory.js';
import { A4, SCALE_G1, SCALE_G2, type TrainCase, networkOf, specOf, timeout, trainCase, trainClass } from '../../src/verify/jt/trainCase.js';
import { fallingTrend } from '../../src/verify/statistics.js';

/**
 * GD horizon. On the regime family (marginRegime.ts) with the A4 step, L ∈ {2, 3}, init σ = 1/5, the regime
 * (sin∠ ≤ 0.1, γ/γ̄ ≥ 0.9) is entered at 2^11–2^13 steps; 2^14 leaves ≥ 2 log-spaced in-regime checkpoints per run.
 */
const MARGIN_STEPS = horizon(1 << 14);

const INIT_SCALE = 1 / 5;

/** Steps from the Lemma 4 starts: they leave the region after 150–1000 steps (measured), or stay in it. */
const LEMMA4_STEPS = horizon(1 << 9);

interface DescentMarginRun {
  readonly points: MarginPoint[];
  lemma4Steps: number;
}

/**
 * JT.Thm4-margin on one GD run (A4 step, logistic loss), with the trainer's own gradient (the claim is about the
 * steps actually taken):
 * - EXACT F8 at every step ("F8-step"): ‖W_1'Π_⊥‖² − ‖W_1Π_⊥‖² = −2η⟨Π_⊥w_prod, ∇R(w_prod)⟩ + η²‖G_1Π_⊥‖², where
 *   ∇R(w_prod) = r comes from the exact margins: a step whose G_1 is not A_1ᵀrᵀ breaks it at first order in η;
 * - EXACT F3 at every step for every layer ("F3-step"): ‖W_k'‖² − ‖W_k‖² = −2η⟨E, P⟩ + η²‖G_k‖², so the claim's
 *   normalization ∏‖W_k‖_F follows the steps (a wrong gradient in any layer breaks it at first order);
 * - JT.Lem4 along the run ("Lem4-step"): at steps where ⟨w_prod, ū⟩ ≥ 0 and ‖Π_⊥w_prod‖ > τ, ‖W_1Π_⊥‖² grows by at
 *   most the second-order term η²‖G_1Π_⊥‖²;
 * - INEQ at log-spaced checkpoints ("margin-bound"): γ(w_prod) ≤ γ̄, and the SVM's ū attains γ̄ ("svm-margin");
 * - the regime and TREND points: sin∠(w_prod, ū) and γ(w_prod)/γ̄.
 */
function checkDescentMargin(c: TrainCase, steps: number, gradient: GradientFn, tracker?: RegimeTracker): DescentMarginRun {
  const g = geometryOf(c);
  if (!g) return fail('not separable');
  const dims = networkOf(c).dims;
  const d = dims[0];
  const m1 = dims[1] * d;
  const tau = lemma4Threshold('logistic', g.data.n, g.alpha);
  const out: DescentMarginRun = { points: [], lemma4Steps: 0 };
  const run = descend({
    c,
    loss: logistic,
    schedule: A4,
    steps,
    trainerGradient: gradient,
    ubar: g.mm.direction,
    checkpoints: logCheckpoints(1, steps, 4),
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
      const residual = Math.abs(change - predicted);
      if (!(residual <= allowance))
        failCheck(
          'F8-step',
          residual,
          allowance,
          `F8 fails at t=${prev.t}: ‖W_1'Π_⊥‖² − ‖W_1Π_⊥‖² = ${change} but −2η⟨Π_⊥w, ∇R⟩ + η²‖G_1Π_⊥‖² = ${predicted} (allowance ${allowance.toExponential(2)})`,
        );
      // F3 for every layer: the claim's normalization ∏‖W_k‖_F moves as the steps say (first order −2η⟨E, P⟩, the same
      // for every k); F8 sees only G_1, this sees a wrong G_k in any layer
      for (let k = 0; k < prev.layerSq.length; k++) {
        const gk = Math.sqrt(prev.layerGradSq[k]);
        const next = Math.sqrt(cur.layerSq[k]);
        const f3 = normChangeAllowance({
          entries: dims[k + 1] * dims[k],
          before: prev.layerSq[k],
          after: cur.layerSq[k],
          eta,
          gradNorm: gk,
          storage: updateRounding(eta, gk, next),
          nextNorm: next,
          consistency: firstOrderConsistency(prev.scale),
          coefficient: Math.abs(prev.innerEP),
        });
        const r3 = Math.abs(cur.layerSq[k] - prev.layerSq[k] - (-2 * eta * prev.innerEP + eta * eta * prev.layerGradSq[k]));
        if (!(r3 <= f3))
          failCheck(
            'F3-step',
            r3,
            f3,
            `F3 fails for layer ${k + 1} at t=${prev.t}: ‖W_k'‖² − ‖W_k‖² = ${cur.layerSq[k] - prev.layerSq[k]} but −2η⟨E,P⟩ + η²‖G_k‖² = ${-2 * eta * prev.innerEP + eta * eta * prev.layerGradSq[k]} (allowance ${f3.toExponential(2)})`,
          );
      }
      if (a.prodAlong >= 0 && a.prodOffNorm > tau) {
        out.lemma4Steps++;
        const bound = eta * eta * a.gradSq + allowance;
        tracker?.tightness('Lem4-step', change / bound);
        if (!(change <= bound))
          failCheck(
            'Lem4-step',
            change,
            bound,
            `t=${prev.t}: Lemma 4's hypotheses hold (‖Π_⊥w‖=${a.prodOffNorm} > τ=${tau}) but ‖W_1Π_⊥‖² grew at first order by ${change}`,
          );
      }
    },
    checkpoint(ev, weights) {
      const { ratio, marginRatio } = checkMarginBound(ev, weights, dims, g);
      tracker?.tightness('margin-bound', ratio);
      out.points.push({ t: ev.t, sin: sinToMaxMargin(ev), marginRatio });
    },
  });
  if (run.diverged) fail(`the run diverged: ${run.diverged}`);
  return out;
}

describe('JT.Thm4-margin: GD with the A4 step (logistic), w_prod/∏‖W_k‖_F → ū', () => {
  const cases = marginRegimeCase({ loss: logistic, maxDepth: 3, initScale: INIT_SCALE });

  test(
    claimTitle(
      'JT.Thm4-margin',
      `regime ${MARGIN_REGIME_TEXT} in ≥ 80 % of runs + EXACT F8 and F3 at every step + Lemma 4 along the run + INEQ γ(w_prod) ≤ γ̄ (and the SVM); TREND sin∠ and 1 − γ/γ̄ fall (pooled Mann–Kendall)`,
    ),
    () => {
      for (const h of [jtA1(logistic), jtA3(logistic)]) expect(h.holds, h.reason).toBe(true);
      const tracker = marginRegimeTracker('JT.Thm4-margin');
      const runsPoints: MarginPoint[][] = [];
      let lemma4Steps = 0;
      const gradient = trainerGradient();
      assertClaim(
        'JT.Thm4-margin',
        fc.property(cases, (c) => {
          const r = checkDescentMargin(c, MARGIN_STEPS, gradient, tracker);
          runsPoints.push(r.points);
          recordMarginRun(tracker, r.points);
          lemma4Steps += r.lemma4Steps;
        }),
        { numRuns: runs(16), toSpec: ([c]) => specOf(c, 'logistic', A4, MARGIN_STEPS), classify: ([c]) => trainClass(c) },
      );
      const rate = fittedRate(runsPoints);
      console.log(
        `JT.Thm4-margin: ${runsPoints.length} runs × ${MARGIN_STEPS} A4 steps; ${lemma4Steps} steps in Lemma 4's region\n  ${tracker.describe()}\n` +
          `  fitted rate: median slope of ln sin∠ against ln ln t = ${rate.median.toFixed(2)} over ${rate.runs} runs (the theorem's O(1/ln t) is −1)`,
      );
      const trend = assertMarginTrends('JT.Thm4-margin', runsPoints);
      console.log(`  ${trend.line}`);
      tracker.assertReached();
    },
    timeout(12000),
  );

  test(
    claimTitle(
      'JT.Thm4-margin',
      "EXACT F8 + Lemma 4 at every step from starts inside Lemma 4's region (‖Π_⊥w_prod‖ = fτ, f ∈ (1, 3]): ‖W_1Π_⊥‖² grows by at most η²‖G_1Π_⊥‖² there",
    ),
    () => {
      // the regime family never enters Lemma 4's region from a small init; these starts spend 150–1000 A4 steps in it
      const starts = offMarginStart().filter((c) => c.loss === 'logistic');
      const gradient = trainerGradient();
      let lemma4Steps = 0;
      let inRegion = 0;
      let total = 0;
      assertClaim(
        'JT.Thm4-margin',
        fc.property(starts, (c) => {
          const r = checkDescentMargin(c, LEMMA4_STEPS, gradient);
          total++;
          lemma4Steps += r.lemma4Steps;
          if (r.lemma4Steps > 0) inRegion++;
        }),
        { numRuns: runs(12), toSpec: ([c]) => specOf(c, 'logistic', A4, LEMMA4_STEPS) },
      );
      console.log(`JT.Thm4-margin Lemma 4 starts: ${lemma4Steps} A4 steps in Lemma 4's region over ${total} runs (${inRegion} runs with at least one)`);
      expect(inRegion, "runs with a step checked in Lemma 4's region").toBeGreaterThanOrEqual(Math.ceil(0.8 * total));
    },
    timeout(2000),
  );

  test(
    claimTitle('JT.Thm4-margin', `twin: F3 fails when the trainer has ${faultName(SCALE_G2)}`),
    () => {
      // measured: the shrunk case breaks F3 for layer 2 at its first step by observed/bound ≈ 8e10 (F8 sees only G_1)
      findCounterexample(
        'JT.Thm4-margin',
        fc.property(cases, (c) => {
          checkDescentMargin(c, 16, brokenGradient(SCALE_G2));
        }),
        { numRuns: runs(100), label: `twin, ${faultName(SCALE_G2)}`, expectCheck: 'F3-step', minRatio: 10 },
      );
    },
    timeout(2000, false),
  );

  test(
    claimTitle('JT.Thm4-margin', `twin: F8 fails when the trainer has ${faultName(SCALE_G1)}`),
    () => {
      // measured: the shrunk case (weights ~4e-6) breaks F8 at its first step by observed/bound ≈ 1e10 (allowance 1e-25):
      // the 1 % error of G_1 is first order in η, the allowance rounding-level
      findCounterexample(
        'JT.Thm4-margin',
        fc.property(cases, (c) => {
          checkDescentMargin(c, 16, brokenGradient(SCALE_G1));
        }),
        { numRuns: runs(100), label: `twin, ${faultName(SCALE_G1)}`, expectCheck: 'F8-step', minRatio: 10 },
      );
    },
    timeout(2000, false),
  );
});

/** The report-only runs: fewer and shorter than the main property's (they assert nothing). */
const REPORT_STEPS = horizon(1 << 13);

/** Exponential loss has no global β, G (JT.A3), so no A4 step: GD with a small constant step, as LL.smoothed-margin. */
const EXP_SCHEDULE: ScheduleSpec = { kind: 'constant', eta: 1 / 16 };

/** Runs GD and returns its log-spaced (t, sin∠, γ/γ̄) points, for the report-only tests. */
function reportRun(c: TrainCase, loss: MarginLoss, schedule: ScheduleSpec, steps: number): { points: MarginPoint[]; diverged: string | null } {
  const g = geometryOf(c)!;
  const dims = networkOf(c).dims;
  const points: MarginPoint[] = [];
  const run = descend({
    c,
    loss,
    schedule,
    steps,
    ubar: g.mm.direction,
    checkpoints: logCheckpoints(1, steps, 1),
    checkpoint(ev, weights) {
      points.push({ t: ev.t, sin: sinToMaxMargin(ev), marginRatio: checkMarginBound(ev, weights, dims, g).marginRatio });
    },
  });
  return { points, diverged: run.diverged };
}

const showRun = (points: readonly MarginPoint[]) => points.map((p) => `${p.sin.toExponential(1)}/${p.marginRatio.toFixed(2)}`).join(' ');

describe('JT.Thm4-margin extension: exponential loss under GD (reported, not asserted)', () => {
  test(
    `JT.Thm4-margin finding: exponential loss, GD with constant η = ${EXP_SCHEDULE.kind === 'constant' ? EXP_SCHEDULE.eta : ''}, on the regime family (reported, not asserted)`,
    () => {
      const lines: string[] = [];
      let reached = 0;
      const cases = fc.sample(marginRegimeCase({ loss: exponential, maxDepth: 3, initScale: INIT_SCALE }), { numRuns: runs(4), seed: 13 });
      for (const c of cases) {
        const r = reportRun(c, exponential, EXP_SCHEDULE, REPORT_STEPS);
        const last = r.points[r.points.length - 1];
        if (last && inMarginRegime(last)) reached++;
        lines.push(`  ${trainClass(c)} n=${c.x.length}: sin∠/γ-ratio at t = 1, 2, 4, …: ${showRun(r.points)}${r.diverged ? ` (diverged: ${r.diverged})` : ''}`);
      }
      console.log(
        `JT.Thm4-margin exponential-loss GD: ${reached}/${cases.length} runs in the regime (${MARGIN_REGIME_TEXT}) after ${REPORT_STEPS} steps\n${lines.join('\n')}`,
      );
    },
    timeout(2000),
  );
});

describe('JT ablations (the ablations in docs/claims.md)', () => {
  {
    const ab = ablationTest('JT.Thm4-margin', 'JT.A5');
    test(
      `${ab.title} (reported, not asserted)`,
      () => {
        // separable data whose support vectors do not span ℝ^d (typically one support vector): GD with the A4 step
        // (logistic) and, the exponential-loss report docs/claims.md, JT asks for, GD with a small constant step
        const lines: string[] = [];
        for (const [name, loss, schedule] of [
          ['logistic, A4 step', logistic, A4],
          [`exponential, η = 1/16`, exponential, EXP_SCHEDULE],
        ] as const) {
          const cases = trainCase({ maxDepth: 3, loss, minDim: 2 }).filter((c) => {
            const g = geometryOf(c);
            return g !== null && !jtA5(g.data, g.mm).holds;
          });
          const runsPoints: MarginPoint[][] = [];
          for (const c of fc.sample(cases, { numRuns: runs(4), seed: 17 })) {
            const g = geometryOf(c)!;
            const r = reportRun(c, loss, schedule, REPORT_STEPS);
            runsPoints.push(r.points);
            lines.push(
              `  ${name}: support vectors [${g.mm.supportVectors.join(', ')}] of n=${g.data.n}, d=${g.data.d}: sin∠/γ-ratio ${showRun(r.points)}${r.diverged ? ` (diverged: ${r.diverged})` : ''}`,
            );
          }
          const falling = fallingTrend(runsPoints.map((r) => r.filter((p) => p.t >= 16).map((p) => p.sin)));
          const reached = runsPoints.filter((r) => r.length && inMarginRegime(r[r.length - 1])).length;
          lines.push(
            `  ${name}: ${reached}/${runsPoints.length} runs end in the regime; sin∠ from t = 16 on: ${falling.fallingRuns}/${falling.runs} runs falling (pooled Mann–Kendall p = ${falling.pValue.toExponential(1)})`,
          );
        }
        console.log(`JT.Thm4-margin ${ab.label} over ${REPORT_STEPS} GD steps:\n${lines.join('\n')}`);
      },
      timeout(2000),
    );
  }
});
