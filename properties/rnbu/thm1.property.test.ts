/**
 * RNBU.Thm1 (Radhakrishnan, Nichani, Bernstein & Uhler; docs/claims.md, RNBU): under squared loss an aligned init stays
 * aligned iff the moments are diagonal — the invariance checks, their twins, the diagonalMoments ablations (§7), and
 * the finding that the aligned set is unstable when the bottleneck keeps the smallest directions. *
 * Tolerances follow the LAPACK test-ratio habit: each check divides an observed discrepancy by a bound derived
 * beside it (rounding model fl(a∘b) = (a∘b)(1+δ), |δ| ≤ u = 2⁻⁵³, γ_m = mu/(1 − mu), Higham §2–3) and compares the
 * ratio with 1.
 */
import fc from 'fast-check';
import { fraction } from 'mathjs';
import { describe, expect, test } from 'vitest';
import { alignedInit, alignedInitFractions, alignedInitWeights } from '../../src/arbitraries/alignedInit.js';
import { alignmentData, alignmentProblemFloat, alignmentProblemFractions, type AlignmentDataKind } from '../../src/arbitraries/alignmentData.js';
import { datasetFromArrays } from '../../src/data/dataset.js';
import { exactGradientStep } from '../../src/exact/exactStep.js';
import { format, matmul, offDiagonalNonzeros, transpose, type FractionMatrix } from '../../src/exact/fractionMatrix.js';
import { basisFractions } from '../../src/exact/rationalBasis.js';
import { squared } from '../../src/losses/loss.js';
import { alignmentDistance, alignmentInBases, inBases } from '../../src/metrics/alignmentDistance.js';
import { networkFromArrays } from '../../src/network/network.js';
import { brokenGradient } from '../../src/trainer/brokenGradient.js';
import { gradientDescent } from '../../src/trainer/gradientDescent.js';
import { ablationTest, claimTitle } from '../../src/claims/registry.js';
import { assertClaim, findCounterexample } from '../../src/verify/claimProperty.js';
import { horizon, runs, testTimeout } from '../../src/verify/profile.js';
import { SHORT, checkLeak, emptyLeak, exactClass, leakSummary, runInvariance, thm1Case, thm1Class, worseLeak } from '../../src/verify/rnbu/invariance.js';
import { leadingBlockCase, leadingBlockStep } from '../../src/verify/rnbu/leadingBlock.js';
import { failCheck } from '../../src/verify/checkFailure.js';
import { trainerGradient } from '../../src/verify/fault.js';
import { netOf } from '../../src/verify/rnbu/rounding.js';

/** The §7 ablations this file runs, from the registry (titles and database labels). */
const ABLATION = {
  thm1ExactBreak: ablationTest(
    'RNBU.Thm1',
    'diagonalMoments',
    'exact rationals: generic data give a nonzero off-diagonal entry of U_kᵀW_kU_{k−1} (the init bases) after one step',
  ),
  thm1LeadingBlock: ablationTest(
    'RNBU.Thm1',
    'diagonalMoments (leading r-block)',
    'one off-diagonal entry Λ[j,l], min(j, l) < r, Γ diagonal: one exact step puts exactly −η·M_1[j,l] off the diagonal of W_1',
  ),
  thm1FloatBreak: ablationTest(
    'RNBU.Thm1',
    'diagonalMoments',
    'fast-check finds and shrinks generic data on which one GD step breaks alignment (in every basis)',
  ),
};

/** A test's timeout: its measured default-profile budget, scaled as testTimeout says. */
const timeout = (ms: number) => testTimeout(ms);

const THM1_KINDS: AlignmentDataKind[] = ['autoencoding', 'factorization', 'sensing'];

