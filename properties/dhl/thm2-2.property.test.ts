/**
 * DHL.Thm2.2 (Du, Hu & Lee; docs/claims.md, Identities F2, §3): the one-step identity F2 in floats and in rationals, the drift
 * under gradient flow and its halving with η, each with its twin, and the `linear` ablation (§7).
 *
 * Tolerances: src/tolerances/dhlStep.ts (one step) and src/tolerances/dhl.ts (flow, halving); derivations there.
 */
import { describe, expect, test } from 'vitest';
import { plainFrobenius } from '../../src/linalg/sumOfSquares.js';
import fc from 'fast-check';
import { maxAbs } from '../../src/linalg/maxAbs.js';
import { architecture, regressionDataset, type Weights } from '../../src/arbitraries/index.js';
import { ablationTest, claimTitle } from '../../src/claims/registry.js';
import { datasetFromArrays } from '../../src/data/dataset.js';
import { exactFraction } from '../../src/exact/fractionMatrix.js';
import { allZero, rationalBalanceStepResiduals, rationalGradientStep, type RationalStep } from '../../src/exact/rationalGradientStep.js';
import { squared } from '../../src/losses/loss.js';
import { balanceMatrices } from '../../src/metrics/balancedness.js';
import { networkFromArrays } from '../../src/network/network.js';
import { balanceStepRatio, balanceStepResiduals } from '../../src/tolerances/dhlStep.js';
import { halvingDeviationRatio } from '../../src/tolerances/dhl.js';
import { brokenGradient, faultName, type GradientFault } from '../../src/trainer/brokenGradient.js';
import type { GradientFn } from '../../src/trainer/gradient.js';
import { gradientDescent } from '../../src/trainer/gradientDescent.js';
import { assertClaim, findCounterexample } from '../../src/verify/claimProperty.js';
import { runs, testTimeout } from '../../src/verify/profile.js';
import { failCheck } from '../../src/verify/checkFailure.js';
import { currentFault, trainerGradient } from '../../src/verify/fault.js';
import { RegimeTracker } from '../../src/verify/regime.js';
import { flowDrift, type FlowDriftOutcome } from '../../src/verify/dhl/flowDrift.js';
import {
  LINEAR,
  type StepCase,
  TANH,
  caseClass,
  dataFor,
  datasetOf,
  dyadicWeights,
  gridWeights,
  specOf,
  stepCase,
  stepOf,
  twinFaults,
  withinBound,
} from '../../src/verify/dhl/stepCase.js';

/** Explicit timeouts for the slower properties: ~10× their time on a loaded 2-core machine (≤ 1.2 s), scaled as testTimeout says. */
const timeout = (ms: number) => testTimeout(ms);

describe('DHL.Thm2.2 and DHL.MF: F2, one GD step', () => {
  const linearCase = stepCase({ activations: [LINEAR] });

  test(claimTitle('DHL.Thm2.2', 'EXACT: D_k(t+1) − D_k(t) = η²(G_kG_kᵀ − G_{k+1}ᵀG_{k+1}) to the rounding bound, any loss/data/step/output size'), () => {
    const gradient = trainerGradient();
    assertClaim(
      'DHL.Thm2.2',
      fc.property(linearCase, (c) => withinBound('F2-step', balanceStepRatio(stepOf(c, gradient), 'matrix'), 'F2 residual against its rounding bound')),
      { numRuns: runs(150), toSpec: ([c]) => specOf(c), classify: ([c]) => caseClass(c) },
    );
  });

  // the shrunk cases miss the rounding bound by 6.1e6 (scale 1.01), 6.7e6 (transpose), 6.1e8 (drop), measured; 1e5
  // leaves room for a different shrink
  for (const fault of twinFaults)
    test(claimTitle('DHL.Thm2.2', `twin: F2 fails when ${faultName(fault)}`), () => {
      findCounterexample(
        'DHL.Thm2.2',
        fc.property(linearCase, (c) =>
          withinBound('F2-step', balanceStepRatio(stepOf(c, brokenGradient(fault)), 'matrix'), 'F2 residual against its rounding bound'),
        ),
        { numRuns: runs(100), label: `twin, ${faultName(fault)}`, expectCheck: 'F2-step', minRatio: 1e5 },
      );
    });
});

/** Integer weights, integer data, rational step p/q: F2 must hold with residual exactly 0. */
interface RationalCase {
  readonly x: number[][];
  readonly y: number[][];
  readonly weights: Weights;
  readonly eta: { p: number; q: number };
}

