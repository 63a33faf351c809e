/**
 * RNBU.1D: with 1-d output the rank-one aligned init stays rank one and aligned at every GD step; its twin and the
 * generic-init ablation (§7). *
 * Tolerances follow the LAPACK test-ratio habit: each check divides an observed discrepancy by a bound derived
 * beside it (rounding model fl(a∘b) = (a∘b)(1+δ), |δ| ≤ u = 2⁻⁵³, γ_m = mu/(1 − mu), Higham §2–3) and compares the
 * ratio with 1.
 */
import fc from 'fast-check';
import { describe, test } from 'vitest';
import { alignedRankOneInit, architecture, nonSeparableDataset, regressionDataset, separableDataset } from '../../src/arbitraries/index.js';
import { datasetFromArrays } from '../../src/data/dataset.js';
import { exponential } from '../../src/losses/exponential.js';
import { expressionLoss } from '../../src/losses/expressionLoss.js';
import { logistic } from '../../src/losses/logistic.js';
import { squared, type Loss } from '../../src/losses/loss.js';
import { alignmentDistance } from '../../src/metrics/alignmentDistance.js';
import { networkFromArrays } from '../../src/network/network.js';
import { brokenGradient } from '../../src/trainer/brokenGradient.js';
import type { GradientFn } from '../../src/trainer/gradient.js';
import { gradientDescent, type StepView } from '../../src/trainer/gradientDescent.js';
import { ablationTest, claimTitle } from '../../src/claims/registry.js';
import { gamma } from '../../src/tolerances/rounding.js';
import { failCheck } from '../../src/verify/checkFailure.js';
import { assertClaim, findCounterexample } from '../../src/verify/claimProperty.js';
import { trainerGradient } from '../../src/verify/fault.js';
import { RegimeTracker } from '../../src/verify/regime.js';
import { currentProfile, horizon, runs, testTimeout } from '../../src/verify/profile.js';
import { plainFrobenius } from '../../src/linalg/sumOfSquares.js';
import { type LeakReport, SHORT, emptyLeak, leakSummary, worseLeak } from '../../src/verify/rnbu/invariance.js';
import { gradientLeakBound, productSpread, ratio, readoutError, updateRounding } from '../../src/verify/rnbu/rounding.js';

/** The §7 ablations this file runs, from the registry (titles and database labels). */
const ABLATION = {
  oneDGenericInit: ablationTest('RNBU.1D', 'alignedRankOneInit', 'from a generic (unaligned) init, exact alignment is absent after finite training'),
};

/** A test's timeout: its measured default-profile budget, scaled as testTimeout says. */
const timeout = (ms: number) => testTimeout(ms);

/** ⊥ part of a 1-d-output layer: W_1 − u_1u_1ᵀW_1, W_k − u_k u_kᵀ W_k u_{k−1}u_{k−1}ᵀ (u_L = ±1). */
function rankOneLeak(M: Float64Array, k: number, dirs: readonly Float64Array[], dims: readonly number[]): Float64Array {
  const rows = dims[k + 1];
  const cols = dims[k];
  const u = dirs[k];
  const out = M.slice();
  if (k === 0) {
    for (let j = 0; j < cols; j++) {
      let s = 0;
      for (let i = 0; i < rows; i++) s += u[i] * M[i * cols + j];
      for (let i = 0; i < rows; i++) out[i * cols + j] -= u[i] * s;
    }
    return out;
  }
  const v = dirs[k - 1];
  let c = 0;
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) c += u[i] * M[i * cols + j] * v[j];
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[i * cols + j] -= c * u[i] * v[j];
  return out;
}

/**
 * Unit directions u_1..u_L of a rank-one aligned init: u_k spans the column
 * space of W_k (its largest column), or, when W_k = 0 (a = 0 is allowed for
 * W_1), the row space of W_{k+1}.
 */
