/**
 * JT.Thm1-rank1 (F5), JT.Thm1-align (F6) and JT.Thm1-prod (the product bounds and a pooled TREND) at geometric
 * checkpoints, each with the proof's own invariant (F2 summed: the F2-drift check), a regime tracker, twins and the
 * rank1 row of the §7 ablations. The three claims share one file because they read the same cached GD trajectories
 * (same generator, seed and horizon): the first test to meet a case runs it, the other two read its checkpoints from
 * the cache. Split apart, each file would pay for every trajectory again.
 *
 * Cases (alignmentCase): d ≥ 2 and hidden widths ≥ 2, so no layer but the output row is rank one and no pair is
 * aligned by construction; Gaussian init σ = 1/20; the JT.A4 step (checked at every step with jtA4), the step the GD
 * theorem permits. F5, F6 and the product bounds have slack D + 4S(t) that a gradient 1 % off never uses up; the
 * F2-drift check compares the balancedness drift with the second-order sums it must equal up to the sign structure,
 * so the main properties fail on a 1 % fault in one layer (see the twins), and the regime trackers make them fail on
 * a trainer that never moves.
 */
import { describe, test } from 'vitest';
import fc from 'fast-check';
import { architecture, balancedInit, gaussianInit, separableDataset } from '../../src/arbitraries/index.js';
import { jtA4 } from '../../src/assumptions/index.js';
import type { A4Step } from '../../src/assumptions/jtA4.js';
import { ablationTest, claimTitle } from '../../src/claims/registry.js';
import { dot } from '../../src/linalg/dense.js';
import { logistic } from '../../src/losses/logistic.js';
import { productAlignment } from '../../src/metrics/alignment.js';
import {
  adjacentAlignmentBound,
  alignmentRounding,
  energyRounding,
  initializationConstant,
  productAlignmentAllowance,
  productAlignmentLowerBound,
  rankOneGapBound,
  rankOneGapRounding,
} from '../../src/tolerances/jt.js';
import {
  driftRounding,
  evaluationScaleBuffer,
  evaluationScaleInto,
  gradientConsistencyInto,
  marginRounding,
  svdRoundings,
  updateRounding,
} from '../../src/tolerances/jtRounding.js';
import { UNIT_ROUNDOFF } from '../../src/tolerances/rounding.js';
import { brokenGradient, faultName, type GradientFault } from '../../src/trainer/brokenGradient.js';
import type { GradientFn } from '../../src/trainer/gradient.js';
import { gradientDescent } from '../../src/trainer/gradientDescent.js';
import { assertClaim, findCounterexample } from '../../src/verify/claimProperty.js';
import { failCheck } from '../../src/verify/checkFailure.js';
import { horizon, runs } from '../../src/verify/profile.js';
import { sumOfSquares } from '../../src/linalg/sumOfSquares.js';
import { geometricCheckpoints } from '../../src/metrics/geometricCheckpoints.js';
import { type Spectrum, spectra } from '../../src/metrics/layerSpectrum.js';
import { fail } from '../../src/verify/jt/descend.js';
import { alignmentCase, alignmentClass, nonTrivialLayers } from '../../src/verify/jt/alignmentCase.js';
import {
  ALIGN_REGIME,
  PROD_REGIME,
  RANK1_REGIME,
  type RegimeInputs,
  alignmentRegime,
  productRegime,
  rankOneRegime,
} from '../../src/verify/jt/alignmentRegime.js';
import { type DriftSnapshot, DriftLedger, checkDrift } from '../../src/verify/jt/driftCheck.js';
import { A4, SCALE_G1, TRANSPOSE_G1, type TrainCase, dataOf, networkOf, specOf, timeout } from '../../src/verify/jt/trainCase.js';
import { fallingTrend, TREND_LEVEL } from '../../src/verify/statistics.js';
import { currentFault, faultSpec, trainerGradient } from '../../src/verify/fault.js';
import { RegimeTracker } from '../../src/verify/regime.js';

/** One horizon for the three checkpoint claims, so one GD run per case serves all three (see the trajectory cache). */
const ALIGN_STEPS = horizon(1 << 13);

const ALIGN_RUNS = 30;

