/**
 * JT.Thm1-risk: descent inequality, F7 and the TREND of log R under the A4 step, its twin, and its four §7 ablations
 * (separability, JT.A2, JT.A1, JT.A4 dropped).
 */
import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { architecture, gaussianInit, nonSeparableDataset, separableDataset } from '../../src/arbitraries/index.js';
import { jtA1, jtA2, jtA3, jtA4 } from '../../src/assumptions/index.js';
import { ablationTest, claimTitle } from '../../src/claims/registry.js';
import { datasetFromArrays, signedSamples } from '../../src/data/dataset.js';
import { logistic } from '../../src/losses/logistic.js';
import { squared, type MarginLoss } from '../../src/losses/loss.js';
import { maxMarginDirection } from '../../src/maxMargin/maxMargin.js';
import { bumpStall, logisticBump } from '../../src/losses/logisticBump.js';
import type { SpecInput } from '../../src/spec/spec.js';
import { createWorkspace, riskAndGradient, zerosLike, type GradientFn } from '../../src/trainer/gradient.js';
import { sumOfSquares } from '../../src/linalg/sumOfSquares.js';
import { frobenius } from '../../src/linalg/norms.js';
import { descentAllowance, gradientRounding, riskRounding, updateRounding } from '../../src/tolerances/jtRounding.js';
import { createSegmentScratch, secondOrderAllowance, segmentCurvature } from '../../src/tolerances/descent.js';
import { energyBudget, energyRounding } from '../../src/tolerances/jt.js';
import { norm2 } from '../../src/linalg/dense.js';
import { gamma } from '../../src/tolerances/rounding.js';
import { brokenGradient, faultName } from '../../src/trainer/brokenGradient.js';
import { gradientDescent } from '../../src/trainer/gradientDescent.js';
import { jiTelgarskySmoothness, type ScheduleSpec } from '../../src/trainer/schedule.js';
import { assertClaim, findCounterexample } from '../../src/verify/claimProperty.js';
import { currentProfile, horizon, runs } from '../../src/verify/profile.js';
import { geometricCheckpoints } from '../../src/metrics/geometricCheckpoints.js';
import { descend, requirePrecision, type DescentRun, type Evaluation } from '../../src/verify/jt/descend.js';
import { failCheck } from '../../src/verify/checkFailure.js';
import { trainerGradient } from '../../src/verify/fault.js';
import { RegimeTracker, type RegimeSpec } from '../../src/verify/regime.js';
import { globalSeed } from '../../src/verify/seed.js';
import { runTargetedCheck } from '../../src/verify/targetedCheck.js';
import { riskFamilyActive, riskFamilyCase, riskFamilyParameters, type RiskFamilyBounds } from '../../src/verify/jt/riskFamily.js';
import {
  A4,
  ASCENT_G1,
  LOGISTIC_CONSTANTS,
  SCALE_G1,
  type TrainCase,
  dataOf,
  logisticCase,
  networkOf,
  orientForA2,
  specOf,
  timeout,
  trainCase,
  trainClass,
} from '../../src/verify/jt/trainCase.js';

/**
 * The main property's cases and horizon. The regime R < ℓ(0)/n needs every margin of order log n, i.e. ‖w_prod‖ of
 * order (log n)/γ̄, and the A4 step η_t = 1/β(R_t) ∝ R_t^{−(2L−2)} shrinks as the norms grow, so the data margin γ̄
 * decides how long depth 3 takes. Measured (80 draws each, A4 step, steps until R < ℓ(0)/n):
 *   γ̄ > 1/16: L = 2 median 720, max 3,500; L = 3 median 6,100, 80 % by 10,400, max 21,400;
 *   γ̄ > 1/4:  L = 2 median 480, max 1,330;  L = 3 median 3,900, 80 % by 5,400,  max 7,700
 * (smaller inits, σ/2, change none of these by more than a few percent: the step, not the saddle, is the bottleneck).
 * The default profile draws γ̄ > 1/4 with an 8,192-step cap; the thorough profile draws the suite's general γ̄ > 1/16
 * with a 10× cap (81,920), which covers the slowest depth-3 case measured. A run stops at its second checkpoint below
 * ℓ(0)/n (the fall between them resolved).
 */
const RISK_STEPS = horizon(8192);
/**
 * Four checkpoints per doubling (t = round(2^{j/4})): a run stops two checkpoints after entering the regime, i.e. at
 * most ≈ 1.4× the step it got there instead of up to 4× with one per doubling (half the thorough profile's steps).
 */
const CHECKPOINTS_PER_OCTAVE = 4;
/** the twins' horizon: most L = 2 cases are in the regime by then, and a fault's worst step has been seen */
const TWIN_STEPS = 1024;
const riskCase = trainCase({ maxDepth: 3, loss: logistic, minMargin: currentProfile().name === 'thorough' ? 1 / 16 : 1 / 4 });