const rationalCase: fc.Arbitrary<RationalCase> = architecture({ minDepth: 2, maxDepth: 3, maxWidth: 3, maxInputDim: 3, maxOutputDim: 2 }).chain(({ dims }) =>
  fc
    .record({
      data: regressionDataset({
        integerValued: true,
        maxEntry: 2,
        maxTarget: 2,
        maxSamples: 3,
        minDim: dims[0],
        maxDim: dims[0],
        minOutputDim: dims[dims.length - 1],
        maxOutputDim: dims[dims.length - 1],
      }),
      weights: gridWeights(dims, 2, 1),
      eta: fc.record({ p: fc.integer({ min: 1, max: 4 }), q: fc.integer({ min: 1, max: 9 }) }),
    })
    .map(({ data, weights, eta }) => ({ x: data.x, y: data.y, weights, eta })),
);

function rationalStepOf(c: RationalCase, fault?: GradientFault): RationalStep {
  const eta = exactFraction(c.eta.p).div(c.eta.q);
  return rationalGradientStep(networkFromArrays(c.weights, LINEAR), datasetFromArrays(c.x, c.y, 'regression'), eta, fault);
}

/** Passes when every rational residual is exactly zero, else throws "F2-exact" (the bound is 0). */
function exactlyZero(residuals: Parameters<typeof allZero>[0]): true {
  if (allZero(residuals)) return true;
  return failCheck('F2-exact', 1, 0, 'the rational F2 residual is not zero');
}

function driftNorms(now: readonly Float64Array[], initial: readonly Float64Array[], dims: readonly number[]): number[] {
  const D0 = balanceMatrices(initial, dims);
  return balanceMatrices(now, dims).map((D, k) => plainFrobenius(D.map((v, i) => v - D0[k][i])));
}

/**
 * The flow's tolerance. The budget (src/tolerances/dhlFlow.ts) sums, over DOP853's accepted steps, the drift of D that
 * each step's local error (bounded by ‖ŷ₈ − ŷ₅‖, the embedded 5th-order error) and rounding can cause. At τ = 1e-8 D
 * moves by 1e-14–2e-11 (truncation, above rounding) where it moves at all. Observed/budget: median 1e-5–3e-5, worst
 * 1e-4–0.07 over 24 runs at the default seed and seeds 1–5 (the worst are runs where D sits at rounding; where the
 * truncation dominates, at most 3.6e-3 over 600 drawn cases) — against a median 4e-6 and worst 4.5e-5 for the
 * earlier budget from the flow's global accuracy. The looseness is ‖ŷ₈ − ŷ₅‖ itself (O(h⁶) against an O(h⁹) error);
 * DOP853's combined estimate is ~100× tighter but under-estimates the local error by up to 6.6× (dhlFlow.ts).
 * A 1 % error in G_1 exceeds the budget by ≥ 5e3 on unshrunk cases, 3.4e8 on the shrunk one.
 *
 * Beside it, the near-binding check 'F2-rk-identity' (src/tolerances/dhlRkIdentity.ts, derivation there): D is
 * quadratic, so each DOP853 step moves it by exactly 2hΣ_j b_jB(Y_j, k_j) + h²Σ_{j,l} m_jl B(k_j, k_l); the theorem
 * makes the first sum vanish, so D(T) − D(0) − Σ_n h_n²Q_n, summed over the accepted steps, is pure rounding, checked
 * against its floating-point allowance summed over the same steps. The truncation drops out exactly: where D moves
 * by 1e-10 (truncation) the residual is ~1e-16 (rounding). Observed/allowance, 24 runs each: median 3.5e-3–4.9e-3,
 * worst 1.3e-2 (default seed), 4.9e-2, 3.9e-2, 7.4e-2, 4.0e-2, 2.6e-2 (seeds 1–5); the slack left is mostly the
 * worst-case rounding of the gradient identity (γ_m·Mag, src/tolerances/dhlStep.ts) and per-step worst cases summed
 * where the actual roundings vary in sign. Every fault of `dlncheck power` (scale ±1 % on layer 1 or 2, drop, transpose, sign)
 * fails it by ≥ 3e8 on the shrunk case.
 */
const FLOW_TOLERANCE = 1e-8;

const FLOW_TIME = 1;

const flowOf = (c: StepCase, gradient?: GradientFn) => flowDrift(c, FLOW_TIME, FLOW_TOLERANCE, gradient);