function rankOneDirections(weights: readonly Float64Array[], dims: readonly number[]): Float64Array[] {
  const largest = (W: Float64Array, rows: number, cols: number, byColumn: boolean): Float64Array => {
    const count = byColumn ? cols : rows;
    const len = byColumn ? rows : cols;
    const at = (i: number, j: number) => (byColumn ? W[j * cols + i] : W[i * cols + j]);
    let best = 0;
    let bestN = -1;
    for (let i = 0; i < count; i++) {
      let s = 0;
      for (let j = 0; j < len; j++) s += at(i, j) ** 2;
      if (s > bestN) [bestN, best] = [s, i];
    }
    const v = Float64Array.from({ length: len }, (_, j) => at(best, j));
    const n = plainFrobenius(v);
    return n === 0 ? v : v.map((x) => x / n);
  };
  return weights.map((W, k) => {
    const u = largest(W, dims[k + 1], dims[k], true);
    if (plainFrobenius(u) > 0 || k + 1 === weights.length)
      return plainFrobenius(u) > 0 ? u : Float64Array.from({ length: dims[k + 1] }, (_, i) => (i === 0 ? 1 : 0));
    return largest(weights[k + 1], dims[k + 2], dims[k + 1], false);
  });
}

interface OneDCase {
  readonly dims: number[];
  readonly weights: number[][][];
  readonly loss: 'logistic' | 'exponential' | 'expression' | 'squared';
  readonly x: number[][];
  readonly y: number[] | number[][];
  readonly eta: number;
}

/** A user loss through mathjs (symbolic derivative), built once. */
const expression = expressionLoss('log(1 + exp(-u)) + u^2/64');

const lossOf = (name: OneDCase['loss']): Loss =>
  name === 'logistic' ? logistic : name === 'exponential' ? exponential : name === 'expression' ? expression : squared;

/**
 * Depth ≥ 2 and every hidden width and the input dimension ≥ 2: a single layer aᵀ, or width-1 layers, are rank one
 * and aligned by shape, so they check nothing (issue 13 §1). Only W_L (1×d_{L−1}) is a vector, as 1-d output forces.
 */
const oneDCase: fc.Arbitrary<OneDCase> = architecture({
  minDepth: 2,
  maxDepth: 4,
  minWidth: 2,
  maxWidth: 4,
  minInputDim: 2,
  maxInputDim: currentProfile().maxWidth,
  minOutputDim: 1,
  maxOutputDim: 1,
}).chain((arch) =>
  fc
    .record({
      dims: fc.constant(arch.dims),
      weights: alignedRankOneInit(arch, { maxDirectionEntry: 1 }),
      loss: fc.constantFrom<OneDCase['loss']>('logistic', 'exponential', 'expression', 'squared'),
      eta: fc.constantFrom(1 / 4, 1 / 8, 1 / 2),
      data: fc.oneof(
        separableDataset({ minDim: arch.dims[0], maxDim: arch.dims[0], maxSamples: 6 }).map((d) => ({ x: d.x, y: d.y as number[] | number[][], reg: false })),
        nonSeparableDataset({
          minDim: arch.dims[0],
          maxDim: arch.dims[0],
          maxSamples: 6,
          kinds: arch.dims[0] >= 2 ? ['antipodal', 'triangle', 'xor'] : ['antipodal', 'triangle'],
        }).map((d) => ({ x: d.x, y: d.y as number[] | number[][], reg: false })),
        regressionDataset({ minDim: arch.dims[0], maxDim: arch.dims[0], minOutputDim: 1, maxOutputDim: 1, maxSamples: 6 }).map((d) => ({
          x: d.x,
          y: d.y as number[] | number[][],
          reg: true,
        })),
      ),
    })
    .map(({ dims, weights, loss, eta, data }) => ({
      dims,
      weights,
      eta,
      // squared loss needs regression targets, the margin losses ±1 labels
      loss: data.reg ? 'squared' : loss === 'squared' ? 'logistic' : loss,
      x: data.x,
      y: data.y,
    })),
);

