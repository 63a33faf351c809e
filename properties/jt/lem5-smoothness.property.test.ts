/**
 * JT.Lem5: the logistic risk is β(R)-smooth on the Frobenius ball B(R), β(R) = 2L²R^{2L−2}(β + G).
 *
 * Two checks, and their twins:
 * - Lem5-descent: the descent-lemma form R(V) ≤ R(W) + ⟨∇R(W), V − W⟩ + (β(R)/2)‖V − W‖² at random W, V ∈ B(R), with
 *   the trainer's gradient (trainerGradient(), so `dlncheck power` runs it against broken gradients: at small ‖V − W‖
 *   the first-order term dominates and a 1 % error in one layer's gradient breaks it).
 * - Lem5-hessian: ‖∇²R(W)‖_2 ≤ β(R), the lemma itself, with the exact Hessian computed independently of the trainer
 *   (src/verify/jt/hessian.ts), at random points and at near-worst-case points (src/verify/jt/curvatureFamily.ts:
 *   layers at ‖W_k‖_F = R, aligned or turned, samples on the unit sphere); under the thorough profile a targeted search
 *   (src/verify/targetedSearch.ts) climbs that family to push ‖∇²R‖_2/β(R) up.
 * Finding: the bound is loose. The largest ratio any search found is 0.1124 = (2ℓ''(−1) − ℓ'(−1))/10, at L = 2, R = 1,
 * W_1 = 1, W_2 = −1, z = 1 (a misclassified point, where ℓ'·∇²m adds to ℓ''·∇m∇mᵀ); L = 1 gives ℓ''(0)/(2(β + G)) =
 * 0.1 exactly, and the ratio falls with L and R (L = 4, R = 1: 0.075; L = 3, R = 3/2: 0.033). So β(R) is ≥ 8.9× the true
 * curvature everywhere, and a β(R)/k with k > 1/0.1124 ≈ 8.9 would already be violated: the twin divides by 20.
 */
import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { architecture, gaussianInit, separableDataset, type Weights } from '../../src/arbitraries/index.js';
import { claimTitle } from '../../src/claims/registry.js';
import { logistic } from '../../src/losses/logistic.js';
import { linear } from '../../src/network/activation.js';
import { networkFromArrays } from '../../src/network/network.js';
import { norm2 } from '../../src/linalg/dense.js';
import { evaluationScale, gradientRounding, riskRounding } from '../../src/tolerances/jtRounding.js';
import { gamma, UNIT_ROUNDOFF } from '../../src/tolerances/rounding.js';
import { brokenGradient, faultName } from '../../src/trainer/brokenGradient.js';
import { CheckFailure, failCheck } from '../../src/verify/checkFailure.js';
import { trainerGradient } from '../../src/verify/fault.js';
import { CURVATURE_RADII, curvatureCase, curvatureParameters, curvatureRatio, type CurvatureCase } from '../../src/verify/jt/curvatureFamily.js';
import { RegimeTracker } from '../../src/verify/regime.js';
import { globalSeed } from '../../src/verify/seed.js';
import {
  describePoint,
  randomSearch,
  replayLine,
  replayPoint,
  TARGET_ENV,
  targetedSearch,
  type TargetedSearchOptions,
} from '../../src/verify/targetedSearch.js';
import { createWorkspace, riskAndGradient, zerosLike, type GradientFn } from '../../src/trainer/gradient.js';
import { jiTelgarskySmoothness } from '../../src/trainer/schedule.js';
import { assertClaim, findCounterexample } from '../../src/verify/claimProperty.js';
import { currentProfile, runs } from '../../src/verify/profile.js';
import { sumOfSquares } from '../../src/linalg/sumOfSquares.js';
import { LOGISTIC_CONSTANTS, SCALE_G1, dataOf, timeout } from '../../src/verify/jt/trainCase.js';

interface SmoothnessCase {
  readonly x: number[][];
  readonly y: (1 | -1)[];
  readonly radius: number;
  readonly W: Weights;
  readonly V: Weights;
}