/** 'F2-rk-identity': ‖D(T) − D(0) − Σ_n h_n²Q_n‖_F within its rounding allowance (src/tolerances/dhlRkIdentity.ts). */
const rkIdentityHolds = (out: FlowDriftOutcome): true =>
  withinBound(
    'F2-rk-identity',
    out.rkRatio,
    `D(T) − D(0) − Σh²Q = ${out.rkResidual.toExponential(3)} against the rounding allowance ${out.rkAllowance.toExponential(3)}`,
  );

/** Small-step runs: squared loss, weights |w| ≤ 1/2, targets |y| ≤ 1/2, τ = 1/8. */
const HALVING_HORIZON = 1 / 8;

const halvingCase: fc.Arbitrary<StepCase> = architecture({ minDepth: 2, maxDepth: 3, maxWidth: 3, maxInputDim: 3, maxOutputDim: 2 })
  .chain(({ dims }) => fc.record({ data: dataFor(dims, 'squared', 5, 0.5), weights: dyadicWeights(dims, 0.5) }))
  .map(({ data, weights }) => ({ loss: 'squared' as const, activation: LINEAR, x: data.x, y: data.y, weights, eta: 2 ** -10 }));

type HalvingOutcome =
  | { readonly kind: 'measured'; readonly ratio: number; readonly band: number; readonly observed: number; readonly step: number }
  /** D does not move at all (e.g. a zero layer makes every Q_k vanish): nothing to halve */
  | { readonly kind: 'static' }
  /** the derived band stayed wider than 1/4 even at the finest step */
  | { readonly kind: 'uninformative'; readonly band: number };

/**
 * Runs GD to τ with steps h and h/2 (h = 2^−10, refined ×¼ up to twice while the
 * derived band is wider than 1/4, i.e. while the O(h²) remainder estimate is
 * too coarse to tell 1/2 from 1).
 */
function halving(c: StepCase, gradient?: GradientFn): HalvingOutcome {
  const net = networkFromArrays(c.weights, c.activation);
  const data = datasetOf(c);
  const maxTarget = Math.max(...(c.y as number[][]).map(plainFrobenius));
  const run = (h: number) => {
    let maxLayerNorm = 0;
    const res = gradientDescent({
      network: net,
      data,
      loss: squared,
      schedule: { kind: 'constant', eta: h },
      steps: Math.round(HALVING_HORIZON / h),
      gradient,
      onStep: (v) => {
        for (const W of v.weights) maxLayerNorm = Math.max(maxLayerNorm, plainFrobenius(W));
      },
    });
    return { drift: plainFrobenius(driftNorms(res.network.weights, net.weights, net.dims)), maxLayerNorm };
  };
  let band = Infinity;
  for (let h = 2 ** -10; h >= 2 ** -14; h /= 4) {
    const a = run(h);
    const b = run(h / 2);
    if (a.drift === 0 && b.drift === 0) return { kind: 'static' };
    const r = halvingDeviationRatio({
      depth: net.weights.length,
      horizon: HALVING_HORIZON,
      step: h,
      drift: a.drift,
      driftHalf: b.drift,
      maxLayerNorm: Math.max(a.maxLayerNorm, b.maxLayerNorm),
      maxTarget,
      maxDim: Math.max(...net.dims, data.n),
    });
    if (r.band <= 0.25) return { kind: 'measured', ...r, step: h };
    band = r.band;
  }
  return { kind: 'uninformative', band };
}