/** Squared loss ⇔ regression data; every drawn shape is non-trivial (hidden widths ≥ 2). */
const oneDClass = (c: OneDCase) => `non-trivial | ${c.dims.length === 3 ? 'L=2' : 'L≥3'} | ${c.loss} | ${c.eta === 1 / 2 ? 'η=1/2' : 'η≤1/4'}`;

/** The regime: the run moved away from its init, Σ_k‖W_k(T) − W_k(0)‖_F ≥ MOVED·Σ_k‖W_k(0)‖_F. */
const MOVED = 0.1;
/** Steps per run: small inits of deep nets move slowly (product of small scales), 100 steps put ≥ 80 % past MOVED. */
const ONE_D_STEPS = horizon(100);
/** A fault shows within the first steps; the twins run these many. */
const TWIN_STEPS = 10;

interface OneDReport extends LeakReport {
  /** worst |reduced-coordinate step − formula| / allowance */
  reducedRatio: number;
  /** where it happened */
  reducedAt: string;
  /** Σ_k‖W_k(T) − W_k(0)‖_F / Σ_k‖W_k(0)‖_F */
  movement: number;
}

/**
 * Runs GD from a rank-one aligned init and checks at every step t:
 * (i) ‖Ĝ_k^⊥(t)‖ ≤ gradientLeakBound with the measured ⊥ parts (δE = δR = 0:
 *     for k ≥ 2, A_kᵀ E' B_kᵀ ∈ span{u_k u_{k−1}ᵀ} for ANY E' when A, B are
 *     aligned, and A_1ᵀE' ∈ span{u_1 ⊗ ·} — so errors in E, including those of
 *     evaluating ℓ' of any loss, cannot leave the span at first order);
 * (ii) the inductive step of the invariance: ‖W_k^⊥(t+1)‖ ≤ ‖W_k^⊥(t)‖ + η·(i's bound)
 *     + update rounding + the two readouts — aligned at t ⇒ aligned at t+1, up to
 *     rounding and the coupling with what is already off;
 * (iii) on the first SHORT steps, the trajectory itself: ‖W_k^⊥(t)‖ ≤ β_k(t) + readout,
 *     β_k(0) = 0 (the init is exact: dyadic products of integer directions),
 *     β_k(t+1) = β_k(t) + η·bound(β) + update rounding.
 */
