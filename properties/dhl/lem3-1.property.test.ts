/**
 * DHL.Lem3.1: decaying steps keep the factors balanced (INEQ on every run, STAT over small inits), twins, and
 * the `decayingStep` ablations (§7).
 *
 * Tolerances: src/tolerances/dhl.ts (derivations there).
 */
import { describe, test } from 'vitest';
import fc from 'fast-check';
import { factorizationTarget, gaussianInit, stepSize, type Weights } from '../../src/arbitraries/index.js';
import { ablationTest, claimTitle } from '../../src/claims/registry.js';
import { brokenGradient } from '../../src/trainer/brokenGradient.js';
import type { GradientFn } from '../../src/trainer/gradient.js';
import type { ScheduleSpec } from '../../src/trainer/schedule.js';
import { assertClaim, findCounterexample } from '../../src/verify/claimProperty.js';
import { currentProfile, horizon, runs, testTimeout } from '../../src/verify/profile.js';
import { globalSeed } from '../../src/verify/seed.js';
import { runTargetedCheck } from '../../src/verify/targetedCheck.js';
import { LEM31_PARAMETERS, lem31Active, lem31Case } from '../../src/verify/dhl/lem31Family.js';
import { seedArbitrary } from '../../src/verify/statistics.js';
import { failCheck } from '../../src/verify/checkFailure.js';
import { trainerGradient } from '../../src/verify/fault.js';
import { RegimeTracker } from '../../src/verify/regime.js';
import { svd } from '../../src/linalg/singularValues.js';
import { factorizationSpec } from '../../src/verify/dhl/factorization.js';
import { twinFaults } from '../../src/verify/dhl/stepCase.js';
import { acceptedFailures } from '../../src/verify/dhl/acceptedFailures.js';
import { type BalanceRun, balanceRun } from '../../src/verify/dhl/balanceRun.js';

/** Explicit timeouts for the slower properties: ~10× their time on a loaded 2-core machine (≤ 1.2 s), scaled as testTimeout says. */
const timeout = (ms: number) => testTimeout(ms);

/** ‖M*‖_* (nuclear norm): at a balanced global minimum ‖U‖_F² = ‖V‖_F² = ‖M*‖_*. */
function nuclearNorm(target: readonly (readonly number[])[]): number {
  return svd(Float64Array.from(target.flat()), target.length, target[0].length).sigmas.reduce((s, x) => s + x, 0);
}

/**
 * The regime of DHL.Lem3.1 (the regimes in docs/claims.md): GD has converged, f(T) ≤ 1e-3·f(0), the imbalance stayed below ε, and the
 * norms stayed bounded: sup_t ‖U_t‖_F² + ‖V_t‖_F² ≤ 4‖M*‖_*, twice what a balanced global minimum has (2‖M*‖_*, and
 * ≤ 2‖M*‖_* + √r·ε with imbalance ε). Only there does the lemma's "balanced all the way to a bounded minimum" say
 * something: a run that never moved keeps its initial balance trivially.
 */
const REGIME = { lossFactor: 1e-3, epsilon: 0.05, normFactor: 4 };

function inRegime(run: BalanceRun, nuclear: number): boolean {
  return run.finalLoss <= REGIME.lossFactor * run.initialLoss && run.maxImbalance < REGIME.epsilon && run.maxSquaredNorm <= REGIME.normFactor * nuclear;
}

/**
 * The lemma's setting: M* of rank r ≤ 2 (integer factors, entries ≤ 1), factors of inner size r, U_0, V_0 entries
 * N(0, σ²) with small σ ∈ {0.001, 0.01, 0.05}, η_t = c(t+1)^{−(1/2+δ)} on f with c ∈ [1/2, 1] and δ ∈ {1/8, 1/4}.
 * δ = 1/2 (η ∝ 1/t) is allowed by the lemma but converges only polynomially, f(T) ≈ T^{−2cσ_min(M*)}: reaching
 * 1e-3·f(0) would take T ≈ 10^{3/(2cσ_min)} steps (≈ 10⁶ at σ_min = 1/2, c = 1), so the regime draws δ ≤ 1/4.
 */