/**
 * Twin horizons. The 1 % twins need no regime: the F2-drift residual grows with ‖W‖² from the first steps (measured
 * observed/bound 7–40 at 1024 steps over 20 cases; the shrunk case fails at t = 1). The transpose twins need the
 * norms to have grown: at 512 steps F5's shrunk failure was by a hair (observed/bound 1.018), at 1024 by 1.66, so
 * F5's twin runs 1024 steps and F6's and the product's, which fail clearly at 512, run 512.
 */
const TWIN_STEPS = 128;
const TRANSPOSE_F5_STEPS = 1024;
const TRANSPOSE_TWIN_STEPS = 512;

const alignCase = alignmentCase({ loss: logistic });

/** What the checks know at a checkpoint: D, S(t), the accumulated drift rounding and the F2-drift snapshot. */
interface AlignmentContext {
  readonly t: number;
  readonly dims: readonly number[];
  readonly D: ReturnType<typeof initializationConstant>;
  readonly energy: number;
  /** Σ_τ driftRounding(τ) */
  readonly drift: number;
  readonly entries: number;
  readonly spectra: Spectrum[];
  readonly weights: readonly Float64Array[];
  readonly risk: number;
  /** min_i m_i and its rounding (every margin positive: part of the TREND's regime) */
  readonly minMargin: number;
  readonly marginRounding: number;
  /** F2 summed, per pair */
  readonly balance: DriftSnapshot;
}

/**
 * A GD run (A4 step, logistic) that accumulates S(t) = Σ η²‖G‖² and the per-layer T_j(t) of the steps actually
 * taken, the per-step drift rounding (driftRounding), checks JT.A4 at every step (jtA4: η_t = min{1/β(R_t), 1} with
 * W(t) ∈ B(R_t − 1) and the keep-or-enlarge rule), and records every geometric checkpoint with the layers' spectra
 * and the F2-drift snapshot. The step hook allocates only at checkpoints: per step it refills buffers sized once
 * (norms, one evaluationScaleInto, jtA4 on a reused step record).
 */
function alignmentTrajectory(c: TrainCase, steps: number, gradient: GradientFn): AlignmentContext[] {
  const net = networkOf(c);
  const data = dataOf(c);
  const dims = net.dims;
  const L = dims.length - 1;
  const D = initializationConstant(net.weights, dims);
  const ledger = new DriftLedger(net.weights, dims);
  const entries = net.weights.reduce((s, W) => s + W.length, 0);
  const largest = Math.max(...net.weights.map((W) => W.length));
  const marks = new Set(geometricCheckpoints(steps));
  const out: AlignmentContext[] = [];
  // per-step state, allocated once: this step's and the previous step's norms swap roles each step
  const scale = evaluationScaleBuffer(dims, data.n);
  const gradSquared = new Float64Array(L);
  let norms = new Array<number>(L).fill(0);
  let prevNorms = new Array<number>(L).fill(0);
  const prevGradNorms = new Array<number>(L).fill(0);
  const prevConsistency = new Array<number>(L).fill(0);
  const storage = new Array<number>(L).fill(0);
  const a4: { -readonly [K in keyof A4Step]: A4Step[K] } = {
    depth: L,
    lipschitz: logistic.lipschitz!,
    eta: NaN,
    radius: NaN,
    maxFrobenius: NaN,
    entries: largest,
    previousRadius: undefined,
  };
  let energy = 0;
  let drift = 0;
  let prevEta = NaN;
  let prevRadius: number | undefined;
  const res = gradientDescent({
    network: net,
    data,
    loss: logistic,
    schedule: A4,
    steps,
    gradient,
    onStep(v) {
      let maxNorm = Number.NEGATIVE_INFINITY;
      for (let k = 0; k < L; k++) {
        norms[k] = Math.sqrt(sumOfSquares(v.weights[k]));
        maxNorm = Math.max(maxNorm, norms[k]);
      }
      if (v.t > 0) {
        for (let k = 0; k < L; k++) storage[k] = updateRounding(prevEta, prevGradNorms[k], norms[k]);
        drift += driftRounding(prevEta, prevConsistency, prevNorms, storage, norms);
      }
      if (v.t < steps) {
        a4.eta = v.eta;
        a4.radius = v.radius;
        a4.maxFrobenius = maxNorm;
        a4.previousRadius = prevRadius;
        const holds = jtA4(a4);
        if (!holds.holds) fail(`step ${v.t} breaks the GD theorem's step rule: ${holds.reason}`);
        prevRadius = v.radius;
      }
      evaluationScaleInto(scale, v.weights, data, logistic, v.workspace.margins, v.risk);
      if (marks.has(v.t)) {
        let minMargin = Infinity;
        for (let i = 0; i < data.n; i++) minMargin = Math.min(minMargin, v.workspace.margins[i]);
        out.push({
          t: v.t,
          dims,
          D,
          energy,
          drift,
          entries,
          spectra: spectra(v.weights, dims),
          weights: v.weights.map((W) => W.slice()),
          risk: v.risk,
          minMargin,
          marginRounding: marginRounding(scale),
          balance: ledger.snapshot(v.t, v.weights, drift),
        });
      }
      for (let k = 0; k < L; k++) gradSquared[k] = sumOfSquares(v.grads[k]);
      // S(t) and T_j(t) count the steps before t: add this step's terms after recording the checkpoint
      if (v.t < steps) {
        energy += v.eta * v.eta * v.gradSquared;
        ledger.addStep(v.eta, gradSquared);
      }
      prevEta = v.eta;
      const swap = prevNorms;
      prevNorms = norms;
      norms = swap;
      for (let k = 0; k < L; k++) prevGradNorms[k] = Math.sqrt(gradSquared[k]);
      gradientConsistencyInto(scale, prevConsistency);
    },
  });
  if (res.diverged) fail(`the run diverged: ${res.diverged.reason} (step ${res.diverged.step})`);
  return out;
}