function runOneD(c: OneDCase, gradient?: GradientFn, steps = ONE_D_STEPS): OneDReport {
  const net = networkFromArrays(c.weights, { kind: 'linear' });
  const dims = net.dims;
  const L = dims.length - 1;
  const data = datasetFromArrays(c.x, c.y, c.loss === 'squared' ? 'regression' : 'classification');
  const dirs = rankOneDirections(net.weights, dims);
  const maxDim = Math.max(...dims);
  const N = 2 * dims.reduce((s, d) => s + d, 0);
  const budget = new Array<number>(L).fill(0);
  let allowance: number[] | null = null;
  const out: OneDReport = { ...emptyLeak(), reducedRatio: 0, reducedAt: '', movement: 0 };
  const start = net.weights.map((W) => W.slice());
  // reduced coordinates a = W_1ᵀu_1, s_k = u_kᵀW_ku_{k−1} (k ≥ 2), read with the fixed unit directions
  const readA = (W: Float64Array) => {
    const rows = dims[1];
    const cols = dims[0];
    return Array.from({ length: cols }, (_, j) => {
      let v = 0;
      for (let i = 0; i < rows; i++) v += dirs[0][i] * W[i * cols + j];
      return v;
    });
  };
  const readS = (W: Float64Array, k: number) => {
    const rows = dims[k + 1];
    const cols = dims[k];
    let v = 0;
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) v += dirs[k][i] * W[i * cols + j] * dirs[k - 1][j];
    return v;
  };
  const uL = dirs[L - 1][0];
  let predicted: { a: number[]; s: number[]; allow: number[] } | null = null;
  gradientDescent({
    network: net,
    data,
    loss: lossOf(c.loss),
    schedule: { kind: 'constant', eta: c.eta },
    steps,
    gradient,
    onStep(v: StepView) {
      const W = v.weights;
      const norms = W.map(plainFrobenius);
      const leaks = W.map((Wk, k) => plainFrobenius(rankOneLeak(Wk, k, dirs, dims)));
      const meas = W.map((Wk) => readoutError(Wk, maxDim));
      const offs = leaks.map((p, k) => p + meas[k]);
      const e = plainFrobenius(v.workspace.E);
      const a = readA(W[0]);
      const sk = W.map((Wk, k) => (k === 0 ? Number.NaN : readS(Wk, k)));
      // (iv) the reduced step: a(t+1) = a − η·π·u_L·e, s_k(t+1) = s_k − η·π_{−k}·u_L·(eᵀa), π = ∏_{l≥2}s_l (F1 on
      // the rank-one aligned net), against the coordinates read from W(t+1)
      if (predicted) {
        const p = predicted;
        const gaps = [Math.hypot(...a.map((x, j) => x - p.a[j])), ...sk.slice(1).map((x, k) => Math.abs(x - p.s[k + 1]))];
        gaps.forEach((g, k) => {
          const allow = p.allow[k] + meas[k];
          const q = ratio(g, allow);
          if (q > out.reducedRatio) {
            out.reducedRatio = q;
            out.reducedAt = `t=${v.t}, layer ${k + 1}: |coordinate − formula| = ${g.toExponential(3)}, allowance ${allow.toExponential(3)}`;
          }
        });
      }
      for (let k = 0; k < L; k++) {
        const G = v.grads[k];
        const bound = gradientLeakBound(k, norms, offs, e, 0, 0, N);
        out.gradRatio = Math.max(out.gradRatio, ratio(plainFrobenius(rankOneLeak(G, k, dirs, dims)), bound + readoutError(G, maxDim)));
        if (allowance) out.stepRatio = Math.max(out.stepRatio, ratio(leaks[k], allowance[k] + meas[k]));
        if (v.t <= SHORT) out.trajectoryRatio = Math.max(out.trajectoryRatio, ratio(leaks[k], budget[k] + meas[k]));
        if (norms[k] > 0) {
          if (v.t <= SHORT) out.budget = Math.max(out.budget, budget[k] / norms[k]);
          out.maxLeak = Math.max(out.maxLeak, leaks[k] / Math.max(...norms));
        }
      }
      if (Number.isNaN(v.eta)) {
        // t = steps: no update follows
        out.movement =
          W.reduce((acc, Wk, k) => acc + plainFrobenius(Wk.map((x, i) => x - start[k][i])), 0) / start.reduce((acc, Wk) => acc + plainFrobenius(Wk), 0);
        return;
      }
      allowance = W.map((Wk, k) => offs[k] + c.eta * gradientLeakBound(k, norms, offs, e, 0, 0, N) + updateRounding(Wk, v.grads[k], c.eta));
      {
        // Formula from the read coordinates; the trainer's Ĝ_k differs from the aligned-part gradient by ≤ the leak
        // bound (gradientLeakBound bounds ‖Ĝ_k − G_al‖, not only its ⊥ part); the read s_l, a differ from the aligned
        // parts' by ≤ meas (so the formula by productSpread of those errors through π·e and π_{−k}·eᵀa); evaluating it
        // rounds L + d_0 + 2 times; reading is linear, so the update's rounding and the two readouts add.
        const absS = sk.map(Math.abs);
        const eVec = v.workspace.E;
        const eta = c.eta;
        const aNorm = Math.hypot(...a);
        let pi = 1;
        for (let l = 1; l < L; l++) pi *= sk[l];
        const ea = a.reduce((acc, x, j) => acc + x * eVec[j], 0);
        const nextA = a.map((x, j) => x - eta * pi * uL * eVec[j]);
        const nextS = sk.map((x, k) => {
          if (k === 0) return Number.NaN;
          let others = 1;
          for (let l = 1; l < L; l++) if (l !== k) others *= sk[l];
          return x - eta * others * uL * ea;
        });
        const sensA = productSpread(absS.slice(1), meas.slice(1)) * e;
        const sens = (k: number) =>
          productSpread([...absS.slice(1).filter((_, l) => l + 1 !== k), aNorm], [...meas.slice(1).filter((_, l) => l + 1 !== k), meas[0]]) * e;
        const evalRound = gamma(L + dims[0] + 2);
        const othersAbs = (k: number) => absS.reduce((acc, x, l) => (l === 0 || l === k ? acc : acc * x), 1);
        const allow = W.map((Wk, k) => {
          const formula = k === 0 ? Math.abs(pi) * e : othersAbs(k) * Math.abs(ea);
          const lead = k === 0 ? sensA : sens(k);
          const coord = k === 0 ? aNorm : absS[k];
          return (
            eta * (gradientLeakBound(k, norms, offs, e, 0, 0, N) + lead) + evalRound * (coord + eta * formula) + updateRounding(Wk, v.grads[k], eta) + meas[k]
          );
        });
        predicted = { a: nextA, s: nextS, allow };
      }
      if (v.t < SHORT) {
        const next = W.map((Wk, k) => budget[k] + c.eta * gradientLeakBound(k, norms, budget, e, 0, 0, N) + updateRounding(Wk, v.grads[k], c.eta));
        next.forEach((b, k) => (budget[k] = b));
      }
    },
  });
  return out;
}

