/**
 * DHL.MF: the factorization form of F2, exact in rationals and to the rounding bound in floats, with its twins.
 *
 * Tolerances: src/tolerances/balancedness.ts (derivations there).
 */
import { describe, test } from 'vitest';
import fc from 'fast-check';
import { factorizationTarget, stepSize, type Weights } from '../../src/arbitraries/index.js';
import { claimTitle } from '../../src/claims/registry.js';
import { exactFraction, fractionMatrix, isZero, matmul, scale, sub, transpose, type FractionMatrix } from '../../src/exact/fractionMatrix.js';
import { rationalGradientStep } from '../../src/exact/rationalGradientStep.js';
import { squared } from '../../src/losses/loss.js';
import { networkFromArrays } from '../../src/network/network.js';
import { balanceStepRatio } from '../../src/tolerances/dhlStep.js';
import { recordBalanceStep } from '../../src/verify/recordBalanceStep.js';
import { brokenGradient, type GradientFault } from '../../src/trainer/brokenGradient.js';
import { assertClaim, findCounterexample } from '../../src/verify/claimProperty.js';
import { runs } from '../../src/verify/profile.js';
import { factorizationData, factorizationSpec } from '../../src/verify/dhl/factorization.js';
import { LINEAR, dyadicWeights, twinFaults } from '../../src/verify/dhl/stepCase.js';

/**
 * DHL.MF in its own variables: f = ½‖UVᵀ − M*‖² is the two-layer net W_1 = Vᵀ,
 * W_2 = U on X = I (n = cols of M*, x_i = e_i, y_i = M*e_i), whose risk is f/n; a
 * step of size η on f is a step of size nη on R. Residual of
 * U'ᵀU' − V'ᵀV' − (UᵀU − VᵀV) = η²(VᵀQᵀQV − UᵀQQᵀU), Q = UVᵀ − M*, in rationals.
 */
interface FactorizationCase {
  readonly target: number[][];
  /** [Vᵀ, U] */
  readonly weights: Weights;
  readonly eta: number;
}

const factorizationCase: fc.Arbitrary<FactorizationCase> = fc
  .record({ target: factorizationTarget({ maxRows: 3, maxCols: 3, maxRank: 2, maxFactorEntry: 1 }), inner: fc.integer({ min: 1, max: 3 }) })
  .chain(({ target, inner }) =>
    fc.record({
      target: fc.constant(target.target),
      weights: dyadicWeights([target.target[0].length, inner, target.target.length]),
      eta: stepSize({ min: 2 ** -6, max: 1 }),
    }),
  );

function factorizationResidual(c: FactorizationCase, fault?: GradientFault): FractionMatrix {
  const data = factorizationData(c.target);
  const n = data.n;
  const eta = exactFraction(c.eta);
  const step = rationalGradientStep(networkFromArrays(c.weights, LINEAR), data, eta.mul(n), fault);
  const [Vt, U] = step.before;
  const [Vt1, U1] = step.after;
  const V = transpose(Vt);
  const V1 = transpose(Vt1);
  const Mstar = targetMatrix(c.target);
  const Q = sub(matmul(U, Vt), Mstar);
  const imbalance = (u: FractionMatrix, v: FractionMatrix) => sub(matmul(transpose(u), u), matmul(transpose(v), v));
  const predicted = scale(
    sub(matmul(matmul(transpose(V), transpose(Q)), matmul(Q, V)), matmul(matmul(transpose(U), Q), matmul(transpose(Q), U))),
    eta.mul(eta),
  );
  return sub(sub(imbalance(U1, V1), imbalance(U, V)), predicted);
}

function targetMatrix(target: readonly (readonly number[])[]): FractionMatrix {
  const rows = target.length;
  const cols = target[0].length;
  return fractionMatrix(rows, cols, target.flat());
}

describe('DHL.Thm2.2 and DHL.MF: exact arithmetic and the factorization form', () => {
  test(claimTitle('DHL.MF', 'EXACT in rationals: UᵀU − VᵀV changes by exactly η²(VᵀQᵀQV − UᵀQQᵀU)'), () => {
    assertClaim(
      'DHL.MF',
      fc.property(factorizationCase, (c) => isZero(factorizationResidual(c))),
      { numRuns: runs(60) },
    );
  });

  test(claimTitle('DHL.MF', 'EXACT in floats: the trainer’s step on ½‖UVᵀ − M*‖² satisfies F2 to the rounding bound'), () => {
    assertClaim(
      'DHL.MF',
      fc.property(factorizationCase, (c) => {
        const data = factorizationData(c.target);
        return balanceStepRatio(recordBalanceStep(networkFromArrays(c.weights, LINEAR), data, squared, c.eta * data.n), 'matrix') <= 1;
      }),
      { numRuns: runs(100), toSpec: ([c]) => factorizationSpec(c.target, c.weights, { kind: 'constant', eta: c.eta * c.target[0].length }, 1) },
    );
  });

  test(claimTitle('DHL.MF', 'twins: the exact and the float forms fail when ∇_V f is scaled by 1.01'), () => {
    findCounterexample(
      'DHL.MF',
      fc.property(factorizationCase, (c) => isZero(factorizationResidual(c, twinFaults[0]))),
      { numRuns: runs(60), label: 'rational twin, ∇_V scaled by 1.01' },
    );
    findCounterexample(
      'DHL.MF',
      fc.property(factorizationCase, (c) => {
        const data = factorizationData(c.target);
        return (
          balanceStepRatio(recordBalanceStep(networkFromArrays(c.weights, LINEAR), data, squared, c.eta * data.n, brokenGradient(twinFaults[0])), 'matrix') <= 1
        );
      }),
      { numRuns: runs(100), label: 'float twin, ∇_V scaled by 1.01' },
    );
  });
});
