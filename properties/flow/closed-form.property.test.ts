/**
 * FLOW.accuracy: gradientFlow against exact flows, long past convergence.
 * - depth 1, squared loss: dW/dt = −(W S − M), solved by the eigendecomposition of S (linearSquaredFlow);
 * - the balanced scalar depth-2 net: w′ = −(s w² − m)w, a logistic equation in p = w² (balancedScalarFlow, derivation
 *   there).
 * Bound checked, per weight entry and checkpoint (src/trainer/flowAccuracy.ts):
 *   |w − w*| ≤ flowErrorBound(τ, T, |w*|) = 10τ(1 + |w*|) (T ≤ 2^16) + the closed form's own rounding.
 * The closed form's rounding: S's eigendecomposition has backward error ≲ d·u·‖S‖, which moves the limit
 * W* = M S⁻¹ by ≲ d·u·cond(S)·|W*| and the transient less; 16·d·u·cond(S)·(1 + |w*|) covers it and is ≤ 1e-12·(1 + |w*|)
 * under the generator's cond(S) ≤ 100 (a tenth of the bound at τ = 1e-12). The scalar closed form is a few
 * operations: 64u(1 + |w*|).
 * Twin: ODEX (the integrator before issue 16) at the same tolerances breaks the bound.
 */
import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { claimTitle } from '../../src/claims/registry.js';
import { datasetFromArrays } from '../../src/data/dataset.js';
import { squared } from '../../src/losses/loss.js';
import { networkFromArrays } from '../../src/network/network.js';
import { balancedScalarFlow, linearSquaredFlow, secondMomentSpectrum } from '../../src/trainer/flowClosedForm.js';
import { flowErrorBound } from '../../src/trainer/flowAccuracy.js';
import { gradientFlow, type FlowIntegrator } from '../../src/trainer/gradientFlow.js';
import { assertClaim, findCounterexample } from '../../src/verify/claimProperty.js';
import { runs } from '../../src/verify/profile.js';

const U = 2 ** -53;
const T = 1000;
const CHECKPOINTS = [1, 10, 100, T];
const tolerance = fc.constantFrom(1e-8, 1e-10, 1e-12);
/**
 * Values on the grid 1/256 in [−a, a]: exact in binary, and free of fast-check's subnormal doubles, which make S
 * degenerate (ml-matrix's EVD fails on it) and m/s lose its bits.
 */
const grid = (a: number, min = 0) => fc.integer({ min: Math.ceil(min * 256), max: a * 256 }).chain((v) => fc.constantFrom(v / 256, -v / 256));
const unit = grid(1);

interface Depth1Case {
  x: number[][];
  y: number[][];
  w0: number[][];
  tolerance: number;
}

/** d ≤ 3 inputs, k ≤ 2 outputs, n ≤ 8 samples in [−1, 1]^d; S well enough conditioned that T·λ_min(S) ≥ 10 (converged) */
const depth1Case: fc.Arbitrary<Depth1Case> = fc
  .record({ d: fc.integer({ min: 1, max: 3 }), k: fc.integer({ min: 1, max: 2 }), n: fc.integer({ min: 3, max: 8 }) })
  .chain(({ d, k, n }) =>
    fc.record({
      x: fc.array(fc.array(unit, { minLength: d, maxLength: d }), { minLength: n, maxLength: n }),
      y: fc.array(fc.array(grid(2), { minLength: k, maxLength: k }), { minLength: n, maxLength: n }),
      w0: fc.array(fc.array(grid(1.5), { minLength: d, maxLength: d }), { minLength: k, maxLength: k }),
      tolerance,
    }),
  )
  .filter(({ x }) => {
    const spec = secondMomentSpectrum(x);
    return spec[0] >= 0.01 && spec[0] * 100 >= spec[spec.length - 1];
  });

interface ScalarCase {
  x: number[];
  y: number[];
  w0: number;
  tolerance: number;
}

/** s = mean x² ≥ 0.05; any sign of m = mean xy (m < 0: w decays to 0; m > 0: w² → m/s) */
const scalarCase: fc.Arbitrary<ScalarCase> = fc
  .integer({ min: 1, max: 6 })
  .chain((n) =>
    fc.record({
      x: fc.array(unit, { minLength: n, maxLength: n }),
      y: fc.array(grid(2), { minLength: n, maxLength: n }),
      w0: grid(1.5, 0.1),
      tolerance,
    }),
  )
  .filter(({ x }) => x.reduce((s, v) => s + v * v, 0) / x.length >= 0.05);