/** Scales each layer of `raw` to Frobenius norm fraction·R (fraction = k/8). */
function intoBall(raw: Weights, fractions: readonly number[], R: number): Weights {
  return raw.map((M, k) => {
    const n = Math.sqrt(M.flat().reduce((s, v) => s + v * v, 0));
    const f = n === 0 ? 0 : (fractions[k] * R) / n;
    return M.map((row) => row.map((v) => v * f + 0));
  });
}

/** V = W + s·Δ, each layer projected back onto the Frobenius ball of radius R (so V ∈ B(R) too). */
function nearby(W: Weights, delta: Weights, s: number, R: number): Weights {
  return W.map((M, k) => {
    const V = M.map((row, i) => row.map((v, j) => v + s * delta[k][i][j]));
    const n = Math.sqrt(V.flat().reduce((a, v) => a + v * v, 0));
    const f = n > R ? R / n : 1;
    return V.map((row) => row.map((v) => v * f + 0));
  });
}

const smoothnessCase: fc.Arbitrary<SmoothnessCase> = separableDataset({ maxDim: 3, maxSamples: 8 }).chain((data) =>
  architecture({ minDepth: 1, maxDepth: 4, maxWidth: 3, minInputDim: data.x[0].length, maxInputDim: data.x[0].length }).chain((arch) => {
    const L = arch.dims.length - 1;
    return fc
      .record({
        radius: fc.constantFrom(1, 3 / 2, 2, 3),
        raw: gaussianInit(arch, { scale: 1 }),
        fractions: fc.array(
          fc.integer({ min: 0, max: 8 }).map((k) => k / 8),
          { minLength: L, maxLength: L },
        ),
        delta: gaussianInit(arch, { scale: 1 }),
        // s = 2^−j: from a full-size move down to 2^−30, where the first-order term dominates the quadratic one
        s: fc.integer({ min: 0, max: 30 }).map((j) => 2 ** -j),
      })
      .map(({ radius, raw, fractions, delta, s }) => {
        const W = intoBall(raw, fractions, radius);
        return { x: data.x, y: data.y.map((v) => (v > 0 ? 1 : -1)), radius, W, V: nearby(W, delta, s, radius) };
      });
  }),
);

/**
 * Lem5-descent at (W, V): q = R(V) − R(W) − ⟨∇R(W), V − W⟩ against (β(R)/2)‖V − W‖² + allowance, with ∇R(W) from
 * `gradient`; throws a CheckFailure when q exceeds it and returns q/bound (the share of the bound the step uses).
 * Allowance: the two risks' rounding, ‖Ĝ − ∇R‖‖V − W‖ (gradientRounding), forming V − W (u per entry) and the
 * dot product over M entries (γ_{M+1}‖Ĝ‖‖V − W‖), and γ_{M+3} on the quadratic term.
 */
function descentRatio(c: SmoothnessCase, gradient: GradientFn): number {
  const data = dataOf(c);
  const netW = networkFromArrays(c.W, linear);
  const netV = networkFromArrays(c.V, linear);
  const L = netW.weights.length;
  const ws = createWorkspace(netW.dims, data.n);
  const g = zerosLike(netW);
  const rW = gradient(ws, netW, data, logistic, g);
  const sW = evaluationScale(netW.weights, netW.dims, data, logistic, ws.margins, rW);
  const rV = riskAndGradient(ws, netV, data, logistic, zerosLike(netV));
  const sV = evaluationScale(netV.weights, netV.dims, data, logistic, ws.margins, rV);
  let inner = 0;
  let distSq = 0;
  let M = 0;
  for (let k = 0; k < L; k++)
    for (let i = 0; i < g[k].length; i++) {
      const dlt = netV.weights[k][i] - netW.weights[k][i];
      inner += g[k][i] * dlt;
      distSq += dlt * dlt;
      M++;
    }
  const beta = jiTelgarskySmoothness(L, c.radius, LOGISTIC_CONSTANTS);
  const q = rV - rW - inner;
  const gNorm = Math.sqrt(sumOfSquares(g.flatMap((G) => Array.from(G))));
  const dist = Math.sqrt(distSq);
  const allowance =
    riskRounding(sW) +
    riskRounding(sV) +
    norm2(gradientRounding(sW)) * dist +
    (gamma(M + 1) + UNIT_ROUNDOFF) * gNorm * dist +
    gamma(M + 3) * (beta / 2) * distSq;
  const bound = (beta / 2) * distSq + allowance;
  if (q > bound)
    failCheck(
      'Lem5-descent',
      q,
      bound,
      `R(V) − R(W) − ⟨∇R(W), V − W⟩ = ${q} > (β(R)/2)‖V − W‖² + rounding = ${bound} (β(R) = ${beta}, ‖V − W‖ = ${dist}, L = ${L}, R = ${c.radius})`,
    );
  return q / bound;
}

