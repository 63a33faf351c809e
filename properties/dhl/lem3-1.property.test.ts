/**
 * DHL.Lem3.1: decaying steps keep the factors balanced (INEQ on every run, STAT over small inits), twins, and
 * the `decayingStep` ablations (§7).
 *
 * Tolerances: src/tolerances/balancedness.ts (derivations there).
 */
import { describe, test } from 'vitest';
import { plainFrobenius } from '../../src/linalg/sumOfSquares.js';
import fc from 'fast-check';
import { factorizationTarget, gaussianInit, stepSize, type Weights } from '../../src/arbitraries/index.js';
import { ablationTest, claimTitle } from '../../src/claims/registry.js';
import { squared } from '../../src/losses/loss.js';
import { balanceMatrices } from '../../src/metrics/balancedness.js';
import { networkFromArrays } from '../../src/network/network.js';
import { energyBoundRatio, energyRoundingPerStep } from '../../src/tolerances/dhl.js';
import { gamma } from '../../src/tolerances/rounding.js';
import { brokenGradient } from '../../src/trainer/brokenGradient.js';
import type { GradientFn } from '../../src/trainer/gradient.js';
import { gradientDescent } from '../../src/trainer/gradientDescent.js';
import type { ScheduleSpec } from '../../src/trainer/schedule.js';
import { assertClaim, findCounterexample } from '../../src/verify/claimProperty.js';
import { horizon, runs, testTimeout } from '../../src/verify/profile.js';
import { type StatOutcome, seedArbitrary, statExperiment } from '../../src/verify/statistics.js';
import { Decided, factorizationData, factorizationSpec } from '../../src/verify/dhl/factorization.js';
import { LINEAR, twinFaults } from '../../src/verify/dhl/stepCase.js';

/** Explicit timeouts for the slower properties: ~10× their time on a loaded 2-core machine (≤ 1.2 s), scaled as testTimeout says. */
const timeout = (ms: number) => testTimeout(ms);

/** ½‖UVᵀ − M*‖² as a trainer run; risk units are f/n, steps n·η (see factorizationData). */
interface BalanceRun {
  /** max over t of ‖U_tᵀU_t − V_tᵀV_t‖_F (∞ once anything is non-finite) */
  readonly maxImbalance: number;
  /** max over t of energyBoundRatio (DHL.Lem3.1 INEQ) */
  readonly budgetRatio: number;
  readonly finalLoss: number;
  readonly initialLoss: number;
}

/** D_1 = W_1W_1ᵀ − W_2ᵀW_2 (r × r) of a two-layer net into out, without allocating (called every step). */
function imbalanceInto(W1: Float64Array, W2: Float64Array, dims: readonly number[], out: Float64Array): void {
  const [d0, r, d2] = dims;
  for (let i = 0; i < r; i++)
    for (let j = 0; j < r; j++) {
      let s = 0;
      for (let c = 0; c < d0; c++) s += W1[i * d0 + c] * W1[j * d0 + c];
      for (let c = 0; c < d2; c++) s -= W2[c * r + i] * W2[c * r + j];
      out[i * r + j] = s;
    }
}