describe('RNBU.Thm1 invariance of alignment under squared loss', () => {
  for (const kind of THM1_KINDS)
    test(
      claimTitle('RNBU.Thm1', `${kind}: an aligned init stays aligned in its bases at every step (stable order: ${horizon(30)} steps; any order: ${SHORT})`),
      () => {
        let worst = emptyLeak();
        let worstForm = 0;
        const gradient = trainerGradient();
        assertClaim(
          'RNBU.Thm1',
          fc.property(thm1Case(kind), (c) => {
            // sensing trains with its own gradient (the measurements are not a dataset), the others with trainerGradient()
            const r = runInvariance(c, c.stable ? horizon(30) : SHORT, kind === 'sensing' ? undefined : gradient, { form: true });
            worst = worseLeak(worst, r);
            if (r.diverged) failCheck('thm1-diverged', Infinity, 1, `the run diverged (η = ${c.eta})`);
            checkLeak(r, 'thm1');
            // the derived form G_k = U_kM_kU_{k−1}ᵀ on the diagonal (autoencoding and factorization; sensing couples the indices)
            worstForm = Math.max(worstForm, r.formRatio);
            if (r.formRatio > 1) failCheck('thm1-gradient-form', r.formRatio, 1, `diag(U_kᵀĜ_kU_{k−1}) ≠ M_k: ${r.formAt}`);
          }),
          { numRuns: runs(40), classify: ([c]) => thm1Class(c) },
        );
        console.log(
          `RNBU.Thm1 ${kind}: ${leakSummary(worst)}${kind === 'sensing' ? '' : `; derived form of the gradient's diagonal ${worstForm.toExponential(2)}`}`,
        );
      },
      timeout(4_000),
    );

  test(
    claimTitle('RNBU.Thm1', 'exact rationals: one and two GD steps keep U_kᵀW_kU_{k−1} exactly diagonal (autoencoding, factorization, sensing)'),
    () => {
      assertClaim(
        'RNBU.Thm1',
        fc.property(
          fc.constantFrom<AlignmentDataKind>(...THM1_KINDS).chain((kind) =>
            alignedInit({ maxDepth: 3, maxWidth: 3, maxNumerator: 4, sameEnds: kind === 'autoencoding' }).chain((init) =>
              fc.record({
                init: fc.constant(init),
                data: alignmentData({ kind, input: init.bases[0], output: init.bases[init.bases.length - 1], maxSamples: 3 }),
              }),
            ),
          ),
          ({ init, data }) => {
            const Us = init.bases.map((b) => basisFractions(b));
            let W: FractionMatrix[] = alignedInitFractions(init);
            const problem = alignmentProblemFractions(data);
            for (let step = 0; step < 2; step++) {
              W = exactGradientStep(W, problem, fraction(1, 8)).weights;
              for (let k = 0; k < W.length; k++) {
                const Mk = matmul(matmul(transpose(Us[k + 1]), W[k]), Us[k]);
                if (offDiagonalNonzeros(Mk).length > 0) return false;
              }
            }
            return true;
          },
        ),
        { numRuns: runs(25), classify: ([c]) => exactClass(c) },
      );
    },
    timeout(3_000),
  );

  test(
    ABLATION.thm1ExactBreak.title,
    () => {
      const found = findCounterexample(
        'RNBU.Thm1',
        fc.property(
          alignedInit({ maxDepth: 2, maxWidth: 3, maxNumerator: 4 }).chain((init) =>
            fc.record({
              init: fc.constant(init),
              data: alignmentData({ kind: 'generic', input: init.bases[0], output: init.bases[init.bases.length - 1], maxSamples: 3 }),
            }),
          ),
          ({ init, data }) => {
            const Us = init.bases.map((b) => basisFractions(b));
            const W = exactGradientStep(alignedInitFractions(init), alignmentProblemFractions(data), fraction(1, 8)).weights;
            return W.every((Wk, k) => offDiagonalNonzeros(matmul(matmul(transpose(Us[k + 1]), Wk), Us[k])).length === 0);
          },
        ),
        { numRuns: runs(100), label: ABLATION.thm1ExactBreak.label },
      );
      const { init, data } = found.counterexample[0];
      const Us = init.bases.map((b) => basisFractions(b));
      const W = exactGradientStep(alignedInitFractions(init), alignmentProblemFractions(data), fraction(1, 8)).weights;
      console.log(
        `  after one exact step (η = 1/8): ${W.map((Wk, k) => `U_${k + 1}ᵀW_${k + 1}U_${k} = ${format(matmul(matmul(transpose(Us[k + 1]), Wk), Us[k]))}`).join('; ')}`,
      );
    },
    timeout(3_000),
  );

  test(
    ABLATION.thm1LeadingBlock.title,
    () => {
      findCounterexample(
        'RNBU.Thm1',
        fc.property(leadingBlockCase('leading'), (c) => {
          const s = leadingBlockStep(c);
          if (!s.matchesFormula) failCheck('thm1-derived-form', 1, 0, 'the exact step differs from −η·M_k off the diagonal');
          const worst = Math.max(0, ...s.observed.map((e) => Math.abs(e.value)));
          if (worst > 0)
            failCheck(
              'thm1-offdiagonal',
              worst,
              0,
              `one exact step put ${s.observed.map((e) => `W_${e.layer}[${e.i},${e.j}] = ${e.value}`).join(', ')} off the diagonal (the init's bases)`,
            );
        }),
        // exact rationals: the off-diagonal entry is exactly −η·M_1[j,l] ≠ 0 against an exact 0, so observed/bound = ∞
        { numRuns: runs(40), label: ABLATION.thm1LeadingBlock.label, expectCheck: 'thm1-offdiagonal', minRatio: 1e6 },
      );
    },
    timeout(3_000),
  );

  test(
    claimTitle(
      'RNBU.Thm1',
      'exact rationals: an off-diagonal Λ entry beyond the bottleneck (min(j, l) ≥ r) leaves one step exactly diagonal, as −η·M_k predicts',
    ),
    () => {
      assertClaim(
        'RNBU.Thm1',
        fc.property(leadingBlockCase('beyond'), (c) => {
          const s = leadingBlockStep(c);
          if (!s.matchesFormula) failCheck('thm1-derived-form', 1, 0, 'the exact step differs from −η·M_k off the diagonal');
          if (s.observed.length > 0)
            failCheck('thm1-offdiagonal', Math.abs(s.observed[0].value), 0, `beyond the bottleneck, yet W_${s.observed[0].layer} left the diagonal`);
        }),
        { numRuns: runs(15), classify: ([c]) => `exact | beyond bottleneck | L=${c.dims.length - 1}` },
      );
    },
    timeout(3_000),
  );

  test(
    ABLATION.thm1FloatBreak.title,
    () => {
      const found = findCounterexample(
        'RNBU.Thm1',
        fc.property(
          alignedInit({ minDepth: 2, maxDepth: 3, maxWidth: 3, positive: true }).chain((init) =>
            fc.record({ init: fc.constant(init), data: alignmentData({ kind: 'generic', input: init.bases[0], output: init.bases[init.bases.length - 1] }) }),
          ),
          ({ init, data }) => {
            const { data: ds } = alignmentProblemFloat(data, init.dims);
            const r = gradientDescent({
              network: netOf(alignedInitWeights(init), init.dims),
              data: ds,
              loss: squared,
              schedule: { kind: 'constant', eta: 1 / 4 },
              steps: 1,
            });
            // aligned nets read ≤ 1e-12 (alignmentDistance unit test: rounding + eigensolver, no near-clusters with
            // these σ); the measure's own floor on nearly repeated values is O(τ) = 1e-8: 1e-6 is clear of both
            return alignmentDistance(r.network.weights, init.dims).distance <= 1e-6;
          },
        ),
        { numRuns: runs(100), label: ABLATION.thm1FloatBreak.label },
      );
      const { init } = found.counterexample[0];
      expect(init.dims.length).toBeGreaterThanOrEqual(3);
    },
    timeout(3_000),
  );

  test(
    claimTitle('RNBU.Thm1', 'twin: a trainer that scales G_1 by 1.01 keeps the alignment but not the derived form of the gradient'),
    () => {
      findCounterexample(
        'RNBU.Thm1',
        fc.property(thm1Case('factorization', { stable: true }), (c) => {
          const r = runInvariance(c, SHORT, brokenGradient({ kind: 'scale', layer: 0, factor: 1.01 }), { form: true });
          checkLeak(r, 'thm1');
          if (r.formRatio > 1) failCheck('thm1-gradient-form', r.formRatio, 1, `diag(U_kᵀĜ_kU_{k−1}) ≠ M_k: ${r.formAt}`);
        }),
        // 1 % of a diagonal entry of G_1 against a rounding-level allowance (measured ≥ 1e12)
        { numRuns: runs(40), label: 'twin: G_1 scaled by 1.01', expectCheck: 'thm1-gradient-form', minRatio: 1e6 },
      );
    },
    timeout(3_000),
  );

  test(
    claimTitle('RNBU.Thm1', 'twin: a trainer that transposes G_1 breaks the invariance check (fast-check must find a case)'),
    () => {
      findCounterexample(
        'RNBU.Thm1',
        fc.property(thm1Case('factorization', { stable: true }), (c) => {
          const r = runInvariance(c, horizon(30), brokenGradient({ kind: 'transpose', layer: 0 }));
          if (r.diverged) failCheck('thm1-diverged', Infinity, 1, `the run diverged (η = ${c.eta})`);
          checkLeak(r, 'thm1');
        }),
        // a transposed G_1 of a non-symmetric U_1M_1U_0ᵀ has an off-diagonal part of the order of ‖G_1‖ in the
        // bases: the gradient check catches it far above rounding (measured ≥ 1e10)
        { numRuns: runs(40), label: 'twin: G_1 transposed', expectCheck: 'thm1-gradient', minRatio: 1e6 },
      );
    },
    timeout(3_000),
  );
});