interface RiskReport {
  /** the last step evaluated */
  steps: number;
  /** checkpoint intervals whose guaranteed descent is below the rounding allowance (no direction can be read) */
  unresolvedIntervals: number;
  reachedRegime: boolean;
  /** R·n/ℓ(0) at the last step (< 1 in the regime) */
  closest: number;
  /** worst |R(t+1) − R(t) + η‖∇R‖²| / (½ sup|φ''| + rounding) over the run's steps */
  worstSecondOrder: number;
  /** median over steps of ½φ''(0)/(½ sup|φ''|): how close the curvature bound is to the curvature the step meets */
  medianCurvatureShare: number;
  /** worst (η/2)‖∇R‖²/(R(t) − R(t+1) + allowance) of the β(R) descent inequality, and S(t)/budget of F7 */
  worstBeta: number;
  worstF7: number;
}

function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s.length ? s[s.length >> 1] : NaN;
}

/**
 * JT.Thm1-risk on one run with the A4 step (logistic loss), every quantity of ∇R and R from the trusted kernel (a
 * broken trainer is judged against the exact gradient):
 * - JT.A4 at every step (jtA4: η_t, R_t and W(t) ∈ B(R_t − 1)), and its consequence η_t‖∇_kR‖ < 1 for every layer;
 * - descent-2nd-order (INEQ, two-sided): |R(t+1) − R(t) + η_t‖∇R(t)‖²| ≤ ½ sup_{s∈[0,1]} |d²/ds² R(W(t) + sΔ)| +
 *   rounding, Δ = W(t+1) − W(t) the step taken, the curvature bounded along the segment (src/tolerances/descent.ts).
 *   A correct step's first-order change is exactly −η‖∇R‖²; a trainer whose G_1 is 1 % off changes it by
 *   ∓0.01η‖∇_1R‖², which this check sees whenever that exceeds the second-order term;
 * - descent-beta: R(t+1) ≤ R(t) − (η_t/2)‖∇R(t)‖² + descentAllowance (the theorem's β(R)-smoothness form);
 * - F7: S(t) ≤ 2(R(0) − R(t)) + 2Σ allowances + the rounding of S, every step;
 * - TREND (at geometric checkpoints): log R strictly decreases, and once R < ℓ(0)/n it stays below and keeps falling.
 * The run ends at its second checkpoint inside the regime R < ℓ(0)/n (which forces every margin positive), or at
 * `steps`.
 */