/**
 * Trajectories by (trainer, horizon, case): JT.Thm1-rank1, -align and -prod read the same runs, and so do their
 * 1 % twins. Under `dlncheck power` (DLNCHECK_FAULT set) the main properties train with the named broken trainer,
 * one fault per process, so those runs are cached too.
 */
const trajectoryCache = new Map<string, AlignmentContext[]>();

function cachedTrajectory(c: TrainCase, steps: number, fault: GradientFault | null, gradient: () => GradientFn): AlignmentContext[] {
  const key = `${fault ? faultSpec(fault) : 'exact'}|${steps}|${JSON.stringify(c)}`;
  let traj = trajectoryCache.get(key);
  if (!traj) {
    traj = alignmentTrajectory(c, steps, gradient());
    trajectoryCache.set(key, traj);
  }
  return traj;
}

/** The main properties' run: exact, or the fault DLNCHECK_FAULT names (trainerGradient notes it in this test's meta). */
function mainTrajectory(c: TrainCase): AlignmentContext[] {
  const gradient = trainerGradient();
  return cachedTrajectory(c, ALIGN_STEPS, currentFault(), () => gradient);
}

function twinTrajectory(c: TrainCase, steps: number, fault: GradientFault): AlignmentContext[] {
  return cachedTrajectory(c, steps, fault, () => brokenGradient(fault));
}

function regimeInputs(ctx: AlignmentContext): RegimeInputs {
  return {
    dims: ctx.dims,
    D: ctx.D.value,
    energy: ctx.energy,
    spectralSquared0: ctx.D.spectralSquared,
    frobeniusSquared: ctx.spectra.map((sp) => sp.frobeniusSquared),
    sigma1: ctx.spectra.map((sp) => sp.sigma1),
  };
}

/** The report's class of a main-property run (the trajectory is cached, so the property reads the same run). */
function classOf(c: TrainCase, claim: 'rank1' | 'align' | 'prod'): string {
  const dims = networkOf(c).dims;
  let reached: boolean | null = null;
  try {
    const last = regimeInputs(mainTrajectory(c).at(-1)!);
    reached =
      claim === 'rank1' ? rankOneRegime(last) <= RANK1_REGIME : claim === 'align' ? alignmentRegime(last) <= ALIGN_REGIME : productRegime(last) >= PROD_REGIME;
  } catch {
    // a run that fails to train is classified here and reported by the property itself
  }
  return alignmentClass(dims, claim, reached);
}

/** F5 with its allowance: G = D + 4S(t) + D's rounding + 4·drift + 4·(rounding of S). */
function gapBoundOf(ctx: AlignmentContext): number {
  return rankOneGapBound(ctx.D.value, ctx.energy) + ctx.D.rounding + 4 * ctx.drift + 4 * energyRounding(ctx.t, ctx.entries) * ctx.energy;
}