/**
 * Autoencoding 4→3→4, X = U diag(s) (n = 4), U an irrational orthogonal basis
 * (Gram–Schmidt of a fixed integer matrix) so that every step rounds. The
 * aligned init puts the bottleneck on three eigendirections with balanced
 * σ = 1/2. Keeping the three smallest (λ = s²/n) leaves the largest, d, out.
 *
 * Linearization (derived here): with a_j = W̃_1[j,j], b_j = W̃_2[j,j] the
 * perturbation (ε, δ) = (W̃_1[j,d], W̃_2[d,j]) obeys, to first order,
 * ε' = ε − η(b_j²λ_d ε − λ_d δ), δ' = δ − η(−λ_d ε + a_j²λ_j δ), i.e. I − ηK_j,
 * K_j = [[b_j²λ_d, −λ_d], [−λ_d, a_j²λ_j]], det K_j = λ_d(a_j²b_j²λ_j − λ_d) < 0
 * whenever a_j²b_j²λ_j < λ_d — always, when a kept λ_j is below λ_d and a_jb_j ≤ 1.
 * So the aligned set is a saddle and rounding errors grow by 1 − ημ_−(K_j) per
 * step, μ_− < 0 the negative eigenvalue.
 */
function instabilityRun(keep: 'smallest' | 'largest', steps: number): { dist: number[]; predicted: number[] } {
  const G = [
    [3, 1, 0, 2],
    [1, 4, 1, 0],
    [0, 1, 5, 1],
    [2, 0, 1, 6],
  ];
  // Gram–Schmidt on the columns
  const cols: number[][] = [];
  for (let j = 0; j < 4; j++) {
    const v = G.map((row) => row[j]);
    for (const q of cols) {
      const d = v.reduce((s, x, i) => s + x * q[i], 0);
      v.forEach((_, i) => (v[i] -= d * q[i]));
    }
    const nv = Math.hypot(...v);
    cols.push(v.map((x) => x / nv));
  }
  const s = [1, 3 / 4, 1 / 2, 1 / 4];
  const n = 4;
  const lam = s.map((v) => (v * v) / n);
  // net basis: kept directions first, the dropped one last
  const order = keep === 'smallest' ? [3, 2, 1, 0] : [0, 1, 2, 3];
  const U0 = Float64Array.from({ length: 16 }, (_, t) => cols[order[t % 4]][Math.floor(t / 4)]);
  const U1 = Float64Array.from([1, 0, 0, 0, 1, 0, 0, 0, 1]);
  const lamOrd = order.map((c) => lam[c]);
  const xs = [0, 1, 2, 3].map((i) => cols[i].map((v) => v * s[i]));
  const data = datasetFromArrays(xs, xs, 'regression');
  const sigma = 1 / 2;
  const W1 = [0, 1, 2].map((i) => [0, 1, 2, 3].map((c) => sigma * U0[c * 4 + i]));
  const W2 = [0, 1, 2, 3].map((r) => [0, 1, 2].map((j) => sigma * U0[r * 4 + j]));
  const eta = 1 / 4;
  const dist: number[] = [];
  const predicted: number[] = [];
  gradientDescent({
    network: networkFromArrays([W1, W2], { kind: 'linear' }),
    data,
    loss: squared,
    schedule: { kind: 'constant', eta },
    steps,
    onStep(v) {
      const W = v.weights;
      dist.push(alignmentInBases(W, [4, 3, 4], [U0, U1, U0]).distance);
      const M1 = inBases(W[0], 3, 4, U1, U0);
      const M2 = inBases(W[1], 4, 3, U0, U1);
      let rate = -Infinity;
      for (let j = 0; j < 3; j++) {
        const a = M1[j * 4 + j];
        const b = M2[j * 3 + j];
        const k11 = b * b * lamOrd[3];
        const k22 = a * a * lamOrd[j];
        const k12 = -lamOrd[3];
        const tr = k11 + k22;
        const det = k11 * k22 - k12 * k12;
        const muMinus = (tr - Math.sqrt(tr * tr - 4 * det)) / 2;
        rate = Math.max(rate, Math.log(Math.abs(1 - eta * muMinus)));
      }
      predicted.push(rate);
    },
  });
  return { dist, predicted };
}