function checkRisk(c: TrainCase, steps: number, trainerGradient: GradientFn, tracker?: RegimeTracker): RiskReport {
  const data = dataOf(c);
  const L = c.weights.length;
  const dims = networkOf(c).dims;
  const entries = c.weights.reduce((s, W) => s + W.length * W[0].length, 0);
  const largest = Math.max(...c.weights.map((W) => W.length * W[0].length));
  const scratch = createSegmentScratch(dims, data.n);
  const delta = dims.slice(1).map((r, k) => new Float64Array(r * dims[k]));
  const shares: number[] = [];
  let energy = 0;
  let allowanceSum = 0;
  let risk0 = NaN;
  let previousRadius: number | undefined;
  let worstSecondOrder = 0;
  let worstBeta = -Infinity;
  let worstF7 = 0;
  let lastRisk = NaN;
  // per checkpoint interval: the descent the inequalities guarantee, Σ(η/2)‖∇R‖², against Σ allowances
  let intervalDrop = 0;
  let intervalAllowance = 0;
  const level = Math.log(logistic.value(0) / data.n);
  const logRisks: { t: number; logR: number; resolved: boolean }[] = [];
  let inRegimeMarks = 0;
  let carried = { t: -1, risk: NaN, gradError: NaN };
  let pending: { observed: number; bound: number; message: string } | null = null;
  let firstViolation = -1;
  const throwPending = () => {
    if (pending) failCheck('descent-2nd-order', pending.observed, pending.bound, pending.message);
  };
  const roundingOf = (ev: Evaluation) => ({ t: ev.t, risk: riskRounding(ev.scale), gradError: norm2(gradientRounding(ev.scale)) });
  let run: DescentRun;
  try {
    run = descendRisk();
  } catch (e) {
    throwPending();
    throw e;
  }
  throwPending();
  if (run.diverged) failCheck('divergence', Infinity, 1, `the run diverged: ${run.diverged}`);
  const unresolvedIntervals = logRisks.slice(1).filter((r) => !r.resolved).length;
  return {
    steps: run.stepsTaken,
    unresolvedIntervals,
    reachedRegime: logRisks[logRisks.length - 1].logR < level,
    closest: (lastRisk * data.n) / logistic.value(0),
    worstSecondOrder,
    medianCurvatureShare: median(shares),
    worstBeta,
    worstF7,
  };

  function descendRisk(): DescentRun {
    return descend({
      c,
      loss: logistic,
      schedule: A4,
      steps,
      trainerGradient,
      exactGradient: true,
      checkpoints: geometricCheckpoints(steps, CHECKPOINTS_PER_OCTAVE),
      pair(prev, cur, w) {
        if (prev.t === 0) risk0 = prev.risk;
        const a4 = jtA4({
          depth: L,
          lipschitz: LOGISTIC_CONSTANTS,
          eta: prev.eta,
          radius: prev.radius,
          maxFrobenius: Math.sqrt(Math.max(...prev.layerSq)),
          entries: largest,
          ...(previousRadius === undefined ? {} : { previousRadius }),
        });
        if (!a4.holds) failCheck('JT.A4', Infinity, 1, `t=${prev.t}: ${a4.reason}`);
        previousRadius = prev.radius;
        prev.layerGradSq.forEach((g2, k) => {
          const move = prev.eta * Math.sqrt(g2);
          if (!(move < 1)) failCheck('A4-step', move, 1, `t=${prev.t}: the A4 step moves layer ${k + 1} by η‖∇_kR‖=${move} ≥ 1`);
        });
        const eta = prev.eta;
        const gradNorm = Math.sqrt(prev.gradSq);
        // the roundings of R̂ and Ĝ at W(t) were computed as the previous step's W(t+1)
        const before = carried.t === prev.t ? carried : roundingOf(prev);
        const after = roundingOf(cur);
        carried = after;
        const gradError = before.gradError;
        let storageSq = 0;
        for (let k = 0; k < L; k++) storageSq += updateRounding(eta, Math.sqrt(prev.layerGradSq[k]), Math.sqrt(cur.layerSq[k])) ** 2;
        const storage = Math.sqrt(storageSq);

        // descent-2nd-order: the step taken, Δ = W(t+1) − W(t), and the curvature along it
        let stepSq = 0;
        for (let k = 0; k < L; k++) {
          const D = delta[k];
          const A = w.after[k];
          const B = w.before[k];
          for (let i = 0; i < D.length; i++) {
            D[i] = A[i] - B[i];
            stepSq += D[i] * D[i];
          }
        }
        const curvature = segmentCurvature(w.before, delta, data, logistic, scratch);
        const riskBefore = before.risk;
        const riskAfter = after.risk;
        const rounding = secondOrderAllowance({
          riskRoundingBefore: riskBefore,
          riskRoundingAfter: riskAfter,
          riskBefore: prev.risk,
          riskAfter: cur.risk,
          eta,
          gradNorm,
          gradError,
          // ‖Δ‖ computed, inflated for its own rounding (m products and sums, one square root)
          stepNorm: Math.sqrt(stepSq) * (1 + gamma(entries + 2)),
          storage,
          entries,
        });
        const secondOrder = curvature.bound / 2 + rounding;
        const gap = Math.abs(cur.risk - prev.risk + eta * prev.gradSq);
        const ratio = gap / secondOrder;
        worstSecondOrder = Math.max(worstSecondOrder, ratio);
        tracker?.tightness('descent-2nd-order', ratio);
        if (curvature.bound > 0) shares.push(Math.abs(curvature.atStart) / curvature.bound);
        // a violation is kept, not thrown: the run goes on so the failure reports its worst step (the first violating
        // step of a drifting fault is barely past the bound); any later failure of another check reports this one first
        if (!(ratio <= 1) && firstViolation < 0) firstViolation = prev.t;
        if (!(ratio <= 1) && !(pending && pending.observed / pending.bound >= ratio))
          pending = {
            observed: gap,
            bound: secondOrder,
            message:
              `worst step t=${prev.t} (first violation at t=${firstViolation}): |R(t+1) − R(t) + η‖∇R‖²| = ${gap.toExponential(4)} > ½ sup|φ''| + rounding = ${secondOrder.toExponential(4)} ` +
              `(η=${eta}, ‖∇R‖²=${prev.gradSq.toExponential(4)}, R(t)=${prev.risk}, R(t+1)=${cur.risk}, ½ sup|φ''|=${(curvature.bound / 2).toExponential(3)}, rounding ${rounding.toExponential(3)})`,
          };

        // descent-beta: the theorem's one-sided inequality with β(R_t)
        const allowance = descentAllowance({
          riskRoundingBefore: riskBefore,
          riskRoundingAfter: riskAfter,
          eta,
          gradNorm,
          gradError,
          nextGradNorm: Math.sqrt(cur.gradSq),
          nextGradError: after.gradError,
          storage,
          smoothness: jiTelgarskySmoothness(L, prev.radius, LOGISTIC_CONSTANTS),
          entries,
        });
        const drop = (eta / 2) * prev.gradSq;
        const residual = cur.risk - prev.risk + drop;
        // as a lower bound on the decrease: guaranteed (η/2)‖∇R‖² against the observed R(t) − R(t+1) + allowance,
        // so observed/bound > 1 exactly when the inequality fails (≈ 0.5 when the step descends as its first order)
        const achieved = prev.risk - cur.risk + allowance;
        const betaRatio = achieved > 0 ? drop / achieved : Infinity;
        worstBeta = Math.max(worstBeta, betaRatio);
        if (residual > allowance)
          failCheck(
            'descent-beta',
            drop,
            achieved,
            `descent inequality fails at t=${prev.t}: R(t+1) − R(t) + (η/2)‖∇R‖² = ${residual.toExponential(3)} > allowance ${allowance.toExponential(3)} (η=${eta}, R(t)=${prev.risk})`,
          );
        intervalDrop += drop;
        intervalAllowance += allowance;
        energy += eta * eta * prev.gradSq;
        allowanceSum += allowance;
        const budget = energyBudget(risk0, cur.risk, allowanceSum) + energyRounding(cur.t, entries) * energy;
        worstF7 = Math.max(worstF7, energy / budget);
        if (energy > budget)
          failCheck('F7', energy, budget, `F7 fails at t=${cur.t}: S(t)=${energy.toExponential(4)} > 2(R(0) − R(t)) + allowances = ${budget.toExponential(4)}`);
      },
      checkpoint(ev) {
        const logR = requirePrecision(ev, logistic, data.n);
        const b = { t: ev.t, logR, resolved: intervalDrop > intervalAllowance };
        intervalDrop = 0;
        intervalAllowance = 0;
        lastRisk = ev.risk;
        const a = logRisks[logRisks.length - 1];
        logRisks.push(b);
        if (a && b.resolved) {
          if (!(b.logR < a.logR))
            failCheck('TREND', Math.exp(b.logR - a.logR), 1, `log R did not fall between checkpoints t=${a.t} (${a.logR}) and t=${b.t} (${b.logR})`);
          if (a.logR < level && !(b.logR < level))
            failCheck('TREND', Math.exp(b.logR - level), 1, `R fell below ℓ(0)/n at t=${a.t} but is back above it at t=${b.t}`);
        }
        if (logR < level) inRegimeMarks++;
        // two checkpoints inside the regime, the fall between them resolved: the run has shown what the claim says
        return inRegimeMarks >= 2 && b.resolved;
      },
    });
  }
}

