/**
 * EX.norm-step: the worked example of docs/writing-a-claim.md (not a claim of the papers). One GD step on a
 * one-layer linear net changes ‖W‖_F² by exactly −2η⟨G, W⟩ + η²‖G‖², G = ∇R(W) from the trusted kernel. The
 * property checks it to the allowance derived in src/verify/example/normStep.ts; the twin must fail on a trainer
 * whose gradient is scaled by 1.01; the ablation drops the η² term and must find a step where the first-order
 * prediction misses.
 */
import fc from 'fast-check';
import { describe, test } from 'vitest';
import { architecture, gaussianInit, regressionDataset, stepSize } from '../../src/arbitraries/index.js';
import { ablationTest, claimTitle } from '../../src/claims/registry.js';
import { datasetFromArrays } from '../../src/data/dataset.js';
import { sumOfSquares } from '../../src/linalg/sumOfSquares.js';
import { squared } from '../../src/losses/loss.js';
import { linear } from '../../src/network/activation.js';
import { networkFromArrays } from '../../src/network/network.js';
import type { SpecInput } from '../../src/spec/spec.js';
import { brokenGradient, faultName, type GradientFault } from '../../src/trainer/brokenGradient.js';
import { createWorkspace, riskAndGradient, zerosLike, type GradientFn } from '../../src/trainer/gradient.js';
import { gradientDescent } from '../../src/trainer/gradientDescent.js';
import { normStepAllowance } from '../../src/verify/example/normStep.js';
import { assertClaim, findCounterexample } from '../../src/verify/claimProperty.js';
import { runs } from '../../src/verify/profile.js';

/** Generator: a one-layer net (d_0 ≤ 3 inputs, 1–2 outputs), regression data, a Gaussian init and a step in [2⁻⁶, 4]. */
const normStepCase = architecture({ minDepth: 1, maxDepth: 1, maxInputDim: 3, minOutputDim: 1, maxOutputDim: 2 }).chain((arch) =>
  fc.record({
    data: regressionDataset({ minDim: arch.dims[0], maxDim: arch.dims[0], minOutputDim: arch.dims[1], maxOutputDim: arch.dims[1], maxSamples: 5 }),
    weights: gaussianInit(arch, { scale: 1 }),
    eta: stepSize({ min: 2 ** -6, max: 4 }),
  }),
);
type NormStepCase = typeof normStepCase extends fc.Arbitrary<infer T> ? T : never;

/** The case as a replayable training spec (what `dlncheck replay` runs). */
const specOf = (c: NormStepCase): SpecInput => ({
  data: c.data,
  network: { weights: c.weights, activation: 'linear' },
  loss: 'squared',
  schedule: { kind: 'constant', eta: c.eta },
  steps: 1,
});

/**
 * |(‖W'‖² − ‖W‖²) − prediction| / allowance for one step of the trainer (with `trainer` as its gradient); the
 * prediction uses the trusted G, and drops η²‖G‖² when `firstOrder`. ≤ 1 means the identity holds to rounding.
 */
function normStepRatio(c: NormStepCase, trainer?: GradientFn, firstOrder = false): number {
  const net = networkFromArrays(c.weights, linear);
  const data = datasetFromArrays(c.data.x, c.data.y, 'regression');
  const G = zerosLike(net);
  riskAndGradient(createWorkspace(net.dims, data.n), net, data, squared, G);
  const W = net.weights[0].slice();
  let after = NaN;
  gradientDescent({
    network: net,
    data,
    loss: squared,
    schedule: { kind: 'constant', eta: c.eta },
    steps: 1,
    ...(trainer ? { gradient: trainer } : {}),
    onStep(v) {
      if (v.t === 1) after = sumOfSquares(v.weights[0]);
    },
  });
  const before = sumOfSquares(W);
  const gradSq = sumOfSquares(G[0]);
  let inner = 0;
  for (let i = 0; i < W.length; i++) inner += G[0][i] * W[i];
  const predicted = -2 * c.eta * inner + (firstOrder ? 0 : c.eta * c.eta * gradSq);
  const allowance = normStepAllowance({ entries: W.length, eta: c.eta, before, after, inner, gradSq });
  const residual = Math.abs(after - before - predicted);
  return residual === 0 ? 0 : residual / allowance;
}

const SCALE_G1: GradientFault = { kind: 'scale', layer: 0, factor: 1.01 };

describe('EX.norm-step: worked example (docs/writing-a-claim.md)', () => {
  test(claimTitle('EX.norm-step', 'EXACT: ‖W′‖_F² − ‖W‖_F² = −2η⟨G, W⟩ + η²‖G‖² to the derived rounding allowance, one layer, squared loss'), () => {
    assertClaim(
      'EX.norm-step',
      fc.property(normStepCase, (c) => normStepRatio(c) <= 1),
      { numRuns: runs(100), toSpec: ([c]) => specOf(c) },
    );
  });

  test(claimTitle('EX.norm-step', `twin: fails when the trainer has ${faultName(SCALE_G1)}`), () => {
    findCounterexample(
      'EX.norm-step',
      fc.property(normStepCase, (c) => normStepRatio(c, brokenGradient(SCALE_G1)) <= 1),
      { numRuns: runs(100), label: `twin, ${faultName(SCALE_G1)}` },
    );
  });

  const ab = ablationTest('EX.norm-step', 'η² term');
  test(ab.title, () => {
    findCounterexample(
      'EX.norm-step',
      fc.property(normStepCase, (c) => normStepRatio(c, undefined, true) <= 1),
      { numRuns: runs(100), label: ab.label, toSpec: ([c]) => specOf(c) },
    );
  });
});