/** F6 with its allowance, for the pair (k, k+1) (0-based layer k). */
function alignmentBoundOf(ctx: AlignmentContext, k: number): number {
  const s0 = ctx.D.spectralSquared;
  const p = (j: number) => 2 * svdRoundings(ctx.dims[j + 1], ctx.dims[j]) * UNIT_ROUNDOFF;
  return (
    adjacentAlignmentBound(ctx.D.value, ctx.energy, s0[k + 1], s0[k]) +
    ctx.D.rounding +
    8 * ctx.drift +
    6 * energyRounding(ctx.t, ctx.entries) * ctx.energy +
    p(k + 1) * s0[k + 1] +
    p(k) * s0[k]
  );
}

/** F5 at a checkpoint: g_k = ‖W_k‖_F² − ‖W_k‖_2² ≤ D + 4S(t) for every k; returns the largest g_k/(bound + allowance). */
function checkRankOne(ctx: AlignmentContext): number {
  const bound = gapBoundOf(ctx);
  let tightest = 0;
  ctx.spectra.forEach((sp, k) => {
    const g = sp.frobeniusSquared - sp.sigma1 * sp.sigma1;
    const allowed = bound + rankOneGapRounding(sp.frobeniusSquared, sp);
    if (!(g <= allowed))
      failCheck(
        'F5',
        g,
        allowed,
        `F5 fails for layer ${k + 1} at t=${ctx.t}: g_k=${g} > D + 4S(t) = ${rankOneGapBound(ctx.D.value, ctx.energy)} (D=${ctx.D.value}, S=${ctx.energy}), i.e. 1 − ρ_k² = ${g / sp.frobeniusSquared} > ${bound / sp.frobeniusSquared}`,
      );
    if (allowed > 0) tightest = Math.max(tightest, g / allowed);
  });
  return tightest;
}

/** F6 at a checkpoint for every k < L; returns the largest lhs/(bound + allowance) over resolved pairs (a repeated top
 * singular value leaves c undetermined: such a pair is unresolved and its allowance infinite). */
function checkAdjacent(ctx: AlignmentContext): number {
  let tightest = 0;
  for (let k = 0; k + 1 < ctx.spectra.length; k++) {
    const next = ctx.spectra[k + 1];
    const layer = ctx.spectra[k];
    const c = Math.abs(dot(next.v, layer.u));
    const lhs = (1 - c * c) * next.sigma1 * next.sigma1;
    const allowed = alignmentBoundOf(ctx, k) + alignmentRounding(next, layer);
    if (!(lhs <= allowed))
      failCheck(
        'F6',
        lhs,
        allowed,
        `F6 fails for the pair (${k + 1}, ${k + 2}) at t=${ctx.t}: (1 − ⟨v_{k+1}, u_k⟩²)·‖W_{k+1}‖_2² = ${lhs} > ${alignmentBoundOf(ctx, k)} (c=${c})`,
      );
    if (Number.isFinite(allowed) && allowed > 0) tightest = Math.max(tightest, lhs / allowed);
  }
  return tightest;
}

/**
 * JT.Thm1-prod at a checkpoint: q = |⟨w_prod/∏‖W_k‖_F, v_1⟩| ≤ ∏ρ_k ('prod-upper', any matrices) and q ≥ the F5/F6
 * lower bound ('prod-lower', productAlignmentLowerBound: the finite-time form of q → 1). Returns q and both ratios.
 */