const RISK_REGIME: RegimeSpec = {
  regime: 'R < ℓ(0)/n (every margin positive) at the last checkpoint',
  closest: 'R·n/ℓ(0) at the last step',
};

describe('JT.Thm1-risk: R(W(t)) → 0 under the A4 step', () => {
  test(
    claimTitle(
      'JT.Thm1-risk',
      'INEQ+MONO+TREND: second-order descent identity, β(R) descent inequality and JT.A4 at every step, F7 S(t) ≤ 2(R(0) − R(t)), log R falls across geometric checkpoints into R < ℓ(0)/n',
    ),
    () => {
      // the loss-level hypotheses of the claim (the data-level ones are the generator's promise, A2 its filter)
      for (const h of [jtA1(logistic), jtA3(logistic)]) expect(h.holds, h.reason).toBe(true);
      const reports: RiskReport[] = [];
      const tracker = new RegimeTracker('JT.Thm1-risk', RISK_REGIME);
      const gradient = trainerGradient();
      assertClaim(
        'JT.Thm1-risk',
        fc.property(riskCase, (c) => {
          const r = checkRisk(c, RISK_STEPS, gradient, tracker);
          tracker.run(r.reachedRegime, r.closest);
          tracker.tightness('descent-beta', r.worstBeta);
          tracker.tightness('F7', r.worstF7);
          reports.push(r);
        }),
        { numRuns: runs(24), toSpec: ([c]) => specOf(c, 'logistic', A4, RISK_STEPS), classify: ([c]) => trainClass(c) },
      );
      const steps = reports.map((r) => r.steps);
      console.log(
        `JT.Thm1-risk: ${reports.length} runs, steps per run median ${median(steps)} (max ${Math.max(...steps)}, cap ${RISK_STEPS}); ` +
          `${reports.reduce((s, r) => s + r.unresolvedIntervals, 0)} checkpoint intervals unresolved; ` +
          `curvature at the step's start / the bound along it: median over runs ${median(reports.map((r) => r.medianCurvatureShare)).toFixed(3)}`,
      );
      console.log(tracker.describe());
      tracker.assertReached();
    },
    timeout(8000),
  );

  test(
    claimTitle('JT.Thm1-risk', `twin: fails when the trainer has ${faultName(SCALE_G1)}; the second-order descent check catches it`),
    () => {
      // Not shrunk: the fault's first-order term 0.01η‖∇_1R‖² grows continuously against the second-order bound, so
      // shrinking only walks to a case on the detection boundary (observed/bound → 1⁺, e.g. 1.13 at weights ≈ 0 where
      // both are at the rounding floor). A typical drawn case shows how much the check has in hand. Measured: the first
      // drawn case fails at seeds 1–20, its worst step's observed/bound median 5.3, min 1.32 (seed 2), max 53; at the
      // default seed see the log line. minRatio 1.25 sits below that minimum.
      findCounterexample(
        'JT.Thm1-risk',
        fc.property(fc.noShrink(riskCase), (c) => {
          checkRisk(c, TWIN_STEPS, brokenGradient(SCALE_G1));
        }),
        { numRuns: runs(20), label: `twin, ${faultName(SCALE_G1)}`, expectCheck: 'descent-2nd-order', minRatio: 1.25 },
      );
    },
    timeout(2000, false),
  );

  test(
    claimTitle('JT.Thm1-risk', `twin: fails when the trainer has ${faultName(ASCENT_G1)} (a sign error)`),
    () => {
      findCounterexample(
        'JT.Thm1-risk',
        fc.property(logisticCase, (c) => {
          checkRisk(c, 64, brokenGradient(ASCENT_G1));
        }),
        // measured over seeds 1–20: the shrunk case is caught by observed/bound 14 (10 seeds), 49 (9) or 730 (1)
        { numRuns: runs(100), label: `twin, ${faultName(ASCENT_G1)}`, expectCheck: 'descent-2nd-order', minRatio: 10 },
      );
    },
    timeout(2000, false),
  );
});