const budgetCase = fc
  .record({
    target: factorizationTarget({ maxRows: 4, maxCols: 4, maxRank: 2, maxFactorEntry: 1 }),
    sigma: fc.constantFrom(0.001, 0.01, 0.05),
  })
  .chain(({ target, sigma }) =>
    fc.record({
      target: fc.constant(target.target),
      weights: gaussianInit({ dims: [target.target[0].length, target.rank, target.target.length] }, { scale: sigma }),
      c: stepSize({ min: 1 / 2, max: 1 }),
      delta: fc.constantFrom(1 / 8, 1 / 4),
    }),
  );

type BudgetCase = { target: number[][]; weights: Weights; c: number; delta: number };

const BUDGET_STEPS = horizon(400);

function lemmaRun(c: BudgetCase, gradient?: GradientFn): BalanceRun {
  const n = c.target[0].length;
  return balanceRun(c.weights, c.target, { kind: 'decaying', eta0: n * c.c, delta: c.delta }, BUDGET_STEPS, { gradient, check: true });
}

/**
 * The stated STAT setting of DHL.Lem3.1 (the paper does not pin its constants):
 * M* = abᵀ + cdᵀ (4×3, rank 2, below), U_0, V_0 entries N(0, 0.01²), inner rank 2,
 * η_t = 2(t+1)^{−3/4} (c = 2, δ = 1/4), T = 1000 steps (f falls below 1e−15 by
 * then), ε = 0.05; claimed: the event "sup_t ‖U_tᵀU_t − V_tᵀV_t‖_F < ε" has
 * probability ≥ 0.9, and so has "GD converged (f(T) ≤ 1e-3·f(0)) with bounded norms"
 * (the lemma's second half); each rejected at level 0.01.
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
  epsilon: REGIME.epsilon,
  claimed: 0.9,
  level: 0.01,
  draws: runs(200),
};

const LEM31_NUCLEAR = nuclearNorm(LEM31.target);

const lem31Init = gaussianInit({ dims: [3, 2, 4] }, { scale: LEM31.sigma });

const lem31Schedule = (delta: number): ScheduleSpec => ({ kind: 'decaying', eta0: 3 * LEM31.c, delta });

/** The ε-event alone (the ablations break the step rule and look only at the imbalance). */
const lem31Event = (schedule: ScheduleSpec, gradient?: GradientFn) => (w: Weights) =>
  balanceRun(w, LEM31.target, schedule, LEM31.steps, { gradient, stopAbove: LEM31.epsilon }).maxImbalance < LEM31.epsilon;

interface Lem31Stat {
  readonly draws: number;
  readonly imbalanceFailures: number;
  readonly convergenceFailures: number;
  readonly accepted: number;
}

/** Both halves of the lemma over the same draws; throws the named check that rejects. */
function lem31Stat(seed: number, gradient?: GradientFn): Lem31Stat {
  let imbalanceFailures = 0;
  let convergenceFailures = 0;
  for (const w of fc.sample(lem31Init, { seed, numRuns: LEM31.draws })) {
    // a run stops once the imbalance reaches ε; it then fails both events (conservative for the convergence half)
    const run = balanceRun(w, LEM31.target, lem31Schedule(LEM31.delta), LEM31.steps, { gradient, stopAbove: LEM31.epsilon });
    const balanced = run.maxImbalance < LEM31.epsilon;
    if (!balanced) imbalanceFailures++;
    if (!(balanced && run.finalLoss <= REGIME.lossFactor * run.initialLoss && run.maxSquaredNorm <= REGIME.normFactor * LEM31_NUCLEAR)) convergenceFailures++;
  }
  const accepted = acceptedFailures(LEM31.draws, LEM31.claimed, LEM31.level);
  const out = { draws: LEM31.draws, imbalanceFailures, convergenceFailures, accepted };
  if (imbalanceFailures > accepted)
    failCheck(
      'imbalance-eps',
      imbalanceFailures,
      accepted,
      `${imbalanceFailures}/${LEM31.draws} draws let sup_t ‖UᵀU − VᵀV‖_F reach ε=${LEM31.epsilon}; the binomial test (claimed ≥ ${LEM31.claimed}, level ${LEM31.level}) accepts at most ${accepted}`,
    );
  if (convergenceFailures > accepted)
    failCheck(
      'converged',
      convergenceFailures,
      accepted,
      `${convergenceFailures}/${LEM31.draws} draws did not reach f(T) ≤ ${REGIME.lossFactor}·f(0) with ‖U‖² + ‖V‖² ≤ ${REGIME.normFactor}‖M*‖_*; the binomial test accepts at most ${accepted}`,
    );
  return out;
}