describe('DHL.Thm2.2: gradient flow and small steps', () => {
  const flowCase = stepCase({ activations: [LINEAR], maxDepth: 3 });

  test(
    claimTitle(
      'DHL.Thm2.2',
      `INEQ: under gradient flow (DOP853, tol ${FLOW_TOLERANCE}, T = ${FLOW_TIME}) the drift of D_k is within the budget from DOP853's accepted local error estimates, step by step, and D(T) − D(0) − Σ_n h_n²Q_n (the Runge–Kutta identity, truncation removed exactly) is within its rounding allowance`,
    ),
    () => {
      // regime: the budget is small enough that a 1 % error in G_1 (first-order drift 0.01∫‖G_1W_1ᵀ + W_1G_1ᵀ‖) would
      // exceed it tenfold; a case where the layers barely move checks nothing. With the step-by-step budget (5e-15–1e-8)
      // every run of the default seed and of seeds 1–3 reaches it (24/24); the 80 % share is judged by its binomial
      // test (RegimeTracker). The tightness (observed/budget) is recorded as 'flow-drift'.
      const tracker = new RegimeTracker('DHL.Thm2.2', {
        regime: 'flow: budget ≤ 0.1 × the first-order drift a 1 % error in G_1 would add',
        closest: 'budget / (1 % first-order drift)',
      });
      const slack: number[] = [];
      const identity: number[] = [];
      const gradient = trainerGradient();
      assertClaim(
        'DHL.Thm2.2',
        fc.property(flowCase, (c) => {
          const out = flowOf(c, gradient);
          tracker.tightness('flow-drift', out.ratio);
          tracker.tightness('F2-rk-identity', out.rkRatio);
          tracker.run(out.budget <= 0.1 * out.onePercent, out.budget / out.onePercent);
          if (out.drift > 0) slack.push(out.budget / out.drift);
          identity.push(out.rkRatio);
          rkIdentityHolds(out);
          return withinBound('flow-drift', out.ratio, `flow drift ${out.drift.toExponential(3)} against the budget ${out.budget.toExponential(3)}`);
        }),
        { numRuns: runs(24) },
      );
      slack.sort((a, b) => a - b);
      identity.sort((a, b) => a - b);
      console.log(
        `${tracker.describe()}; budget/observed drift from ${slack[0]?.toExponential(1)} to ${slack[slack.length - 1]?.toExponential(1)} (median ${slack[slack.length >> 1]?.toExponential(1)}); F2-rk-identity observed/allowance median ${identity[identity.length >> 1]?.toExponential(1)}, worst ${identity[identity.length - 1]?.toExponential(1)}`,
      );
      tracker.assertReached();
    },
  );

  test(
    claimTitle(
      'DHL.Thm2.2',
      'twin: with G_1 scaled by 1.01 the flow breaks the Runge–Kutta identity (F2-rk-identity) and drifts beyond the budget (flow-drift)',
    ),
    () => {
      // One twin for both flow checks (one shrink, not two: no added test time). The fault makes B(Y_j, k_j) ≠ 0 at
      // every stage, so the identity's residual is the fault's first-order drift against a rounding allowance.
      // measured: F2-rk-identity 3.4e8 on the shrunk case, 2.3e10–5.5e10 at most over seeds default and 1–5; 1e6 leaves room for other seeds and shrinks.
      const fault = brokenGradient(twinFaults[0]);
      const found = findCounterexample(
        'DHL.Thm2.2',
        fc.property(flowCase, (c) => rkIdentityHolds(flowOf(c, fault))),
        { numRuns: runs(12), label: 'flow twin, G_1 scaled by 1.01', expectCheck: 'F2-rk-identity', minRatio: 1e6 },
      );
      // the drift budget (flow-drift) misses it too, on the same shrunk case: measured 3.4e8 (before, with
      // its own shrink: 3.4e8 shrunk, 7.5e9–2.4e10 at most over seeds default and 1–5); 1e6 as before
      const [c] = found.counterexample;
      const out = flowOf(c, fault);
      console.log(`DHL.Thm2.2 flow twin: flow-drift observed/budget ${out.ratio.toExponential(2)} on the shrunk case`);
      expect(out.ratio).toBeGreaterThan(1e6);
    },
  );

  test(
    claimTitle('DHL.Thm2.2', 'TREND (sharp): at horizon τ = 1/8 the GD drift halves when η halves, within the band derived from the O(η²) remainder'),
    () => {
      const bands: number[] = [];
      const deviations: number[] = [];
      const skipped = { static: 0, uninformative: 0 };
      // regime: D moves and the derived band is ≤ 1/4, so 1/2 can be told from a first-order 1. The band K·h rests on
      // worst-case smoothness on a ball and sits 4–5 orders above the observed |r − 1/2| (≈ 2e-6): at h ≥ 2^−14 it is
      // informative for about half the drawn cases (10/18 at the default seed, 7/18 under DLNCHECK_SEED=1), and 80 %
      // would need h ≈ 2^−22 (≈ 5·10⁵ steps a run at τ = 1/8). So the regime is out of reach in budget: its share is
      // recorded for the report, not asserted (the registry says so); the halving check itself runs on every case.
      const tracker = new RegimeTracker('DHL.Thm2.2', {
        regime: 'halving: D moves and the derived band around 1/2 is ≤ 1/4 at some h ≥ 2^−14',
        closest: 'band at the finest step',
        minShare: 0.5,
      });
      const gradient = trainerGradient();
      assertClaim(
        'DHL.Thm2.2',
        fc.property(halvingCase, (c) => {
          const out = halving(c, gradient);
          tracker.run(out.kind === 'measured', out.kind === 'static' ? Infinity : out.band);
          if (out.kind !== 'measured') {
            skipped[out.kind]++;
            return true;
          }
          bands.push(out.band);
          deviations.push(Math.abs(out.observed - 0.5));
          tracker.tightness('halving-band', out.ratio);
          return withinBound('halving-band', out.ratio, `‖Δ(h/2)‖/‖Δ(h)‖ = ${out.observed} against 1/2 ± ${out.band.toExponential(2)}`);
        }),
        { numRuns: runs(18), toSpec: ([c]) => specOf(c, Math.round(HALVING_HORIZON / c.eta)) },
      );
      const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]?.toExponential(1);
      console.log(
        `DHL.Thm2.2 halving: ${bands.length} measured (median band ±${median(bands)}, median |r − 1/2| ${median(deviations)}), ${skipped.static} with static D and ${skipped.uninformative} with a band wider than 1/4`,
      );
      console.log(tracker.describe());
      tracker.record();
    },
    timeout(10_000),
  );

  test(
    claimTitle('DHL.Thm2.2', 'twin: with G_1 scaled by 1.01 the drift no longer halves'),
    () => {
      findCounterexample(
        'DHL.Thm2.2',
        fc.property(halvingCase, (c) => {
          const out = halving(c, brokenGradient(twinFaults[0]));
          return (
            out.kind !== 'measured' || withinBound('halving-band', out.ratio, `‖Δ(h/2)‖/‖Δ(h)‖ = ${out.observed} against 1/2 ± ${out.band.toExponential(2)}`)
          );
        }),
        // the first-order drift makes r ≈ 1, |r − 1/2| ≈ 1/2 against a band ≤ 1/4: the shrunk case misses by 2.7 (measured)
        { numRuns: runs(10), label: 'halving twin, G_1 scaled by 1.01', expectCheck: 'halving-band', minRatio: 1.5 },
      );
    },
    timeout(10_000),
  );
});