/**
 * The targeted searches (thorough profile only): each climbs riskFamily's parameters — the main property's shapes
 * (L ≤ 3, widths and d ≤ 3, n ≤ 8), its three init kinds, the data draw and the Gaussian init's entries — to push one
 * INEQ's worst observed/bound over a run up. A run is checkRisk with the main property's stopping rule (two
 * checkpoints inside R < ℓ(0)/n) at a shorter horizon, SEARCH_STEPS = 1,024 (the twin's): descent-beta's and F7's
 * ratios peak in the first steps (both fall as the norms, hence R_t, grow: below), and descent-2nd-order is checked
 * at every step of every run regardless. The three searches share one cache (one run gives all three ratios).
 * Findings (seed 20190401, 3 searches × 300 cases each; the main property's 240 thorough draws in brackets):
 * - descent-2nd-order: 1 − 1.1e-6 (drawn "1.00"): the bound is attained — R(t+1) − R(t) + η‖∇R‖² = ½φ''(s*)
 *   for some s* ∈ [0, 1], which equals ½ sup|φ''| when the curvature along the step is constant.
 * - descent-beta: 0.5044 (drawn 0.501). With φ'' = η²‖∇R‖²λ along the step, observed/bound = 1/(2 − η_tλ), and
 *   η_tλ ≤ λ/β(R_t) ≤ 0.1124 (JT.Lem5's largest curvature ratio), so no correct run exceeds 1/(2 − 0.1124) = 0.530: a
 *   correct step realises about twice the decrease the inequality guarantees.
 * - F7: 0.0442 (drawn 0.0422), loose by 23×, and by construction: each step's η_t²‖∇R‖² is η_t/(2 − η_tλ) times
 *   its 2(R(t) − R(t+1)), and η_t = 1/β(R_t) ≤ 1/β(1) = 1/10 (L = 2; 1/22.5 at L = 3), so S(t)/2(R(0) − R(t)) ≤
 *   0.1/(2 − 0.1124) = 0.053 on every correct run; the search's best is at L = 2, width = d = n = 1, the smallest init.
 */
const SEARCH_BOUNDS: RiskFamilyBounds = { maxDepth: 3, maxWidth: 3, maxDim: 3, maxSamples: 8 };
const SEARCH_PARAMETERS = riskFamilyParameters(SEARCH_BOUNDS);
/** the thorough profile's riskCase margin floor (the searches run only there) */
const SEARCH_MIN_MARGIN = 1 / 16;
const SEARCH_STEPS = 1024;
const SEARCH_BUDGET = 300;
const SEARCH_SEEDS = 3;
const searchRuns = new Map<string, RiskReport | null>();

function searchRun(p: readonly number[]): RiskReport | null {
  const key = p.join(',');
  if (searchRuns.has(key)) return searchRuns.get(key)!;
  const c = riskFamilyCase(p, SEARCH_BOUNDS, SEARCH_MIN_MARGIN, logistic);
  const r = c === null ? null : checkRisk(c, SEARCH_STEPS, trainerGradient());
  searchRuns.set(key, r);
  return r;
}

const TARGETED: readonly { check: 'descent-2nd-order' | 'descent-beta' | 'F7'; of: (r: RiskReport) => number; statement: string }[] = [
  { check: 'descent-2nd-order', of: (r) => r.worstSecondOrder, statement: "|R(t+1) − R(t) + η‖∇R‖²| ≤ ½ sup|φ''| + rounding" },
  { check: 'descent-beta', of: (r) => r.worstBeta, statement: 'R(t+1) ≤ R(t) − (η_t/2)‖∇R‖² + rounding' },
  { check: 'F7', of: (r) => r.worstF7, statement: 'S(t) ≤ 2(R(0) − R(t)) + allowances' },
];