describe('DHL.Lem3.1: decaying steps', () => {
  test(
    claimTitle(
      'DHL.Lem3.1',
      'INEQ: on every run D(t) − D(0) = Σ η²Q (F2 summed), drift ≤ S(t) ≤ c²(1 + 1/(2δ))·sup‖∇f‖²; ≥ 80 % of runs converge balanced (factorization, η_t = c(t+1)^{−(1/2+δ)})',
    ),
    () => {
      const tracker = new RegimeTracker('DHL.Lem3.1', {
        regime: `f(T) ≤ ${REGIME.lossFactor}·f(0), sup_t ‖UᵀU − VᵀV‖_F < ${REGIME.epsilon}, sup_t ‖U‖_F² + ‖V‖_F² ≤ ${REGIME.normFactor}‖M*‖_* (T = ${BUDGET_STEPS})`,
        closest: 'f(T)/f(0)',
      });
      const gradient = trainerGradient();
      assertClaim(
        'DHL.Lem3.1',
        fc.property(budgetCase, (c) => {
          const run = lemmaRun(c, gradient);
          tracker.tightness('F2-sum', run.worst.identity);
          tracker.tightness('drift-energy', run.worst.drift);
          tracker.tightness('energy-budget', run.worst.budget);
          tracker.run(inRegime(run, nuclearNorm(c.target)), run.finalLoss / run.initialLoss);
          return true;
        }),
        {
          numRuns: runs(30),
          toSpec: ([c]) => factorizationSpec(c.target, c.weights, { kind: 'decaying', eta0: c.c * c.target[0].length, delta: c.delta }, BUDGET_STEPS),
        },
      );
      console.log(tracker.describe());
      tracker.assertReached();
    },
    timeout(10_000),
  );

  test(
    claimTitle('DHL.Lem3.1', 'twin: with G_1 = ∇_{Vᵀ} f scaled by 1.01 the summed F2 identity breaks at first order'),
    () => {
      // measured: the shrunk case misses the rounding bound by ~1e11 (a first-order drift ≈ 0.01‖ΔW_1W_1ᵀ‖ against a bound ~1e-14)
      findCounterexample(
        'DHL.Lem3.1',
        fc.property(budgetCase, (c) => {
          lemmaRun(c, brokenGradient({ kind: 'scale', layer: 0, factor: 1.01 }));
          return true;
        }),
        { numRuns: runs(30), label: 'twin, G_1 scaled by 1.01', expectCheck: 'F2-sum', minRatio: 1e6 },
      );
    },
    timeout(10_000),
  );

  test(
    claimTitle(
      'DHL.Lem3.1',
      `STAT: P(sup_t ‖UᵀU − VᵀV‖_F < ${LEM31.epsilon}) ≥ ${LEM31.claimed} and P(f(T) ≤ ${REGIME.lossFactor}·f(0), norms bounded) ≥ ${LEM31.claimed} over N(0, ${LEM31.sigma}²) inits (one-sided binomial tests, level ${LEM31.level})`,
    ),
    () => {
      let seen: Lem31Stat | undefined;
      const gradient = trainerGradient();
      assertClaim(
        'DHL.Lem3.1',
        fc.property(seedArbitrary, (seed) => {
          seen = lem31Stat(seed, gradient);
          return true;
        }),
        { numRuns: 1 },
      );
      const s = seen!;
      console.log(
        `DHL.Lem3.1 STAT: ${s.draws - s.imbalanceFailures}/${s.draws} draws kept the imbalance below ε=${LEM31.epsilon}, ${s.draws - s.convergenceFailures}/${s.draws} converged with bounded norms (claimed ≥ ${LEM31.claimed * 100}% each; the test accepts ≤ ${s.accepted} failures)`,
      );
    },
    timeout(10_000),
  );

  test(
    claimTitle('DHL.Lem3.1', 'twin: the STAT test rejects a trainer that drops ∇_U f'),
    () => {
      findCounterexample(
        'DHL.Lem3.1',
        fc.property(seedArbitrary, (seed) => {
          lem31Stat(seed, brokenGradient(twinFaults[2]));
          return true;
        }),
        { numRuns: 1, label: 'STAT twin, ∇_U dropped', expectCheck: 'imbalance-eps', minRatio: 5 },
      );
    },
    timeout(10_000),
  );
});