/** Throws the first check the run failed (named, with observed/bound). */
function checkOneD(r: OneDReport): void {
  if (r.gradRatio > 1) failCheck('1d-gradient', r.gradRatio, 1, `a gradient left span{u_k u_{k−1}ᵀ} beyond its rounding bound: ${leakSummary(r)}`);
  if (r.stepRatio > 1) failCheck('1d-step', r.stepRatio, 1, `one step left the rank-one aligned structure beyond its allowance: ${leakSummary(r)}`);
  if (r.trajectoryRatio > 1) failCheck('1d-trajectory', r.trajectoryRatio, 1, `the first ${SHORT} steps left their a-priori budget: ${leakSummary(r)}`);
  if (r.reducedRatio > 1) failCheck('1d-reduced-step', r.reducedRatio, 1, `the reduced coordinates did not take the step F1 predicts (${r.reducedAt})`);
}

describe('RNBU.1D rank-one aligned init, 1-d output', () => {
  test(
    claimTitle(
      'RNBU.1D',
      'stays rank one and aligned at every GD step, and its coordinates take the reduced step (logistic, exponential, mathjs expression, squared; hidden widths ≥ 2)',
    ),
    () => {
      let worst = emptyLeak();
      let worstReduced = 0;
      const tracker = new RegimeTracker('RNBU.1D', {
        regime: `the run moved: Σ_k‖W_k(T) − W_k(0)‖_F ≥ ${MOVED}·Σ_k‖W_k(0)‖_F at T = ${ONE_D_STEPS} (the invariance is tested away from the init)`,
        closest: `${MOVED}/(relative movement) (≤ 1 in the regime)`,
      });
      const gradient = trainerGradient();
      assertClaim(
        'RNBU.1D',
        fc.property(oneDCase, (c) => {
          const r = runOneD(c, gradient);
          worst = worseLeak(worst, r);
          worstReduced = Math.max(worstReduced, r.reducedRatio);
          tracker.run(r.movement >= MOVED, MOVED / r.movement);
          tracker.tightness('1d-gradient', r.gradRatio);
          tracker.tightness('1d-step', r.stepRatio);
          tracker.tightness('1d-trajectory', r.trajectoryRatio);
          tracker.tightness('1d-reduced-step', r.reducedRatio);
          checkOneD(r);
        }),
        { numRuns: runs(60), classify: ([c]) => oneDClass(c) },
      );
      console.log(`RNBU.1D: ${leakSummary(worst)}; reduced step ${worstReduced.toExponential(2)}`);
      console.log(tracker.describe());
      tracker.assertReached();
    },
    timeout(12_000),
  );

  test(
    claimTitle('RNBU.1D', 'twin: a trainer that scales G_1 by 1.01 keeps the structure but not the reduced step'),
    () => {
      findCounterexample(
        'RNBU.1D',
        fc.property(oneDCase, (c) => {
          checkOneD(runOneD(c, brokenGradient({ kind: 'scale', layer: 0, factor: 1.01 }), TWIN_STEPS));
        }),
        // a 1 % error in G_1 moves a by 0.01·η‖G_1‖ against a rounding-level allowance: measured ≥ 1e10
        { numRuns: runs(60), label: 'twin: G_1 scaled by 1.01', expectCheck: '1d-reduced-step', minRatio: 1e6 },
      );
    },
    timeout(4_000),
  );

  test(
    claimTitle('RNBU.1D', 'twin: a trainer that transposes G_2 breaks the invariant (fast-check must find a case)'),
    () => {
      findCounterexample(
        'RNBU.1D',
        fc.property(oneDCase, (c) => {
          checkOneD(runOneD(c, brokenGradient({ kind: 'transpose', layer: 1 }), TWIN_STEPS));
        }),
        // the transposed G_2 has a ⊥ part of the order of ‖G_2‖: the gradient check catches it (measured ≥ 1e10)
        { numRuns: runs(60), label: 'twin: G_2 transposed', expectCheck: '1d-gradient', minRatio: 1e6 },
      );
    },
    timeout(4_000),
  );
});