describe('DHL.Thm2.2 and DHL.MF: exact arithmetic and the factorization form', () => {
  test(claimTitle('DHL.Thm2.2', 'EXACT in rationals (mathjs Fraction): integer squared-loss cases, step p/q, F2 residual exactly 0'), () => {
    // the exact step takes DLNCHECK_FAULT's fault itself; trainerGradient() records in the test's meta that it did
    const fault = currentFault() ?? undefined;
    if (fault) trainerGradient();
    assertClaim(
      'DHL.Thm2.2',
      fc.property(rationalCase, (c) => exactlyZero(rationalBalanceStepResiduals(rationalStepOf(c, fault)))),
      { numRuns: runs(60) },
    );
  });

  test(claimTitle('DHL.Thm2.2', 'twin: the rational F2 residual is nonzero when G_1 is scaled by 1.01'), () => {
    findCounterexample(
      'DHL.Thm2.2',
      fc.property(rationalCase, (c) => exactlyZero(rationalBalanceStepResiduals(rationalStepOf(c, twinFaults[0])))),
      // any nonzero rational residual is a violation by an infinite factor (the bound is 0)
      { numRuns: runs(60), label: 'rational twin, G_1 scaled by 1.01', expectCheck: 'F2-exact', minRatio: 1e300 },
    );
  });
});

describe('ablations (the ablations in docs/claims.md)', () => {
  const tanhF2 = ablationTest('DHL.Thm2.2', 'linear', 'tanh between the two layers makes the one-step F2 residual O(η), not O(η²)');
  test(tanhF2.title, () => {
    const found = findCounterexample(
      'DHL.Thm2.2',
      fc.property(stepCase({ activations: [TANH], maxDepth: 2 }), (c) => balanceStepRatio(stepOf(c), 'matrix') <= 1),
      {
        numRuns: runs(100),
        label: tanhF2.label,
        toSpec: ([c]) => specOf(c),
      },
    );
    // D is quadratic in W, so the residual is exactly −η(X + Xᵀ), X = G_1W_1ᵀ − W_2ᵀG_2 ≠ 0 for tanh: residual/η² doubles when η halves
    const [c] = found.counterexample;
    const scaled = [1, 4, 16, 64].map((m) => {
      const eta = 1 / m;
      return maxAbs(balanceStepResiduals(stepOf({ ...c, eta })).residuals) / eta ** 2;
    });
    console.log(`DHL.Thm2.2 tanh ablation: max|residual|/η² at η = 1, 1/4, 1/16, 1/64: ${scaled.map((v) => v.toExponential(3)).join(', ')}`);
    for (let i = 1; i < scaled.length; i++) expect(scaled[i] / scaled[i - 1]).toBeGreaterThan(3.9); // ×4 per quartering of η: ∝ 1/η
  });
});