/**
 * The targeted searches (thorough profile only): each climbs lem31Family's parameters — the main property's shapes of
 * M*, σ, c, δ, the target's draw and the init's entries — to push one INEQ's worst observed/bound over a run up, with
 * the main property's run (lemmaRun, every invariant checked at every step, horizon BUDGET_STEPS). The three searches
 * share one cache (one run gives all three ratios). Findings (seed 20190401, 3 searches × 300 cases each; the main
 * property's 300 thorough draws in brackets):
 * - F2-sum: 0.106 (drawn 0.093): a worst-case rounding bound (γ-analysis), about 10× above the rounding met.
 * - drift-energy: 1 − 3.6e-15 (drawn "1.00"): the bound is attained. ‖Σ η²(G_1G_1ᵀ − G_2ᵀG_2)‖_F ≤ Σ η²(‖G_1‖² + ‖G_2‖²)
 *   is an equality when one factor's gradient vanishes and the other's is rank one: at r = 1 with V(0) = 0 (an init
 *   entry on the grid's 0), ∇_U f = (UVᵀ − M*)V = 0 at t = 0 and drift(1) = S(1) exactly; only the rounding
 *   allowance separates them.
 * - energy-budget: 0.589 (drawn 0.489), at m = n = r = 2, σ = 0.05, c = 51/64, δ = 1/4. Even a gradient at its sup
 *   throughout gives S(T)/(c²(1 + 1/(2δ))sup‖∇f‖²) ≤ Σ_{t<T}(t+1)^{−(1+2δ)}/(1 + 1/(2δ)) = 0.86 (δ = 1/4) or 0.82
 *   (δ = 1/8) at T = 4,000; ‖∇f‖ is small until the small init escapes the saddle and decays once GD converges, so
 *   the steps with the largest η_t see a gradient below its sup.
 */
const SEARCH_BUDGET = 300;
const SEARCH_SEEDS = 3;
const searchRuns = new Map<string, BalanceRun>();

function searchRun(p: readonly number[]): BalanceRun {
  const key = p.join(',');
  const known = searchRuns.get(key);
  if (known) return known;
  const run = lemmaRun(lem31Case(p), trainerGradient());
  searchRuns.set(key, run);
  return run;
}

const TARGETED: readonly { check: 'F2-sum' | 'drift-energy' | 'energy-budget'; of: (r: BalanceRun) => number; statement: string }[] = [
  { check: 'F2-sum', of: (r) => r.worst.identity, statement: '‖D(t) − D(0) − Σ η²Q‖_F ≤ its rounding bound' },
  { check: 'drift-energy', of: (r) => r.worst.drift, statement: '‖D(t) − D(0)‖_F ≤ S(t)' },
  { check: 'energy-budget', of: (r) => r.worst.budget, statement: 'S(t) ≤ c²(1 + 1/(2δ))·sup‖∇f‖²' },
];

if (currentProfile().name === 'thorough')
  describe('DHL.Lem3.1: targeted search of the INEQ checks (thorough profile)', () => {
    for (const t of TARGETED) {
      test(
        claimTitle('DHL.Lem3.1', `INEQ ${t.check}: ${t.statement} at the cases a targeted search finds (thorough profile)`),
        () => {
          const found = runTargetedCheck({
            claimId: 'DHL.Lem3.1',
            check: t.check,
            parameters: LEM31_PARAMETERS,
            objective: (p) => t.of(searchRun(p)),
            seeds: Array.from({ length: SEARCH_SEEDS }, (_, i) => globalSeed() + i),
            budget: SEARCH_BUDGET,
            patience: 24,
            maxJump: 6,
            active: lem31Active,
            command: `DLNCHECK_PROFILE=thorough npx vitest run properties/dhl/lem3-1.property.test.ts -t '${t.check}: '`,
            describeCase: (p) => {
              const c = lem31Case(p);
              return JSON.stringify(factorizationSpec(c.target, c.weights, { kind: 'decaying', eta0: c.c * c.target[0].length, delta: c.delta }, BUDGET_STEPS));
            },
          });
          console.log(
            `DHL.Lem3.1 targeted ${t.check}: best ratio ${found.best.value.toPrecision(6)} (1 − ratio = ${(1 - found.best.value).toExponential(2)}) over ${found.evaluations} evaluations`,
          );
        },
        timeout(4000),
      );
    }
  });

describe('ablations (the ablations in docs/claims.md)', () => {
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