describe('RNBU.Thm1 finding: the aligned set is unstable when the bottleneck keeps the smallest directions', () => {
  test(
    claimTitle('RNBU.Thm1', 'finding: autoencoding 4→3→4 keeping the smallest eigendirections — rounding grows to O(1) at the linearized rate'),
    () => {
      const steps = horizon(1500);
      const bad = instabilityRun('smallest', steps);
      const good = instabilityRun('largest', steps);
      const marks = Array.from({ length: Math.floor(steps / 100) + 1 }, (_, i) => i * 100);
      console.log(
        `RNBU.Thm1 finding — distance from aligned (given bases) every 100 steps, η = 1/4:\n  smallest kept: ${marks.map((t) => bad.dist[t].toExponential(1)).join(' ')}\n  largest kept:  ${marks.map((t) => good.dist[t].toExponential(1)).join(' ')}`,
      );
      // the window where one mode dominates and the perturbation is still linear: 1e-12 → 1e-4
      const a = bad.dist.findIndex((d) => d > 1e-12);
      const b = bad.dist.findIndex((d) => d > 1e-4);
      const o1 = bad.dist.findIndex((d) => d > 1e-2);
      expect(a).toBeGreaterThanOrEqual(0);
      expect(b).toBeGreaterThan(a);
      const observed = Math.log(bad.dist[b] / bad.dist[a]) / (b - a);
      const predicted = bad.predicted.slice(a, b).reduce((x, y) => x + y, 0) / (b - a);
      console.log(
        `  growth rate over steps ${a}–${b}: observed ${observed.toFixed(5)}/step, linearized ${predicted.toFixed(5)}/step (×${Math.exp(observed).toFixed(4)} per step); distance passes 1e-2 at step ${o1}`,
      );
      // starts at rounding level, ends O(1): more than 12 orders of magnitude
      expect(bad.dist[0]).toBeLessThan(1e-15);
      expect(Math.max(...bad.dist)).toBeGreaterThan(1e-1);
      // the measured off-diagonal is the mode amplitude times the mode's shape (|δ/ε| ∈ [b², b² + |μ|/λ_d] ⊂ [1/4, 2]
      // with a, b ∈ [1/2, 1]) over ‖W‖_F (which grows from ~1 to ~1.7): that factor moves by at most 16× over the
      // window, so the fitted log-rate can differ from the linearized one by ≤ ln(16)/(b − a)
      expect(Math.abs(observed - predicted)).toBeLessThanOrEqual(Math.log(16) / (b - a));
      // the stable order stays at rounding level: at least ten orders of magnitude below
      expect(Math.max(...good.dist)).toBeLessThan(1e-10 * Math.max(...bad.dist));
    },
    timeout(3_000),
  );
});
