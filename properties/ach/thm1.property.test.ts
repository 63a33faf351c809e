/**
 * ACH.Thm1 (Arora, Cohen & Hazan; docs/claims.md, ACH): at balanced points the end-to-end dynamics, with its twin and the
 * `balanced` ablation (§7).
 *
 * Tolerances: src/tolerances/ach.ts (derivations there).
 */
import { describe, test } from 'vitest';
import { plainFrobenius } from '../../src/linalg/sumOfSquares.js';
import fc from 'fast-check';
import { architecture, balancedInit, stepSize } from '../../src/arbitraries/index.js';
import { ablationTest, claimTitle } from '../../src/claims/registry.js';
import { endToEnd } from '../../src/linalg/dense.js';
import { balanceMatrices } from '../../src/metrics/balancedness.js';
import { chainRuleScale, chainRuleVelocity, endToEndVelocity } from '../../src/metrics/endToEndDynamics.js';
import { networkFromArrays } from '../../src/network/network.js';
import { endToEndIdentityBound, endToEndIdentityRatio, quarteringDeviationRatio } from '../../src/tolerances/ach.js';
import { brokenGradient } from '../../src/trainer/brokenGradient.js';
import { createWorkspace, riskAndGradient, zerosLike, type GradientFn } from '../../src/trainer/gradient.js';
import { gradientDescent } from '../../src/trainer/gradientDescent.js';
import { assertClaim, findCounterexample } from '../../src/verify/claimProperty.js';
import { runs } from '../../src/verify/profile.js';
import {
  LINEAR,
  type LossName,
  type StepCase,
  caseClass,
  dataFor,
  datasetOf,
  dyadicWeights,
  losses,
  specOf,
  twinFaults,
  withinBound,
} from '../../src/verify/dhl/stepCase.js';
import { trainerGradient } from '../../src/verify/fault.js';

/** Balanced weights (balancedInit: D_k = 0 exactly for dyadic frames, to a few ulps for rational ones), any loss and data. */
const balancedCase: fc.Arbitrary<StepCase> = fc
  .record({
    loss: fc.constantFrom<LossName>('squared', 'logistic', 'exponential', 'expression'),
    frames: fc.constantFrom('dyadic' as const, 'rational' as const),
    outputs: fc.integer({ min: 1, max: 2 }),
  })
  .chain(({ loss, frames, outputs }) =>
    architecture({ minDepth: 2, maxDepth: 4, maxWidth: 3, maxInputDim: 3, maxOutputDim: loss === 'squared' ? outputs : 1 }).chain(({ dims }) =>
      fc.record({
        loss: fc.constant(loss),
        data: dataFor(dims, loss),
        weights: balancedInit({ dims }, { frames }),
        eta: stepSize({ min: 2 ** -8, max: 2 ** -4 }),
      }),
    ),
  )
  .map(({ loss, data, weights, eta }) => ({ loss, activation: LINEAR, x: data.x, y: data.y, weights, eta }));

interface EndToEndCheck {
  readonly ratio: number;
  readonly difference: number;
  readonly bound: number;
  readonly velocity: Float64Array;
  readonly grads: Float64Array[];
  readonly E: Float64Array;
  readonly P: Float64Array;
}

/** dP/dt by the chain rule with the trainer's gradients, against ACH's formula with the same E. */
function endToEndCheck(c: StepCase, gradient: GradientFn = riskAndGradient): EndToEndCheck {
  const net = networkFromArrays(c.weights, LINEAR);
  const data = datasetOf(c);
  const dims = net.dims;
  const L = net.weights.length;
  const ws = createWorkspace(dims, data.n);
  const grads = zerosLike(net);
  gradient(ws, net, data, losses[c.loss], grads);
  const E = ws.E.slice();
  const P = endToEnd(net.weights, dims);
  const chain = chainRuleVelocity(net.weights, grads, dims);
  const ach = endToEndVelocity(P, E, dims[L], dims[0], L, Math.min(...dims));
  const difference = plainFrobenius(chain.map((v, i) => v - ach.velocity[i]));
  const scales = { chainScale: chainRuleScale(net.weights, E), termScale: ach.termScale, conditioning: ach.conditioning, depth: L, maxDim: Math.max(...dims) };
  return { ratio: endToEndIdentityRatio({ difference, ...scales }), difference, bound: endToEndIdentityBound(scales), velocity: ach.velocity, grads, E, P };
}

function quartering(c: StepCase, gradient?: GradientFn) {
  const at = endToEndCheck(c, gradient);
  const net = networkFromArrays(c.weights, LINEAR);
  const data = datasetOf(c);
  const discrepancy = (h: number) => {
    const after = gradientDescent({ network: net, data, loss: losses[c.loss], schedule: { kind: 'constant', eta: h }, steps: 1, gradient }).network;
    const P1 = endToEnd(after.weights, net.dims);
    return plainFrobenius(P1.map((p, i) => p - at.P[i] - h * at.velocity[i]));
  };
  return quarteringDeviationRatio({
    discrepancy: discrepancy(c.eta),
    discrepancyHalf: discrepancy(c.eta / 2),
    step: c.eta,
    layerNorms: net.weights.map(plainFrobenius),
    gradNorms: at.grads.map(plainFrobenius),
    identityBound: at.bound,
    velocityNorm: plainFrobenius(at.velocity),
    maxDim: Math.max(...net.dims, data.n),
  });
}