function checkProduct(ctx: AlignmentContext): { q: number; upper: number; lower: number } {
  const q = productAlignment(
    ctx.weights,
    ctx.dims,
    ctx.spectra.map((sp) => ({ sigma: sp.sigma1, u: sp.u, v: sp.v })),
  );
  if (q === null) fail(`t=${ctx.t}: a layer is zero, w_prod/∏‖W_k‖_F undefined`);
  const upper = ctx.spectra.reduce((p, sp) => p * (sp.sigma1 / Math.sqrt(sp.frobeniusSquared)), 1);
  const own = productAlignmentAllowance(ctx.dims, 1);
  const upperAllowed = upper + productAlignmentAllowance(ctx.dims, upper);
  if (!(q <= upperAllowed)) failCheck('prod-upper', q, upperAllowed, `INEQ fails at t=${ctx.t}: q=${q} > ∏ρ_k=${upper}`);
  const lower = productAlignmentLowerBound({
    dims: ctx.dims,
    frobeniusSquared: ctx.spectra.map((sp) => sp.frobeniusSquared),
    spectralSquared: ctx.spectra.map((sp) => sp.sigma1 * sp.sigma1),
    gapBound: gapBoundOf(ctx),
    alignmentBounds: ctx.spectra.slice(1).map((_, k) => alignmentBoundOf(ctx, k)),
  });
  // a lower bound: observed = the bound's value, bound = q, so observed/bound > 1 means violated
  if (!(q >= lower - own))
    failCheck('prod-lower', lower - own, q, `INEQ fails at t=${ctx.t}: q=${q} < ${lower}, the bound F5 and F6 give (D=${ctx.D.value}, S=${ctx.energy})`);
  return { q, upper: q / upperAllowed, lower: q > 0 ? (lower - own) / q : 0 };
}

/** F2-drift at every checkpoint of a run, recorded in the tracker; returns nothing (throws CheckFailure). */
function checkRunDrift(traj: readonly AlignmentContext[], tracker: RegimeTracker | null): void {
  for (const ctx of traj) {
    const r = checkDrift(ctx.balance);
    tracker?.tightness('F2-drift', r);
  }
}

const specFor = ([c]: [TrainCase]) => specOf(c, 'logistic', A4, ALIGN_STEPS);

/** Level of the pooled Mann–Kendall TRENDs (one-sided; level and power unit-tested in statistics.test.ts). */

const RANK1_REGIME_TEXT = '(D + 4S(t))/‖W_k(t)‖_F² ≤ 0.1 at the horizon for every layer with both dims ≥ 2';
const ALIGN_REGIME_TEXT = "F6's right side ≥ 0.9 at the horizon for every pair (k, k+1) with d_k ≥ 2";
const PROD_REGIME_TEXT = '∏_k ρ_k ≥ 0.9 at the horizon';