/**
 * Lem5-hessian: ‖∇²R(W)‖_2 ≤ β(R); the computed norm may exceed the exact one by the derived rounding bound
 * (marginHessian), so the check fails when norm − rounding > β(R). Returns norm/β(R).
 */
function hessianRatio(c: CurvatureCase, divideBoundBy = 1): number {
  const r = curvatureRatio(c);
  const beta = r.beta / divideBoundBy;
  if (r.norm - r.rounding > beta)
    failCheck(
      'Lem5-hessian',
      r.norm - r.rounding,
      beta,
      `‖∇²R(W)‖_2 = ${r.norm} (± ${r.rounding}) > β(R)${divideBoundBy === 1 ? '' : `/${divideBoundBy}`} = ${beta} at L = ${c.weights.length}, R = ${c.radius}, samples z = ${c.z.map((z) => `(${z.join(', ')})`).join(' ')}`,
    );
  return r.norm / r.beta;
}

/**
 * The near-worst-case family's depth: 4 for the drawn points (the ratio falls with depth, and deeper draws could not
 * reach the regime: for L ≥ 3 and R ≥ 3/2 even the supremum is below 0.05), the profile's (6 under thorough) for the
 * targeted search, which is free to find that depth does not help.
 */
const FAMILY_DEPTH = 4;
const FAMILY = curvatureParameters(FAMILY_DEPTH);
const SEARCH_DEPTH = Math.max(FAMILY_DEPTH, currentProfile().maxDepth);
const SEARCH = curvatureParameters(SEARCH_DEPTH);
const SEARCH_TITLE = 'INEQ: ‖∇²R(W)‖_2 ≤ β(R) at the points a targeted search finds (thorough profile)';
const SEARCH_COMMAND = `DLNCHECK_PROFILE=thorough npx vitest run properties/jt/lem5-smoothness.property.test.ts -t 'targeted search'`;

/**
 * Near-worst-case points, drawn: each parameter uniform over its range, except that R = 1 (where β(R) is smallest
 * against the curvature), a layer at the ball's boundary ‖W_k‖_F = R and a sample on the unit sphere are favoured 3:1.
 */
const nearWorstCase: fc.Arbitrary<readonly number[]> = fc.tuple(
  ...FAMILY.map((p) => {
    const favourite = p.name === 'radius' ? 0 : p.name === 'rho' ? p.max : p.name.startsWith('scale') ? p.max : undefined;
    const any = fc.integer({ min: p.min, max: p.max });
    return favourite === undefined ? any : fc.oneof({ arbitrary: fc.constant(favourite), weight: 3 }, { arbitrary: any, weight: 1 });
  }),
);

/** What a run of the Hessian check reports: L and whether R = 1 (the ratio falls with both). */
const curvatureClass = (p: readonly number[]): string => `L=${p[0]} R=${CURVATURE_RADII[p[3]]}`;