if (currentProfile().name === 'thorough')
  describe('JT.Thm1-risk: targeted search of the INEQ checks (thorough profile)', () => {
    for (const t of TARGETED) {
      const title = claimTitle('JT.Thm1-risk', `INEQ ${t.check}: ${t.statement} at the cases a targeted search finds (thorough profile)`);
      test(
        title,
        () => {
          const found = runTargetedCheck({
            claimId: 'JT.Thm1-risk',
            check: t.check,
            parameters: SEARCH_PARAMETERS,
            objective: (p) => {
              const r = searchRun(p);
              return r === null ? Number.NEGATIVE_INFINITY : t.of(r);
            },
            seeds: Array.from({ length: SEARCH_SEEDS }, (_, i) => globalSeed() + i),
            budget: SEARCH_BUDGET,
            patience: 24,
            maxJump: 6,
            active: (p) => riskFamilyActive(p, SEARCH_BOUNDS),
            command: `DLNCHECK_PROFILE=thorough npx vitest run properties/jt/thm1-risk.property.test.ts -t '${t.check}: '`,
            describeCase: (p) => {
              const c = riskFamilyCase(p, SEARCH_BOUNDS, SEARCH_MIN_MARGIN, logistic);
              return c === null ? 'fails JT.A2' : JSON.stringify(specOf(c, 'logistic', A4, SEARCH_STEPS));
            },
          });
          console.log(
            `JT.Thm1-risk targeted ${t.check}: best ratio ${found.best.value.toPrecision(6)} (1 − ratio = ${(1 - found.best.value).toExponential(2)}) over ${found.evaluations} evaluations`,
          );
        },
        timeout(4000, false),
      );
    }
  });

/** The A1 ablation's loss: logistic + e^{−(u−2)²}, stalling at u* ≈ 0.56 (src/losses/logisticBump.ts). */
const BUMP = logisticBump({ epsilon: 1, center: 2 });
const BUMP_STEPS = 2048;

function bumpSpec(c: TrainCase, steps: number): SpecInput {
  return { ...specOf(c, 'logistic', A4, steps), loss: { expression: BUMP.expression, lipschitz: BUMP.lipschitz } };
}

/** y_i f(x_i) at W(0). */
function initialMargins(c: TrainCase): number[] {
  const net = networkOf(c);
  const data = dataOf(c);
  const ws = createWorkspace(net.dims, data.n);
  riskAndGradient(ws, net, data, logistic, zerosLike(net));
  return [...ws.margins];
}

/** Thm1-risk's finite consequence "R(T) < ℓ(0)/n by the horizon" (every point classified). */
function riskFallsBelowLevel(c: TrainCase, loss: MarginLoss, schedule: ScheduleSpec, steps: number): boolean {
  const data = dataOf(c);
  const res = gradientDescent({ network: networkOf(c), data, loss, schedule, steps });
  return res.diverged === null && res.finalRisk < loss.value(0) / data.n;
}