describe('JT.Thm1-rank1: ρ_k → 1', () => {
  test(
    claimTitle(
      'JT.Thm1-rank1',
      'INEQ: 1 − ρ_k² ≤ (D + 4S(t))/‖W_k(t)‖_F² (F5 with the initialization constant) and F2 summed (‖Δ_k‖_2 ≤ max(T_k, T_{k+1})) at geometric checkpoints, in the regime',
    ),
    () => {
      const tracker = new RegimeTracker('JT.Thm1-rank1', { regime: RANK1_REGIME_TEXT, closest: 'max_k (D + 4S)/‖W_k‖_F² at the horizon' });
      const finalGap: number[] = [];
      const series: number[][] = [];
      assertClaim(
        'JT.Thm1-rank1',
        fc.property(alignCase, (c) => {
          const traj = mainTrajectory(c);
          checkRunDrift(traj, tracker);
          const run: number[] = [];
          for (const ctx of traj) {
            tracker.tightness('F5', checkRankOne(ctx));
            // TREND: max_k (1 − ρ_k) over the layers F5 constrains, at the checkpoints in the regime with every margin
            // positive; a value below its rounding (1 − ρ_k ≈ g_k/(2‖W_k‖_F²), rankOneGapRounding) counts as a tie at 0
            if (rankOneRegime(regimeInputs(ctx)) <= RANK1_REGIME && ctx.minMargin > ctx.marginRounding) {
              let worst = 0;
              for (const k of nonTrivialLayers(ctx.dims)) {
                const sp = ctx.spectra[k];
                const gap = 1 - sp.sigma1 / Math.sqrt(sp.frobeniusSquared);
                worst = Math.max(worst, gap > rankOneGapRounding(sp.frobeniusSquared, sp) / sp.frobeniusSquared ? gap : 0);
              }
              run.push(worst);
            }
          }
          series.push(run);
          const last = traj.at(-1)!;
          const r = rankOneRegime(regimeInputs(last));
          tracker.run(r <= RANK1_REGIME, r);
          finalGap.push(Math.max(...last.spectra.slice(0, -1).map((sp) => 1 - sp.sigma1 / Math.sqrt(sp.frobeniusSquared))));
        }),
        { numRuns: runs(ALIGN_RUNS), toSpec: specFor, classify: ([c]) => classOf(c, 'rank1') },
      );
      finalGap.sort((a, b) => a - b);
      const trend = fallingTrend(series);
      console.log(
        `${tracker.describe()}; final max_{k<L} 1 − ρ_k: median ${finalGap[finalGap.length >> 1]?.toPrecision(3)} (${ALIGN_STEPS} steps); TREND max_k 1 − ρ_k (pooled Mann–Kendall over ${trend.checkpoints} in-regime checkpoints of ${trend.runs} runs): S=${trend.s}, z=${trend.z.toFixed(2)}, p=${trend.pValue.toPrecision(3)}, ${trend.fallingRuns} runs falling`,
      );
      tracker.assertReached();
      if (!(trend.pValue <= TREND_LEVEL))
        failCheck(
          'rank1-trend',
          trend.pValue,
          TREND_LEVEL,
          `JT.Thm1-rank1: 1 − ρ_k does not fall across the in-regime checkpoints (one-sided p=${trend.pValue} > ${TREND_LEVEL})`,
        );
    },
    timeout(8000),
  );

  test(
    claimTitle('JT.Thm1-rank1', `twin: F2-drift fails when the trainer has ${faultName(SCALE_G1)}`),
    () => {
      findCounterexample(
        'JT.Thm1-rank1',
        fc.property(alignCase, (c) => {
          const traj = twinTrajectory(c, TWIN_STEPS, SCALE_G1);
          checkRunDrift(traj, null);
          for (const ctx of traj) checkRankOne(ctx);
        }),
        // measured: the shrunk case fails F2-drift at t = 1 by observed/bound 3.16 (unshrunk runs: 7–40 at 1024 steps)
        { numRuns: runs(100), label: `twin, ${faultName(SCALE_G1)}`, expectCheck: 'F2-drift', minRatio: 2 },
      );
    },
    timeout(6000, false),
  );

  test(
    claimTitle('JT.Thm1-rank1', `twin: F5 itself fails when the trainer has ${faultName(TRANSPOSE_G1)}`),
    () => {
      findCounterexample(
        'JT.Thm1-rank1',
        fc.property(alignCase, (c) => {
          for (const ctx of twinTrajectory(c, TRANSPOSE_F5_STEPS, TRANSPOSE_G1)) checkRankOne(ctx);
        }),
        // F5 alone (no F2-drift, which would catch it first): measured, the shrunk case fails F5 by observed/bound 1.66
        { numRuns: runs(100), label: `twin, ${faultName(TRANSPOSE_G1)}`, expectCheck: 'F5', minRatio: 1.3 },
      );
    },
    timeout(6000, false),
  );
});