/**
 * The distance from aligned (RNBU.Def2) that counts as aligned: aligned nets read ≤ 1e-12, nearly repeated singular
 * values cost the measure O(τ) = 1e-8; 1e-6 separates both from a real gap.
 */
const ALIGNED = 1e-6;

describe('RNBU.1D ablation: generic init', () => {
  test(
    ABLATION.oneDGenericInit.title,
    () => {
      const entry = fc.integer({ min: -4, max: 4 }).map((v) => v / 4);
      findCounterexample(
        'RNBU.1D',
        fc.property(
          fc.record({
            w1: fc.array(fc.array(entry, { minLength: 2, maxLength: 2 }), { minLength: 2, maxLength: 2 }),
            w2: fc.array(entry, { minLength: 2, maxLength: 2 }),
            data: separableDataset({ minDim: 2, maxDim: 2, maxSamples: 4 }),
          }),
          ({ w1, w2, data }) => {
            const r = gradientDescent({
              network: networkFromArrays([w1, [w2]], { kind: 'linear' }),
              data: datasetFromArrays(data.x, data.y),
              loss: logistic,
              schedule: { kind: 'constant', eta: 1 / 4 },
              steps: horizon(20),
            });
            const distance = alignmentDistance(r.network.weights, r.network.dims).distance;
            if (!(distance <= ALIGNED))
              failCheck('1d-aligned', distance, ALIGNED, `after ${r.stepsTaken} steps from a generic init the net is ${distance} from aligned (RNBU.Def2)`);
          },
        ),
        // measured: largest distance/ALIGNED 5.5e5–7.0e5 (distance ≈ 0.55–0.7) at the default seed and seeds 1–5 with the
        // stored case set aside, 5.5e5 on the stored case (20 steps); the thorough horizon (200 steps) gives 7.4e3 on the
        // stored case: a generic init approaches alignment asymptotically, so the distance shrinks with the horizon.
        // 1e3 asks for a distance ≥ 1e-3 at either horizon, 10³ above the measure's floor
        { numRuns: runs(50), label: ABLATION.oneDGenericInit.label, expectCheck: '1d-aligned', minRatio: 1e3 },
      );
    },
    timeout(3_000),
  );
});
