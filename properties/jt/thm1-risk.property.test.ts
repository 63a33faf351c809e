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
import { riskChangeResolved } from '../../src/metrics/logRisk.js';
import { frobenius } from '../../src/linalg/norms.js';
import { descentAllowance, gradientRounding, riskRounding, updateRounding } from '../../src/tolerances/jtRounding.js';
import { energyBudget, energyRounding } from '../../src/tolerances/jt.js';
import { norm2 } from '../../src/linalg/dense.js';
import { gamma } from '../../src/tolerances/rounding.js';
import { brokenGradient, faultName } from '../../src/trainer/brokenGradient.js';
import type { GradientFn } from '../../src/trainer/gradient.js';
import { gradientDescent } from '../../src/trainer/gradientDescent.js';
import { jiTelgarskySmoothness, type ScheduleSpec } from '../../src/trainer/schedule.js';
import { assertClaim, findCounterexample } from '../../src/verify/claimProperty.js';
import { horizon, runs } from '../../src/verify/profile.js';
import { geometricCheckpoints } from '../../src/metrics/geometricCheckpoints.js';
import { descend, fail, requirePrecision } from '../../src/verify/jt/descend.js';
import {
  A4,
  ASCENT_G1,
  LOGISTIC_CONSTANTS,
  type TrainCase,
  dataOf,
  logisticCase,
  networkOf,
  orientForA2,
  specOf,
  timeout,
} from '../../src/verify/jt/trainCase.js';

const RISK_STEPS = horizon(4000);

interface RiskReport {
  steps: number;
  /** steps whose guaranteed descent (η/2)‖∇R‖² is below the rounding allowance */
  unresolved: number;
  /** checkpoint intervals likewise (no direction can be read from them) */
  unresolvedIntervals: number;
  reachedRegime: boolean;
}

/**
 * JT.Thm1-risk on one run with the A4 step (logistic loss):
 * - JT.A4 at every step (jtA4: η_t, R_t and W(t) ∈ B(R_t − 1)), and its consequence η_t‖∇_kR‖ < 1 for every layer;
 * - INEQ: R(t+1) ≤ R(t) − (η_t/2)‖∇R(t)‖² + descentAllowance, every step;
 * - F7: S(t) ≤ 2(R(0) − R(t)) + 2Σ allowances + the rounding of S, every step;
 * - TREND (at geometric checkpoints): log R strictly decreases, and once R < ℓ(0)/n it stays below and keeps falling.
 */
function checkRisk(c: TrainCase, steps: number, trainerGradient?: GradientFn): RiskReport {
  const data = dataOf(c);
  const L = c.weights.length;
  const entries = c.weights.reduce((s, W) => s + W.length * W[0].length, 0);
  const largest = Math.max(...c.weights.map((W) => W.length * W[0].length));
  let energy = 0;
  let allowanceSum = 0;
  let risk0 = NaN;
  let unresolved = 0;
  let unresolvedIntervals = 0;
  let previousRadius: number | undefined;
  // per checkpoint interval: the descent the inequalities guarantee, Σ(η/2)‖∇R‖², against Σ allowances
  let intervalDrop = 0;
  let intervalAllowance = 0;
  const logRisks: { t: number; logR: number; resolved: boolean }[] = [];
  const run = descend({
    c,
    loss: logistic,
    schedule: A4,
    steps,
    ...(trainerGradient ? { trainerGradient } : {}),
    exactGradient: true,
    checkpoints: geometricCheckpoints(steps),
    pair(prev, cur) {
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
      if (!a4.holds) fail(`t=${prev.t}: ${a4.reason}`);
      previousRadius = prev.radius;
      prev.layerGradSq.forEach((g2, k) => {
        if (!(prev.eta * Math.sqrt(g2) < 1)) fail(`t=${prev.t}: the A4 step moves layer ${k + 1} by η‖∇_kR‖=${prev.eta * Math.sqrt(g2)} ≥ 1`);
      });
      const eta = prev.eta;
      const storage = norm2(prev.layerGradSq.map((g2, k) => updateRounding(eta, Math.sqrt(g2), Math.sqrt(cur.layerSq[k]))));
      const allowance = descentAllowance({
        riskRoundingBefore: riskRounding(prev.scale),
        riskRoundingAfter: riskRounding(cur.scale),
        eta,
        gradNorm: Math.sqrt(prev.gradSq),
        gradError: norm2(gradientRounding(prev.scale)),
        nextGradNorm: Math.sqrt(cur.gradSq),
        nextGradError: norm2(gradientRounding(cur.scale)),
        storage,
        smoothness: jiTelgarskySmoothness(L, prev.radius, LOGISTIC_CONSTANTS),
        entries,
      });
      const drop = (eta / 2) * prev.gradSq;
      const residual = cur.risk - prev.risk + drop;
      if (residual > allowance)
        fail(
          `descent inequality fails at t=${prev.t}: R(t+1) − R(t) + (η/2)‖∇R‖² = ${residual.toExponential(3)} > allowance ${allowance.toExponential(3)} (η=${eta}, R(t)=${prev.risk})`,
        );
      if (!riskChangeResolved(drop, allowance).resolved) unresolved++;
      intervalDrop += drop;
      intervalAllowance += allowance;
      energy += eta * eta * prev.gradSq;
      allowanceSum += allowance;
      const budget = energyBudget(risk0, cur.risk, allowanceSum) + energyRounding(cur.t, entries) * energy;
      if (energy > budget) fail(`F7 fails at t=${cur.t}: S(t)=${energy.toExponential(4)} > 2(R(0) − R(t)) + allowances = ${budget.toExponential(4)}`);
    },
    checkpoint(ev) {
      logRisks.push({ t: ev.t, logR: requirePrecision(ev, logistic, data.n), resolved: intervalDrop > intervalAllowance });
      intervalDrop = 0;
      intervalAllowance = 0;
    },
  });
  if (run.diverged) fail(`the run diverged: ${run.diverged}`);
  const level = Math.log(logistic.value(0) / data.n);
  let inRegime = false;
  for (let j = 1; j < logRisks.length; j++) {
    const a = logRisks[j - 1];
    const b = logRisks[j];
    // an interval whose guaranteed descent is below its rounding allowance cannot show a direction: unresolved
    if (!b.resolved) {
      unresolvedIntervals++;
      continue;
    }
    if (!(b.logR < a.logR)) fail(`TREND: log R did not fall between checkpoints t=${a.t} (${a.logR}) and t=${b.t} (${b.logR})`);
    if (a.logR < level) inRegime = true;
    if (inRegime && !(b.logR < level)) fail(`TREND: R fell below ℓ(0)/n at t≤${a.t} but is back above it at t=${b.t}`);
  }
  return { steps, unresolved, unresolvedIntervals, reachedRegime: inRegime || logRisks[logRisks.length - 1].logR < level };
}