describe('JT ablations (the ablations in docs/claims.md)', () => {
  {
    const ab = ablationTest('JT.Thm1-risk', 'separable');
    test(
      ab.title,
      () => {
        // only separability is dropped: the init still satisfies JT.A2 (oriented and filtered as in trainCase)
        const cases = nonSeparableDataset({ maxDim: 3, maxSamples: 6 })
          .chain((ds) =>
            architecture({ minDepth: 2, maxDepth: 3, maxWidth: 3, minInputDim: ds.x[0].length, maxInputDim: ds.x[0].length }).chain((arch) =>
              gaussianInit(arch, { scale: 1 / 2 }).map((weights): TrainCase => ({ x: ds.x, y: ds.y.map((v) => (v > 0 ? 1 : -1)), weights })),
            ),
          )
          .map((c) => orientForA2(c, logistic))
          .filter((c) => jtA2(networkOf(c), dataOf(c), logistic).holds);
        const found = findCounterexample(
          'JT.Thm1-risk',
          fc.property(cases, (c) => riskFallsBelowLevel(c, logistic, A4, 1024)),
          { numRuns: runs(50), label: ab.label, toSpec: ([c]) => specOf(c, 'logistic', A4, 1024) },
        );
        // bounded away from 0 for every t, not only at the horizon: some margin is ≤ 0, so R ≥ ℓ(0)/n
        const [c] = found.counterexample;
        expect(maxMarginDirection(signedSamples(dataOf(c)), c.x.length, c.x[0].length)).toBeNull();
      },
      timeout(2000, false),
    );
  }

  {
    const ab = ablationTest('JT.Thm1-risk', 'JT.A2');
    test(
      ab.title,
      () => {
        // L = 2, d = n = 1 with w_2 = −w_1 + k/8 and no A2 filter: fast-check must find the mirror k = 0
        const cases = fc
          .record({
            a: fc.integer({ min: 1, max: 8 }),
            offset: fc.integer({ min: -4, max: 4 }),
            x: fc.integer({ min: 0, max: 7 }),
            sx: fc.constantFrom(1, -1),
            y: fc.constantFrom<1 | -1>(1, -1),
          })
          .map(({ a, offset, x, sx, y }): TrainCase => ({ x: [[(sx * (8 - x)) / 8]], y: [y], weights: [[[a / 8]], [[(-a + offset) / 8 + 0]]] }));
        const found = findCounterexample(
          'JT.Thm1-risk',
          fc.property(cases, (c) => riskFallsBelowLevel(c, logistic, A4, 2048)),
          {
            numRuns: runs(200),
            label: ab.label,
            toSpec: ([c]) => specOf(c, 'logistic', A4, 2048),
          },
        );
        const [c] = found.counterexample;
        // the shrunk case is JT.A2-necessary's up to the symmetry (z, w_2) ↦ (−z, −w_2): |z| = 1, |w_2| = |w_1| and
        // z·w_1·w_2 < 0, so the margin is −w_1² forever
        const z = c.x[0][0] * c.y[0];
        const [w1, w2] = [c.weights[0][0][0], c.weights[1][0][0]];
        expect(Math.abs(z)).toBe(1);
        expect(Math.abs(w2)).toBe(Math.abs(w1));
        expect(z * w1 * w2).toBeLessThan(0);
        expect(jtA2(networkOf(c), dataOf(c), logistic).holds).toBe(false);
      },
      timeout(2000, false),
    );
  }

  {
    const ab = ablationTest('JT.Thm1-risk', 'JT.A1', 'logistic plus a Gaussian bump e^{−(u−2)²}: the iterate stalls where ℓ′ = 0');
    test(
      ab.title,
      () => {
        // A1 alone: ℓ = logistic + e^{−(u−2)²} is positive, smooth and → 0, keeps A3 (declared β = 2.25, G = 1.875, so
        // the A4 step exists), and the cases satisfy A2 for it and are separable — only "ℓ' < 0" fails, on (0.56, ≈2.5)
        // Inits with every margin ≥ 1/8 (a subset of A2's R(W(0)) < ℓ(0)): away from the saddle at W = 0, where a run
        // stalls under any loss, the only thing that stops the margins is ℓ' = 0 at u* ≈ 0.56
        const cases = trainCase({ maxDepth: 2, maxDim: 2, maxSamples: 4, minMargin: 1 / 4, loss: BUMP }).filter((c) =>
          initialMargins(c).every((m) => m >= 1 / 8),
        );
        const found = findCounterexample(
          'JT.Thm1-risk',
          fc.property(cases, (c) => riskFallsBelowLevel(c, BUMP, A4, BUMP_STEPS)),
          { numRuns: runs(50), label: ab.label, toSpec: ([c]) => bumpSpec(c, BUMP_STEPS) },
        );
        const [c] = found.counterexample;
        const data = dataOf(c);
        expect(jtA1(BUMP).holds).toBe(false);
        expect(jtA2(networkOf(c), data, BUMP).holds).toBe(true);
        expect(jtA3(BUMP).holds).toBe(true);
        // the stall: the run ends at a stationary point with the risk still above ℓ(0)/n, every margin below the bump
        const ws = createWorkspace(networkOf(c).dims, data.n);
        const end = gradientDescent({ network: networkOf(c), data, loss: BUMP, schedule: A4, steps: BUMP_STEPS });
        const grads = zerosLike(end.network);
        const risk = riskAndGradient(ws, end.network, data, BUMP, grads);
        const gradNorm = Math.sqrt(grads.reduce((s, G) => s + sumOfSquares(G), 0));
        const margins = [...ws.margins];
        const stall = bumpStall(BUMP, 2)!;
        expect(risk).toBeGreaterThanOrEqual(BUMP.value(0) / data.n);
        // every margin is stuck on the rising side of the bump, below its crest, and some margin sits at ℓ' ≈ 0
        expect(Math.max(...margins)).toBeLessThan(2);
        expect(Math.max(...margins.map((m) => BUMP.derivative(m)))).toBeGreaterThan(-0.05);
        // control: with JT.A1 restored (the plain logistic loss, same case, same horizon) R falls below ℓ(0)/n
        expect(riskFallsBelowLevel(c, logistic, A4, BUMP_STEPS)).toBe(true);
        console.log(
          `JT.Thm1-risk ${ab.label}: after ${BUMP_STEPS} steps R=${risk.toPrecision(4)} ≥ ℓ(0)/n=${(BUMP.value(0) / data.n).toPrecision(4)}, ‖∇R‖=${gradNorm.toExponential(2)}, ` +
            `margins ${margins.map((m) => m.toFixed(3)).join(', ')} (ℓ' = 0 at u*=${stall.toFixed(4)}); the logistic loss on the same case gets below ℓ(0)/n`,
        );
      },
      // the first test to read the stored case parses its expression loss: mathjs loads (≈ 1 s CPU) unless loaded already
      timeout(4000, false),
    );
  }

  {
    const ab = ablationTest('JT.Thm1-risk', 'JT.A1', 'loudly, squared loss on ±1 labels (breaks A2–A4 as well): norms stay bounded');
    test(
      ab.title,
      () => {
        // the loud variant: squared loss ½(f − y)² on ±1 labels (no A4 constants exist: a constant step 1/8), which is
        // not a margin loss at all, so A2–A4 go with A1 (explain marks them all); MONO of JT.Thm1-norms
        const cases = separableDataset({ maxDim: 2, maxSamples: 4 }).chain((ds) =>
          architecture({ minDepth: 2, maxDepth: 3, maxWidth: 2, minInputDim: ds.x[0].length, maxInputDim: ds.x[0].length }).chain((arch) =>
            gaussianInit(arch, { scale: 1 }).map((weights): TrainCase => ({ x: ds.x, y: ds.y.map((v) => (v > 0 ? 1 : -1)), weights })),
          ),
        );
        let finalNorms: number[] = [];
        const normsKeepGrowing = (c: TrainCase): boolean => {
          const data = datasetFromArrays(c.x, c.y, 'regression');
          expect(jtA1(squared).holds).toBe(false);
          let prev: number[] | null = null;
          let prevPositive = false;
          let ok = true;
          gradientDescent({
            network: networkOf(c),
            data,
            loss: squared,
            schedule: { kind: 'constant', eta: 1 / 8 },
            steps: 256,
            onStep(v) {
              const norms = v.weights.map(frobenius);
              let minMargin = Infinity;
              for (let i = 0; i < data.n; i++) minMargin = Math.min(minMargin, c.y[i] * v.workspace.outputs[i]);
              // a decrease beyond the F3-type rounding of the squared norms (γ_m each) is a real decrease
              if (prev && prevPositive && norms.some((nk, k) => nk * nk < prev![k] * prev![k] * (1 - 2 * gamma(v.weights[k].length + 4)))) ok = false;
              prev = norms;
              prevPositive = minMargin > 0;
              finalNorms = norms;
            },
          });
          return ok;
        };
        const found = findCounterexample('JT.Thm1-risk', fc.property(cases, normsKeepGrowing), {
          numRuns: runs(100),
          label: ab.label,
          toSpec: ([c]) => specOf(c, 'squared', { kind: 'constant', eta: 1 / 8 }, 256),
        });
        normsKeepGrowing(found.counterexample[0]);
        console.log(
          `JT.Thm1-risk ${ab.label}: with every margin positive a layer norm fell; norms after 256 steps stay bounded: ${finalNorms.map((v) => v.toPrecision(4)).join(', ')}`,
        );
      },
      timeout(2000, false),
    );
  }

  {
    const ab = ablationTest('JT.Thm1-risk', 'JT.A4');
    test(
      ab.title,
      () => {
        // constant η = 2^k/β(R_0) with k ≥ 10, R_0 = max_k‖W_k(0)‖_F + 1 (A4 would take η ≤ 1/β(R_0)); measured:
        // on these small separable problems no run's risk rose for k ≤ 6, about a fifth did for k ≥ 10; with k ≤ 16 the
        // seed sweep found a seed (5) with no rise in 100 runs, so k goes up to 40 (a step still "far above 1/β(R)")
        const cases = fc.tuple(logisticCase, fc.integer({ min: 10, max: 40 }));
        const riskNeverRises = ([c, k]: [TrainCase, number]): boolean => {
          const net = networkOf(c);
          const R0 = Math.max(...net.weights.map(frobenius)) + 1;
          const eta = 2 ** k / jiTelgarskySmoothness(net.weights.length, R0, LOGISTIC_CONSTANTS);
          let prev = Infinity;
          let ok = true;
          const res = gradientDescent({
            network: net,
            data: dataOf(c),
            loss: logistic,
            schedule: { kind: 'constant', eta },
            steps: 128,
            onStep(v) {
              // a rise beyond both risks' rounding (few ulps of R: the n-term sum and the loss evaluations)
              if (v.risk > prev * (1 + 2 * gamma(c.x.length + 6))) ok = false;
              prev = v.risk;
            },
          });
          // a run whose risk or weights overflow has risen without bound: that is the counterexample too
          return ok && res.diverged === null;
        };
        findCounterexample('JT.Thm1-risk', fc.property(cases, riskNeverRises), { numRuns: runs(100), label: ab.label });
      },
      timeout(2000, false),
    );
  }
});