function balanceRun(
  weights: Weights,
  target: readonly (readonly number[])[],
  schedule: ScheduleSpec,
  steps: number,
  gradient?: GradientFn,
  stopAbove = Infinity,
): BalanceRun {
  const net = networkFromArrays(weights, LINEAR);
  const data = factorizationData(target);
  const maxDim = Math.max(...net.dims, data.n);
  const D0 = balanceMatrices(net.weights, net.dims)[0];
  const D = new Float64Array(D0.length);
  let maxImbalance = plainFrobenius(D0);
  let budgetRatio = 0;
  // the two D evaluations (at 0 and at t) round by ≤ 2γ_{m+1}Σ_k‖W_k‖_F² each (term (a) of balanceStepResiduals)
  const evaluation = (ws: readonly Float64Array[]) => 2 * gamma(maxDim + 4) * ws.reduce((s, W) => s + plainFrobenius(W) ** 2, 0);
  let rounding = evaluation(net.weights);
  let supGrad = 0;
  let finalLoss = NaN;
  let initialLoss = NaN;
  const [c, delta] = schedule.kind === 'decaying' ? [schedule.eta0, schedule.delta] : [NaN, NaN];
  try {
    gradientDescent({
      network: net,
      data,
      loss: squared,
      schedule,
      steps,
      gradient,
      onStep(v) {
        if (v.t === 0) initialLoss = v.risk * data.n;
        finalLoss = v.risk * data.n;
        imbalanceInto(v.weights[0], v.weights[1], net.dims, D);
        let imbalance = 0;
        let drift = 0;
        for (let i = 0; i < D.length; i++) {
          imbalance += D[i] * D[i];
          drift += (D[i] - D0[i]) ** 2;
        }
        imbalance = Math.sqrt(imbalance);
        drift = Math.sqrt(drift);
        if (!Number.isFinite(imbalance) || imbalance > 1e100) throw new Decided();
        maxImbalance = Math.max(maxImbalance, imbalance);
        if (maxImbalance >= stopAbove) throw new Decided();
        if (schedule.kind === 'decaying' && v.t > 0)
          budgetRatio = Math.max(
            budgetRatio,
            energyBoundRatio({ drift, energy: v.energy, rounding: rounding + evaluation(v.weights), steps: v.t, c, delta, supGradSquared: supGrad }),
          );
        supGrad = Math.max(supGrad, v.gradSquared);
        if (v.t < steps) rounding += energyRoundingPerStep(v.weights, v.grads, v.eta, v.risk, maxDim, data.n);
      },
    });
  } catch (e) {
    if (!(e instanceof Decided)) throw e;
    if (!(maxImbalance >= stopAbove)) maxImbalance = Infinity;
  }
  return { maxImbalance, budgetRatio, finalLoss, initialLoss };
}

/** Any target of rank ≤ 2, any inner width, init N(0, σ²) for σ ∈ {0.01, 0.1, 0.5}, c and δ ∈ (0, 1/2]. */
const budgetCase = fc
  .record({
    target: factorizationTarget({ maxRows: 4, maxCols: 4, maxRank: 2, maxFactorEntry: 1 }),
    inner: fc.integer({ min: 1, max: 3 }),
    sigma: fc.constantFrom(0.01, 0.1, 0.5),
  })
  .chain(({ target, inner, sigma }) =>
    fc.record({
      target: fc.constant(target.target),
      weights: gaussianInit({ dims: [target.target[0].length, inner, target.target.length] }, { scale: sigma }),
      c: stepSize({ min: 2 ** -4, max: 1 }),
      delta: fc.constantFrom(1 / 8, 1 / 4, 1 / 2),
    }),
  );

const BUDGET_STEPS = horizon(300);

function budgetRatioOf(c: { target: number[][]; weights: Weights; c: number; delta: number }, gradient?: GradientFn): number {
  const n = c.target[0].length;
  return balanceRun(c.weights, c.target, { kind: 'decaying', eta0: n * c.c, delta: c.delta }, BUDGET_STEPS, gradient).budgetRatio;
}

/**
 * The stated STAT setting of DHL.Lem3.1 (the paper does not pin its constants):
 * M* = abᵀ + cdᵀ (4×3, rank 2, below), U_0, V_0 entries N(0, 0.01²), inner rank 2,
 * η_t = 2(t+1)^{−3/4} (c = 2, δ = 1/4), T = 1000 steps (f falls below 1e−15 by
 * then), ε = 0.05; claimed: the event sup_t ‖U_tᵀU_t − V_tᵀV_t‖_F < ε has
 * probability ≥ 0.9; rejected at level 0.01.
 */
const LEM31 = {
  target: [
    [1, 0, 0.5],
    [0.75, 0.5, 0.25],
    [-0.25, -0.5, 0],
    [0.75, 0.5, 0.25],
  ],
  sigma: 0.01,
  c: 2,
  delta: 1 / 4,
  steps: horizon(1000),
  epsilon: 0.05,
  claimed: 0.9,
  level: 0.01,
  draws: runs(200),
};

const lem31Init = gaussianInit({ dims: [3, 2, 4] }, { scale: LEM31.sigma });

const lem31Schedule = (delta: number): ScheduleSpec => ({ kind: 'decaying', eta0: 3 * LEM31.c, delta });

const lem31Event = (schedule: ScheduleSpec, gradient?: GradientFn) => (w: Weights) =>
  balanceRun(w, LEM31.target, schedule, LEM31.steps, gradient, LEM31.epsilon).maxImbalance < LEM31.epsilon;