describe('ACH.Thm1: end-to-end dynamics at balanced points', () => {
  test(claimTitle('ACH.Thm1', 'EXACT: at balanced points −Σ_k A_kG_kB_k = −Σ_j (PPᵀ)^{(j−1)/L} E (PᵀP)^{(L−j)/L} to the derived tolerance'), () => {
    const gradient = trainerGradient();
    assertClaim(
      'ACH.Thm1',
      fc.property(balancedCase, (c) => withinBound('ACH-identity', endToEndCheck(c, gradient).ratio, 'chain-rule velocity against ACH’s formula')),
      { numRuns: runs(100), toSpec: ([c]) => specOf(c, 0), classify: ([c]) => caseClass(c) },
    );
  });

  test(claimTitle('ACH.Thm1', 'twin: the identity fails when G_1 is scaled by 1.01'), () => {
    findCounterexample(
      'ACH.Thm1',
      fc.property(balancedCase, (c) =>
        withinBound('ACH-identity', endToEndCheck(c, brokenGradient(twinFaults[0])).ratio, 'chain-rule velocity against ACH’s formula'),
      ),
      // a 1 % error adds 0.01·A_1G_1B_1 to the velocity against a rounding-sized tolerance: the shrunk
      // case misses by 9.0e10 (measured); 1e8 leaves room for a different shrink
      { numRuns: runs(100), label: 'twin, G_1 scaled by 1.01', expectCheck: 'ACH-identity', minRatio: 1e8 },
    );
  });

  test(
    claimTitle(
      'ACH.Thm1',
      'GD: the one-step discrepancy P(W − ηG) − P − η·V_ACH is O(η²): it quarters when η halves, within the band of the degree-L step polynomial',
    ),
    () => {
      // a band wider than 1/8 cannot tell 1/4 from a first-order 1/2 (Δ at rounding level, e.g. E ≈ 0 or C_2 ≈ 0): counted, not hidden
      const observed: number[] = [];
      let uninformative = 0;
      const gradient = trainerGradient();
      assertClaim(
        'ACH.Thm1',
        fc.property(balancedCase, (c) => {
          const q = quartering(c, gradient);
          if (q.band <= 1 / 8 && Number.isFinite(q.observed)) observed.push(q.observed);
          else uninformative++;
          return withinBound('quartering-band', q.ratio, `‖Δ(η/2)‖/‖Δ(η)‖ = ${q.observed} against 1/4 ± ${q.band}`);
        }),
        { numRuns: runs(100), toSpec: ([c]) => specOf(c) },
      );
      observed.sort((a, b) => a - b);
      console.log(
        `ACH.Thm1 GD: ‖Δ(η/2)‖/‖Δ(η)‖ from ${observed[0]?.toFixed(4)} to ${observed[observed.length - 1]?.toFixed(4)} over ${observed.length} cases with a band ≤ 1/8 (1/4 predicted); ${uninformative} with a wider band`,
      );
    },
  );

  test(claimTitle('ACH.Thm1', 'twin: with G_1 scaled by 1.01 the discrepancy is first order (halves instead of quartering)'), () => {
    findCounterexample(
      'ACH.Thm1',
      fc.property(balancedCase, (c) => {
        const q = quartering(c, brokenGradient(twinFaults[0]));
        return withinBound('quartering-band', q.ratio, `‖Δ(η/2)‖/‖Δ(η)‖ = ${q.observed} against 1/4 ± ${q.band}`);
      }),
      // the first-order error makes the ratio ≈ 1/2 against 1/4 ± band: the shrunk case misses by
      // 3.4e5 (measured); 1e3 leaves room for a different shrink
      { numRuns: runs(100), label: 'GD twin, G_1 scaled by 1.01', expectCheck: 'quartering-band', minRatio: 1e3 },
    );
  });
});

describe('ablations (the ablations in docs/claims.md)', () => {
  const unbalancedInit = ablationTest('ACH.Thm1', 'balanced', 'at an unbalanced init the identity misses by the order of ‖D(0)‖');
  test(unbalancedInit.title, () => {
    const unbalanced = architecture({ minDepth: 2, maxDepth: 3, maxWidth: 3, maxInputDim: 3, maxOutputDim: 1 })
      .chain(({ dims }) => fc.record({ data: dataFor(dims, 'squared'), weights: dyadicWeights(dims) }))
      .map(({ data, weights }): StepCase => ({ loss: 'squared', activation: LINEAR, x: data.x, y: data.y, weights, eta: 1 }));
    const found = findCounterexample(
      'ACH.Thm1',
      fc.property(unbalanced, (c) => endToEndCheck(c).ratio <= 1),
      { numRuns: runs(100), label: unbalancedInit.label, toSpec: ([c]) => specOf(c, 0), classify: ([c]) => caseClass(c) },
    );
    const [c] = found.counterexample;
    const out = endToEndCheck(c);
    const net = networkFromArrays(c.weights, LINEAR);
    const imbalance = plainFrobenius(balanceMatrices(net.weights, net.dims).map(plainFrobenius));
    console.log(
      `ACH.Thm1 unbalanced ablation: ‖V_chain − V_ACH‖_F = ${out.difference.toExponential(3)} with ‖D(0)‖_F = ${imbalance.toExponential(3)}, ‖E‖_F = ${plainFrobenius(out.E).toExponential(3)} (tolerance ${out.bound.toExponential(2)})`,
    );
  });
});