describe('JT.Thm1-align: |⟨v_{k+1}, u_k⟩| → 1', () => {
  test(
    claimTitle(
      'JT.Thm1-align',
      'INEQ: F6 ⟨v_{k+1},u_k⟩² ≥ 1 − (D + 6S(t) + ‖W_{k+1}(0)‖_2² + ‖W_k(0)‖_2²)/‖W_{k+1}(t)‖_2² and F2 summed at geometric checkpoints, in the regime',
    ),
    () => {
      const tracker = new RegimeTracker('JT.Thm1-align', { regime: ALIGN_REGIME_TEXT, closest: "1 − F6's right side (max over pairs) at the horizon" });
      const finalGap: number[] = [];
      assertClaim(
        'JT.Thm1-align',
        fc.property(alignCase, (c) => {
          const traj = mainTrajectory(c);
          checkRunDrift(traj, tracker);
          for (const ctx of traj) tracker.tightness('F6', checkAdjacent(ctx));
          const last = traj.at(-1)!;
          const a = alignmentRegime(regimeInputs(last));
          tracker.run(a <= ALIGN_REGIME, a);
          let worst = 0;
          for (let k = 0; k + 1 < last.spectra.length; k++) worst = Math.max(worst, 1 - Math.abs(dot(last.spectra[k + 1].v, last.spectra[k].u)));
          finalGap.push(worst);
        }),
        { numRuns: runs(ALIGN_RUNS), toSpec: specFor, classify: ([c]) => classOf(c, 'align') },
      );
      finalGap.sort((a, b) => a - b);
      console.log(`${tracker.describe()}; final max_k 1 − |⟨v_{k+1}, u_k⟩|: median ${finalGap[finalGap.length >> 1]?.toPrecision(3)} (${ALIGN_STEPS} steps)`);
      tracker.assertReached();
    },
    timeout(8000),
  );

  test(
    claimTitle('JT.Thm1-align', `twin: F2-drift fails when the trainer has ${faultName(SCALE_G1)}`),
    () => {
      findCounterexample(
        'JT.Thm1-align',
        fc.property(alignCase, (c) => {
          const traj = twinTrajectory(c, TWIN_STEPS, SCALE_G1);
          checkRunDrift(traj, null);
          for (const ctx of traj) checkAdjacent(ctx);
        }),
        // measured: the shrunk case fails F2-drift at t = 1 by observed/bound 3.16 (unshrunk runs: 7–40 at 1024 steps)
        { numRuns: runs(100), label: `twin, ${faultName(SCALE_G1)}`, expectCheck: 'F2-drift', minRatio: 2 },
      );
    },
    timeout(6000, false),
  );

  test(
    claimTitle('JT.Thm1-align', `twin: F6 itself fails when the trainer has ${faultName(TRANSPOSE_G1)}`),
    () => {
      findCounterexample(
        'JT.Thm1-align',
        fc.property(alignCase, (c) => {
          for (const ctx of twinTrajectory(c, TRANSPOSE_TWIN_STEPS, TRANSPOSE_G1)) checkAdjacent(ctx);
        }),
        // F6 alone (no F2-drift, which would catch it first): measured, the shrunk case fails F6 by observed/bound 1.47
        { numRuns: runs(100), label: `twin, ${faultName(TRANSPOSE_G1)}`, expectCheck: 'F6', minRatio: 1.2 },
      );
    },
    timeout(8000, false),
  );
});

describe('JT.Thm1-prod: w_prod/∏‖W_k‖_F aligns with v_1', () => {
  test(
    claimTitle(
      'JT.Thm1-prod',
      'INEQ+TREND: F5/F6 lower bound ≤ q ≤ ∏ρ_k and F2 summed at geometric checkpoints; TREND 1 − q falls across the in-regime checkpoints (pooled Mann–Kendall)',
    ),
    () => {
      const tracker = new RegimeTracker('JT.Thm1-prod', { regime: PROD_REGIME_TEXT, closest: '1 − q at the horizon' });
      const series: number[][] = [];
      assertClaim(
        'JT.Thm1-prod',
        fc.property(alignCase, (c) => {
          const traj = mainTrajectory(c);
          checkRunDrift(traj, tracker);
          const resolution = productAlignmentAllowance(traj[0].dims, 1);
          const run: number[] = [];
          let q = NaN;
          for (const ctx of traj) {
            const r = checkProduct(ctx);
            tracker.tightness('prod-upper', r.upper);
            tracker.tightness('prod-lower', r.lower);
            q = r.q;
            // in the regime: ∏ρ_k ≥ 0.9 and every margin positive; 1 − q below its own rounding counts as a tie at 0
            if (productRegime(regimeInputs(ctx)) >= PROD_REGIME && ctx.minMargin > ctx.marginRounding) run.push(1 - q > resolution ? 1 - q : 0);
          }
          series.push(run);
          tracker.run(productRegime(regimeInputs(traj.at(-1)!)) >= PROD_REGIME, 1 - q);
        }),
        { numRuns: runs(ALIGN_RUNS), toSpec: specFor, classify: ([c]) => classOf(c, 'prod') },
      );
      const trend = fallingTrend(series);
      console.log(
        `${tracker.describe()}; TREND 1 − q (pooled Mann–Kendall over ${trend.checkpoints} in-regime checkpoints of ${trend.runs} runs): S=${trend.s}, z=${trend.z.toFixed(2)}, p=${trend.pValue.toPrecision(3)}, ${trend.fallingRuns} runs falling`,
      );
      tracker.assertReached();
      if (!(trend.pValue <= TREND_LEVEL))
        failCheck(
          'prod-trend',
          trend.pValue,
          TREND_LEVEL,
          `JT.Thm1-prod: 1 − q does not fall across the in-regime checkpoints (one-sided p=${trend.pValue} > ${TREND_LEVEL})`,
        );
    },
    timeout(8000),
  );

  test(
    claimTitle('JT.Thm1-prod', `twin: F2-drift fails when the trainer has ${faultName(SCALE_G1)}`),
    () => {
      findCounterexample(
        'JT.Thm1-prod',
        fc.property(alignCase, (c) => {
          const traj = twinTrajectory(c, TWIN_STEPS, SCALE_G1);
          checkRunDrift(traj, null);
          for (const ctx of traj) checkProduct(ctx);
        }),
        // measured: the shrunk case fails F2-drift at t = 1 by observed/bound 3.16 (unshrunk runs: 7–40 at 1024 steps)
        { numRuns: runs(100), label: `twin, ${faultName(SCALE_G1)}`, expectCheck: 'F2-drift', minRatio: 2 },
      );
    },
    timeout(6000, false),
  );

  test(
    claimTitle('JT.Thm1-prod', `twin: the F5/F6 lower bound fails when the trainer has ${faultName(TRANSPOSE_G1)}`),
    () => {
      findCounterexample(
        'JT.Thm1-prod',
        fc.property(alignCase, (c) => {
          for (const ctx of twinTrajectory(c, TRANSPOSE_TWIN_STEPS, TRANSPOSE_G1)) checkProduct(ctx);
        }),
        // the product bounds alone (no F2-drift): the largest ratio seen was 9.75 at the default seed but 1.64 under
        // DLNCHECK_SEED=2, so minRatio asks for a 20 % violation (the bound already carries its rounding allowance)
        { numRuns: runs(100), label: `twin, ${faultName(TRANSPOSE_G1)}`, expectCheck: 'prod-lower', minRatio: 1.2 },
      );
    },
    timeout(8000, false),
  );
});

