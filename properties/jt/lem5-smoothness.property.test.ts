/**
 * JT.Lem5: the logistic risk is β(R)-smooth on the Frobenius ball B(R), with its twin.
 */
import { describe, test } from 'vitest';
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
import { createWorkspace, riskAndGradient, zerosLike, type GradientFn } from '../../src/trainer/gradient.js';
import { jiTelgarskySmoothness } from '../../src/trainer/schedule.js';
import { assertClaim, findCounterexample } from '../../src/verify/claimProperty.js';
import { runs } from '../../src/verify/profile.js';
import { sumOfSquares } from '../../src/linalg/sumOfSquares.js';
import { DROP_G1, LOGISTIC_CONSTANTS, dataOf, timeout } from '../../src/verify/jt/trainCase.js';

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
 * JT.Lem5's INEQ at (W, V): R(V) − R(W) − ⟨∇R(W), V − W⟩ − (β(R)/2)‖V − W‖² ≤ allowance, with ∇R(W) from `gradient`.
 * Allowance: the two risks' rounding, ‖Ĝ − ∇R‖‖V − W‖ (gradientRounding), forming V − W (u per entry) and the
 * dot product over M entries (γ_{M+1}‖Ĝ‖‖V − W‖), and γ_{M+3} on the quadratic term.
 */
function smoothnessRatio(c: SmoothnessCase, gradient: GradientFn = riskAndGradient): number {
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
  const residual = rV - rW - inner - (beta / 2) * distSq;
  const gNorm = Math.sqrt(sumOfSquares(g.flatMap((G) => Array.from(G))));
  const dist = Math.sqrt(distSq);
  const allowance =
    riskRounding(sW) +
    riskRounding(sV) +
    norm2(gradientRounding(sW)) * dist +
    (gamma(M + 1) + UNIT_ROUNDOFF) * gNorm * dist +
    gamma(M + 3) * (beta / 2) * distSq;
  return residual / allowance;
}

describe('JT.Lem5: the logistic risk is β(R)-smooth on B(R)', () => {
  test(
    claimTitle('JT.Lem5', 'INEQ: R(V) ≤ R(W) + ⟨∇R(W), V − W⟩ + (β(R)/2)‖V − W‖² for W, V ∈ B(R), R ≥ 1, ‖x_i‖ ≤ 1, logistic'),
    () => {
      assertClaim(
        'JT.Lem5',
        fc.property(smoothnessCase, (c) => smoothnessRatio(c) <= 1),
        { numRuns: runs(300) },
      );
    },
    timeout(3000, false),
  );

  test(
    claimTitle('JT.Lem5', `twin: fails when ∇R(W) has ${faultName(DROP_G1)}`),
    () => {
      findCounterexample(
        'JT.Lem5',
        fc.property(smoothnessCase, (c) => smoothnessRatio(c, brokenGradient(DROP_G1)) <= 1),
        { numRuns: runs(300), label: `twin, ${faultName(DROP_G1)}` },
      );
    },
    timeout(2000, false),
  );
});