describe('DHL.Lem3.1: decaying steps', () => {
  test(
    claimTitle('DHL.Lem3.1', 'INEQ: on every run, drift ≤ S(t) ≤ c²(1 + 1/(2δ))·sup‖∇f‖² (factorization, η_t = c(t+1)^{−(1/2+δ)})'),
    () => {
      assertClaim(
        'DHL.Lem3.1',
        fc.property(budgetCase, (c) => budgetRatioOf(c) <= 1),
        {
          numRuns: runs(30),
          toSpec: ([c]) => factorizationSpec(c.target, c.weights, { kind: 'decaying', eta0: c.c * c.target[0].length, delta: c.delta }, BUDGET_STEPS),
        },
      );
    },
    timeout(10_000),
  );

  test(
    claimTitle('DHL.Lem3.1', 'twin: with ∇_V f scaled by 1.01 the drift exceeds S(t)'),
    () => {
      findCounterexample(
        'DHL.Lem3.1',
        fc.property(budgetCase, (c) => budgetRatioOf(c, brokenGradient(twinFaults[0])) <= 1),
        { numRuns: runs(30), label: 'twin, ∇_V scaled by 1.01' },
      );
    },
    timeout(10_000),
  );

  test(
    claimTitle(
      'DHL.Lem3.1',
      `STAT: P(sup_t ‖UᵀU − VᵀV‖_F < ${LEM31.epsilon}) ≥ ${LEM31.claimed} over N(0, ${LEM31.sigma}²) inits (one-sided binomial test, level ${LEM31.level})`,
    ),
    () => {
      let seen: StatOutcome | undefined;
      const experiment = statExperiment(lem31Init, LEM31.draws, LEM31.claimed, lem31Event(lem31Schedule(LEM31.delta)));
      assertClaim(
        'DHL.Lem3.1',
        fc.property(seedArbitrary, (seed) => (seen = experiment(seed)).pValue >= LEM31.level),
        { numRuns: 1 },
      );
      const s = seen!;
      console.log(
        `DHL.Lem3.1 STAT: ${s.draws - s.failures}/${s.draws} draws kept the imbalance below ε=${LEM31.epsilon} (observed ${((1 - s.failures / s.draws) * 100).toFixed(1)}%, claimed ≥ ${LEM31.claimed * 100}%, binomial p = ${s.pValue.toPrecision(3)})`,
      );
    },
    timeout(10_000),
  );

  test(
    claimTitle('DHL.Lem3.1', 'twin: the STAT test rejects a trainer that drops ∇_U f'),
    () => {
      const experiment = statExperiment(lem31Init, LEM31.draws, LEM31.claimed, lem31Event(lem31Schedule(LEM31.delta), brokenGradient(twinFaults[2])));
      findCounterexample(
        'DHL.Lem3.1',
        fc.property(seedArbitrary, (seed) => experiment(seed).pValue >= LEM31.level),
        { numRuns: 1, label: 'STAT twin, ∇_U dropped' },
      );
    },
    timeout(10_000),
  );
});

describe('ablations (CLAIMS.md §7)', () => {
  // counterexamples must be inits the claimed schedule handles: (claimed schedule keeps balance) ⇒ (ablated schedule does)
  const deltaZero = ablationTest('DHL.Lem3.1', 'decayingStep', `δ = 0 (η_t = 2(t+1)^{−1/2}) lets the imbalance grow past ε = ${LEM31.epsilon}`);
  test(
    deltaZero.title,
    () => {
      const claimed = lem31Event(lem31Schedule(LEM31.delta));
      const ablated = lem31Event(lem31Schedule(0));
      findCounterexample(
        'DHL.Lem3.1',
        fc.property(lem31Init, (w) => !claimed(w) || ablated(w)),
        { numRuns: runs(100), label: deltaZero.label },
      );
    },
    timeout(10_000),
  );

  const bigStep = ablationTest('DHL.Lem3.1', 'decayingStep', `a large constant step (η = 1 on f) lets the imbalance grow past ε = ${LEM31.epsilon}`);
  test(
    bigStep.title,
    () => {
      const claimed = lem31Event(lem31Schedule(LEM31.delta));
      const ablated = lem31Event({ kind: 'constant', eta: 3 * 1 });
      findCounterexample(
        'DHL.Lem3.1',
        fc.property(lem31Init, (w) => !claimed(w) || ablated(w)),
        { numRuns: runs(100), label: bigStep.label },
      );
    },
    timeout(10_000),
  );
});