describe('JT ablations (the ablations in docs/claims.md)', () => {
  {
    const ab = ablationTest('JT.Thm1-rank1', 'S(t) term');
    test(
      ab.title,
      () => {
        // g_k(t) ≤ D alone (no 4S(t)) at t = 0, 1, 2, 4, …, 32 under a large constant step. Measured: with Gaussian inits D is generous and
        // g_k ≤ D held in every run; the S(t) term is needed from nearly balanced inits (balanced + N(0, ε²)
        // noise, D ~ ε²) with η ≥ 16 (about 1 run in 25)
        const nearlyBalanced = separableDataset({ maxDim: 3, maxSamples: 8 }).chain((ds) =>
          architecture({ minDepth: 2, maxDepth: 3, maxWidth: 3, minInputDim: ds.x[0].length, maxInputDim: ds.x[0].length }).chain((arch) =>
            fc
              .tuple(
                balancedInit(arch, { minScale: 1 / 2, maxScale: 1 }),
                fc.constantFrom(1 / 8, 1 / 32, 1 / 128).chain((e) => gaussianInit(arch, { scale: e })),
              )
              .map(
                ([b, p]): TrainCase => ({
                  x: ds.x,
                  y: ds.y.map((v) => (v > 0 ? 1 : -1)),
                  weights: b.map((W, k) => W.map((row, i) => row.map((v, j) => v + p[k][i][j]))),
                }),
              ),
          ),
        );
        const cases = fc.tuple(nearlyBalanced, fc.constantFrom(16, 32));
        const gapBelowD = ([c, eta]: [TrainCase, number]): boolean => {
          const net = networkOf(c);
          const D = initializationConstant(net.weights, net.dims);
          let ok = true;
          const marks = new Set(geometricCheckpoints(32));
          gradientDescent({
            network: net,
            data: dataOf(c),
            loss: logistic,
            schedule: { kind: 'constant', eta },
            steps: 32,
            onStep(v) {
              if (!marks.has(v.t)) return;
              spectra(v.weights, net.dims).forEach((sp) => {
                if (sp.frobeniusSquared - sp.sigma1 ** 2 > D.value + D.rounding + rankOneGapRounding(sp.frobeniusSquared, sp)) ok = false;
              });
            },
          });
          return ok;
        };
        findCounterexample('JT.Thm1-rank1', fc.property(cases, gapBelowD), { numRuns: runs(200), label: ab.label });
      },
      timeout(4000, false),
    );
  }
});