/**
 * The Hessian check's regime: the point probes curvature within ~2× of the largest ratio found (0.112), i.e.
 * ‖∇²R‖_2/β(R) ≥ 0.05. Only about a third of the draws can: for L ≥ 3 and R ≥ 3/2 even the supremum over B(R) is
 * below 0.05 (L = 3: 0.033 at R = 3/2; L = 4: 0.017; measured by a continuous search), and turned or partly scaled
 * layers lower it — so a quarter of the runs is required (measured: 33 %), which a generator that stopped probing the
 * boundary of B(R) or the unit sphere would not reach.
 */
const HESSIAN_REGIME = {
  regime: '‖∇²R(W)‖_2/β(R) ≥ 0.05 (within ~2× of the largest ratio found, 0.112)',
  closest: 'looseness β(R)/‖∇²R(W)‖_2',
  minShare: 0.25,
};

describe('JT.Lem5: the logistic risk is β(R)-smooth on B(R)', () => {
  test(
    claimTitle('JT.Lem5', 'INEQ: R(V) ≤ R(W) + ⟨∇R(W), V − W⟩ + (β(R)/2)‖V − W‖² for W, V ∈ B(R), R ≥ 1, ‖x_i‖ ≤ 1, logistic'),
    () => {
      const gradient = trainerGradient();
      // the descent lemma's bound is measured only where its quadratic term is not rounding noise; the record keeps the
      // worst q/bound of every run regardless
      const tracker = new RegimeTracker('JT.Lem5', {
        regime: 'the step is large enough that (β(R)/2)‖V − W‖² is not rounding noise (‖V − W‖ ≥ 2^−15)',
        closest: '1 − q/bound (the share of the descent bound the step leaves unused)',
        minShare: 0.25,
      });
      assertClaim(
        'JT.Lem5',
        fc.property(smoothnessCase, (c) => {
          const d = descentRatio(c, gradient);
          const dist = Math.sqrt(c.W.flatMap((M, k) => M.flatMap((row, i) => row.map((v, j) => (c.V[k][i][j] - v) ** 2))).reduce((a, b) => a + b, 0));
          tracker.run(dist >= 2 ** -15, 1 - d);
          tracker.tightness('Lem5-descent', d);
        }),
        { numRuns: runs(300), classify: ([c]) => `L=${c.W.length}` },
      );
      tracker.assertReached();
      console.log(tracker.describe());
    },
    timeout(3000, false),
  );

  test(
    claimTitle('JT.Lem5', 'INEQ: ‖∇²R(W)‖_2 ≤ β(R) at near-worst-case points of B(R) (layers at ‖W_k‖_F = R, aligned or turned, samples on the unit sphere)'),
    () => {
      const tracker = new RegimeTracker('JT.Lem5', HESSIAN_REGIME);
      const property = fc.property(nearWorstCase, (p) => {
        const ratio = hessianRatio(curvatureCase(p, FAMILY_DEPTH));
        tracker.run(ratio >= 0.05, 1 / ratio);
        tracker.tightness('Lem5-hessian', ratio);
      });
      assertClaim('JT.Lem5', property, {
        numRuns: runs(300),
        classify: ([p]) => curvatureClass(p),
        label: 'near worst case',
      });
      tracker.assertReached();
      console.log(tracker.describe());
    },
    timeout(3000, false),
  );

  // defined only under the thorough profile (a skipped test would read as a failing main property to `dlncheck power`)
  if (currentProfile().name === 'thorough')
    test(
      claimTitle('JT.Lem5', SEARCH_TITLE),
      () => {
        const tracker = new RegimeTracker('JT.Lem5', HESSIAN_REGIME);
        const objective = (p: readonly number[]) => {
          try {
            const ratio = hessianRatio(curvatureCase(p, SEARCH_DEPTH));
            // the report's tightness column names searched ratios "targeted: …", beside the drawn ones
            tracker.tightness('targeted: Lem5-hessian', ratio);
            return ratio;
          } catch (e) {
            if (e instanceof Error) e.message += `\n  at ${describePoint(SEARCH, p)}; replay: ${TARGET_ENV}=${p.join(',')} ${SEARCH_COMMAND}`;
            throw e;
          }
        };
        const replay = replayPoint(SEARCH);
        // four climbs of 2,500 distinct points each (≈ 1–2 ms a point at L ≤ 6), and uniform sampling with the same budget
        const seeds = [0, 1, 2, 3].map((i) => globalSeed() + i);
        for (const seed of seeds) {
          const opts: TargetedSearchOptions = {
            seed,
            parameters: SEARCH,
            budget: replay ? 1 : 2500,
            patience: 2 * SEARCH.length,
            ...(replay ? { start: replay } : {}),
          };
          const found = targetedSearch(objective, opts);
          tracker.run(found.value >= 0.05, 1 / found.value);
          console.log(replayLine('JT.Lem5-hessian', SEARCH, found, opts, SEARCH_COMMAND));
          if (replay) break;
          const uniform = randomSearch(objective, opts);
          console.log(`  uniform sampling, same budget and seed: best ratio ${uniform.value.toPrecision(4)}`);
        }
        tracker.assertReached();
        console.log(tracker.describe());
      },
      timeout(12_000, false),
    );

  test(
    claimTitle('JT.Lem5', 'twin: β(R)/20 is smaller than the true curvature, and the Hessian check says so'),
    () => {
      // L = 1, W = 0, a unit sample: ‖∇²R‖_2 = ℓ''(0) = 1/4 = β(R)/10, so β(R)/20 must fail by 2 there (and by 2.25
      // at the L = 2 worst case); shrinking moves to W_1 = 1, z = 1 (margin 1): ℓ''(1) = 0.197, observed/bound 1.573
      // (measured), so a β(R) that were merely 12 % too small at the shrunk case would still not pass
      const found = findCounterexample(
        'JT.Lem5',
        fc.property(nearWorstCase, (p) => {
          hessianRatio(curvatureCase(p, FAMILY_DEPTH), 20);
        }),
        { numRuns: runs(300), label: 'twin, β(R)/20', expectCheck: 'Lem5-hessian', minRatio: 1.25 },
      );
      expect(found.counterexample[0][0]).toBeLessThanOrEqual(2);
    },
    timeout(2000, false),
  );

  test(
    claimTitle('JT.Lem5', `twin: fails when ∇R(W) has ${faultName(SCALE_G1)}`),
    () => {
      // At a small step the first-order error 0.01·⟨G_1, ΔW_1⟩ dwarfs (β/2)‖ΔW‖² and the rounding, so each drawn
      // (W, V) is also checked at the steps ±2^−16, ±2^−22, ±2^−28 along V − W (one sign makes the error positive) and
      // the largest violation is reported. Not shrunk: shrinking walks to where the quadratic term just absorbs the
      // error (measured 1.18–1.63), which says nothing about how plainly the check sees the fault. Measured over seeds
      // 1–12: the first failing draw exceeds the bound by 22.6× at least (median ~6e2), so minRatio 10.
      const check = (c: SmoothnessCase, gradient: GradientFn) => {
        let worst: CheckFailure | null = null;
        const delta = c.V.map((M, k) => M.map((row, i) => row.map((v, j) => v - c.W[k][i][j])));
        const norm = Math.sqrt(delta.flat(2).reduce((a, v) => a + v * v, 0));
        const steps = norm === 0 ? [] : [16, 22, 28].flatMap((j) => [2 ** -j / norm, -(2 ** -j) / norm]);
        for (const V of [c.V, ...steps.map((t) => nearby(c.W, delta, t, c.radius))])
          try {
            descentRatio({ ...c, V }, gradient);
          } catch (e) {
            if (!(e instanceof CheckFailure)) throw e;
            if (worst === null || e.ratio > worst.ratio) worst = e;
          }
        if (worst) throw worst;
      };
      findCounterexample(
        'JT.Lem5',
        fc.property(fc.noShrink(smoothnessCase), (c) => check(c, brokenGradient(SCALE_G1))),
        { numRuns: runs(300), label: `twin, ${faultName(SCALE_G1)}`, expectCheck: 'Lem5-descent', minRatio: 10 },
      );
    },
    timeout(2000, false),
  );
});