describe('JT.Thm1-risk: R(W(t)) → 0 under the A4 step', () => {
  test(
    claimTitle(
      'JT.Thm1-risk',
      'INEQ+MONO+TREND: descent inequality and JT.A4 at every step, F7 S(t) ≤ 2(R(0) − R(t)), log R falls across geometric checkpoints',
    ),
    () => {
      // the loss-level hypotheses of the claim (the data-level ones are the generator's promise, A2 its filter)
      for (const h of [jtA1(logistic), jtA3(logistic)]) expect(h.holds, h.reason).toBe(true);
      const reports: RiskReport[] = [];
      assertClaim(
        'JT.Thm1-risk',
        fc.property(logisticCase, (c) => {
          reports.push(checkRisk(c, RISK_STEPS));
        }),
        { numRuns: runs(24), toSpec: ([c]) => specOf(c, 'logistic', A4, RISK_STEPS) },
      );
      const unresolved = reports.reduce((s, r) => s + r.unresolved, 0);
      console.log(
        `JT.Thm1-risk: ${reports.length} runs × ${RISK_STEPS} steps; ${unresolved} steps with (η/2)‖∇R‖² below the rounding level (unresolved), ` +
          `${reports.reduce((s, r) => s + r.unresolvedIntervals, 0)} such checkpoint intervals; ` +
          `${reports.filter((r) => r.reachedRegime).length} runs reached R < ℓ(0)/n`,
      );
    },
    timeout(8000),
  );

  test(
    claimTitle('JT.Thm1-risk', `twin: fails when the trainer has ${faultName(ASCENT_G1)} (a sign error)`),
    () => {
      findCounterexample(
        'JT.Thm1-risk',
        fc.property(logisticCase, (c) => {
          checkRisk(c, 64, brokenGradient(ASCENT_G1));
        }),
        { numRuns: runs(100), label: `twin, ${faultName(ASCENT_G1)}` },
      );
    },
    timeout(2000, false),
  );
});

/** Thm1-risk's finite consequence "R(T) < ℓ(0)/n by the horizon" (every point classified). */
function riskFallsBelowLevel(c: TrainCase, loss: MarginLoss, schedule: ScheduleSpec, steps: number): boolean {
  const data = dataOf(c);
  const res = gradientDescent({ network: networkOf(c), data, loss, schedule, steps });
  return res.diverged === null && res.finalRisk < loss.value(0) / data.n;
}

describe('JT ablations (CLAIMS §7)', () => {
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
    const ab = ablationTest('JT.Thm1-risk', 'JT.A1');
    test(
      ab.title,
      () => {
        // squared loss ½(f − y)² on ±1 labels (no A4 constants exist: a constant step 1/8); MONO of JT.Thm1-norms
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