/** the flow's weights (flattened) at CHECKPOINTS */
function flowAt(weights: number[][][], x: number[][], y: number[][], tol: number, integrator: FlowIntegrator): number[][] {
  const out: number[][] = [];
  const res = gradientFlow({
    network: networkFromArrays(weights, { kind: 'linear' }),
    data: datasetFromArrays(x, y, 'regression'),
    loss: squared,
    time: T,
    tolerance: tol,
    integrator,
    checkpointTimes: CHECKPOINTS,
    onCheckpoint: (_t, net) => out.push(net.weights.flatMap((W) => Array.from(W))),
  });
  if (res.diverged) throw new Error(`the flow stopped: ${res.diverged.reason}`);
  return out;
}

/** max over checkpoints and entries of |w − w*| / (bound + floor·(1 + |w*|)); ≤ 1 is the claim */
function worstRatio(got: number[][], exact: number[][], tol: number, floor: number): { ratio: number; where: string } {
  let worst = { ratio: 0, where: '' };
  got.forEach((w, c) =>
    w.forEach((v, i) => {
      const e = exact[c][i];
      const ratio = Math.abs(v - e) / (flowErrorBound({ tolerance: tol, horizon: T, scale: Math.abs(e) }) + floor * (1 + Math.abs(e)));
      if (!(ratio <= worst.ratio)) worst = { ratio: Number.isNaN(ratio) ? Infinity : ratio, where: `t=${CHECKPOINTS[c]} entry ${i}: flow ${v}, exact ${e}` };
    }),
  );
  return worst;
}

function depth1Ratio(c: Depth1Case, integrator: FlowIntegrator): { ratio: number; where: string } {
  const spec = secondMomentSpectrum(c.x);
  const cond = spec[spec.length - 1] / spec[0];
  const exact = linearSquaredFlow(c.x, c.y, c.w0, CHECKPOINTS).map((W) => W.flat());
  return worstRatio(flowAt([c.w0], c.x, c.y, c.tolerance, integrator), exact, c.tolerance, 16 * c.x[0].length * U * cond);
}

function scalarRatio(c: ScalarCase, integrator: FlowIntegrator): { ratio: number; where: string } {
  const exact = CHECKPOINTS.map((t) => {
    const w = balancedScalarFlow(c.x, c.y, c.w0, t);
    return [w, w];
  });
  const got = flowAt(
    [[[c.w0]], [[c.w0]]],
    c.x.map((v) => [v]),
    c.y.map((v) => [v]),
    c.tolerance,
    integrator,
  );
  return worstRatio(got, exact, c.tolerance, 64 * U);
}

const holds = (r: { ratio: number; where: string }) => {
  if (!(r.ratio <= 1)) throw new Error(`error ${r.ratio.toFixed(2)}× the bound at ${r.where}`);
  return r.ratio;
};

describe('FLOW.accuracy: gradient flow against closed forms to T = 1000, long past convergence', () => {
  test(
    claimTitle('FLOW.accuracy', 'INEQ depth-1 squared loss: every weight within 10τ(1 + |w*|) of the eigendecomposition solution at t = 1, 10, 100, 1000'),
    () => {
      let worst = 0;
      assertClaim(
        'FLOW.accuracy',
        fc.property(depth1Case, (c) => void (worst = Math.max(worst, holds(depth1Ratio(c, 'dop853'))))),
        {
          numRuns: runs(30),
          label: 'depth 1',
          classify: ([c]) => `tol=${c.tolerance}`,
        },
      );
      console.log(`FLOW.accuracy depth 1: worst error ${worst.toFixed(3)} of the bound 10τ(1 + |w*|)`);
    },
  );

  test(claimTitle('FLOW.accuracy', 'INEQ balanced scalar depth 2: w within 10τ(1 + |w*|) of the logistic closed form at t = 1, 10, 100, 1000'), () => {
    let worst = 0;
    assertClaim(
      'FLOW.accuracy',
      fc.property(scalarCase, (c) => void (worst = Math.max(worst, holds(scalarRatio(c, 'dop853'))))),
      {
        numRuns: runs(30),
        label: 'balanced scalar',
        classify: ([c]) => `tol=${c.tolerance}`,
      },
    );
    console.log(`FLOW.accuracy balanced scalar: worst error ${worst.toFixed(3)} of the bound 10τ(1 + |w*|)`);
  });

  test(claimTitle('FLOW.accuracy', 'twin: ODEX, the integrator before issue 16, breaks the depth-1 bound'), () => {
    // ODEX breaks it on about 7 % of these cases (measured: 14 of 200, at every tolerance): 60 runs find one with
    // probability 1 − 0.93^60 ≈ 0.99
    const found = findCounterexample(
      'FLOW.accuracy',
      fc.property(depth1Case, (c) => void holds(depth1Ratio(c, 'odex'))),
      { numRuns: runs(60), label: 'twin: ODEX, depth 1' },
    );
    expect(found.error).toMatch(/× the bound/);
  });
});
