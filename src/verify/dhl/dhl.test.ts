import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { parseSpec } from '../../spec/spec.js';
import { Decided, factorizationData, factorizationSpec } from './factorization.js';
import { CheckFailure } from '../checkFailure.js';
import { binomialUpperTail } from '../statistics.js';
import { brokenGradient } from '../../trainer/brokenGradient.js';
import { acceptedFailures } from './acceptedFailures.js';
import { caseClass, dataFor, datasetOf, dyadicWeights, HOMOGENEOUS, LINEAR, losses, specOf, type StepCase, stepCase, stepOf, withinBound } from './stepCase.js';
import { plainFrobenius } from '../../linalg/sumOfSquares.js';
import { networkFromArrays } from '../../network/network.js';
import { Dop853 } from '../../trainer/dop853.js';
import { createWorkspace, riskAndGradient, zerosLike } from '../../trainer/gradient.js';
import { gradientFlow } from '../../trainer/gradientFlow.js';
import { flowDrift } from './flowDrift.js';

describe('DHL step cases', () => {
  test('drawn cases respect the constraints, replay as specs and record one step', () => {
    for (const c of fc.sample(stepCase({ activations: HOMOGENEOUS, maxDepth: 3 }), { seed: 2, numRuns: 20 })) {
      expect(c.weights.length).toBeGreaterThanOrEqual(2);
      expect(c.weights.length).toBeLessThanOrEqual(3);
      if (c.loss !== 'squared') expect(c.weights[c.weights.length - 1].length).toBe(1);
      expect(() => parseSpec(specOf(c))).not.toThrow();
      expect(stepOf(c).eta).toBe(c.eta);
      expect(datasetOf(c).n).toBe(c.x.length);
      expect(caseClass(c)).toBe(`${c.loss} L=${c.weights.length}`);
    }
  });

  test('dyadic weights are multiples of 1/8 in [−1, 1]; classification labels are ±1', () => {
    for (const W of fc.sample(dyadicWeights([2, 3, 1]), { seed: 4, numRuns: 10 }))
      for (const v of W.flat(2)) {
        expect(Number.isInteger(v * 8)).toBe(true);
        expect(Math.abs(v)).toBeLessThanOrEqual(1);
      }
    for (const d of fc.sample(dataFor([2, 1], 'logistic'), { seed: 4, numRuns: 10 })) for (const y of d.y as number[]) expect(Math.abs(y)).toBe(1);
  });
});

describe('factorization as a trainer run', () => {
  test('inputs are the identity columns, targets the columns of M*; the spec replays', () => {
    const data = factorizationData([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    expect([data.n, data.d, data.outDim]).toEqual([2, 2, 3]);
    expect(Array.from(data.y)).toEqual([1, 3, 5, 2, 4, 6]);
    const spec = factorizationSpec(
      [[1, 2]],
      [
        [
          [1, 0],
          [0, 1],
        ],
        [[1, 1]],
      ],
      { kind: 'constant', eta: 1 / 4 },
      3,
    );
    expect(spec.data).toEqual({
      x: [
        [1, 0],
        [0, 1],
      ],
      y: [[1], [2]],
    });
    expect(() => parseSpec(spec)).not.toThrow();
    expect(new Decided()).toBeInstanceOf(Error);
    expect(LINEAR.kind).toBe('linear');
  });
});

describe('withinBound', () => {
  test('passes at or below the bound and throws the named check above it', () => {
    expect(withinBound('F2-step', 1, 'x')).toBe(true);
    expect(() => withinBound('F2-step', 3, 'x')).toThrow(CheckFailure);
    expect(() => withinBound('F2-step', Number.NaN, 'x')).toThrow(CheckFailure);
  });
});

describe('acceptedFailures', () => {
  test('is the last count the binomial test accepts', () => {
    const k = acceptedFailures(200, 0.9, 0.01);
    expect(binomialUpperTail(200, 0.1, k)).toBeGreaterThanOrEqual(0.01);
    expect(binomialUpperTail(200, 0.1, k + 1)).toBeLessThan(0.01);
    // mean 20 failures, sd ≈ 4.2: the 1 % tail starts near 31
    expect(k).toBe(30);
    expect(acceptedFailures(200, 0.5, 0.01)).toBe(116);
  });
});

describe('recordStep', () => {
  test('the η²-term uses the exact gradient whatever the trainer stepped with', () => {
    const [c] = fc.sample(stepCase({ activations: [LINEAR] }), { seed: 3, numRuns: 1 });
    const exact = stepOf(c);
    const frozen = stepOf(c, brokenGradient({ kind: 'frozen' }));
    expect(frozen.grads.map((G) => Array.from(G))).toEqual(exact.grads.map((G) => Array.from(G)));
    // the frozen trainer did not move
    expect(frozen.after.map((W) => Array.from(W))).toEqual(frozen.before.map((W) => Array.from(W)));
  });
});

const flowCases = fc.sample(stepCase({ activations: [LINEAR], maxDepth: 3 }), { seed: 11, numRuns: 6 });

const fixed: StepCase = {
  loss: 'squared',
  activation: LINEAR,
  x: [
    [0.5, -0.25],
    [0.125, 0.75],
  ],
  y: [[1], [-0.5]],
  weights: [
    [
      [1, -0.5],
      [1.5, 0.25],
    ],
    [[1.25, -1]],
  ],
  eta: 1,
};

describe('flowDrift (DHL.Thm2.2 under gradient flow)', () => {
  test('the exact flow stays within its budget, which the truncation dominates (loose by ~10⁴–10⁵: ‖ŷ₈ − ŷ₅‖ is far above the 8th-order error)', () => {
    const out = flowDrift(fixed, 1, 1e-8);
    expect(out.ratio).toBeLessThanOrEqual(1);
    // measured: drift 1.5e-11 against a budget of 3.3e-7 (ratio 4.4e-5), all but 1e-6 of it truncation
    expect(out.ratio).toBeGreaterThan(1e-5);
    expect(out.truncationShare).toBeGreaterThan(0.9);
    expect(out.steps).toBeGreaterThanOrEqual(4);
    expect(out.budget).toBeLessThan(1e-3 * out.onePercent);
  });

  test('a 1 % error in G_1 exceeds the budget by orders of magnitude; a trainer that never moves has no drift', () => {
    expect(flowDrift(fixed, 1, 1e-8, brokenGradient({ kind: 'scale', layer: 0, factor: 1.01 })).ratio).toBeGreaterThan(1e4);
    const frozen = flowDrift(fixed, 1, 1e-8, brokenGradient({ kind: 'frozen' }));
    expect(frozen.drift).toBe(0);
    expect(frozen.onePercent).toBe(0);
  });

  test('the Runge–Kutta identity removes the truncation: D(T) − D(0) − Σh²Q is at rounding where D itself drifts, and a 1 % fault breaks it', () => {
    const out = flowDrift(fixed, 1, 1e-8);
    expect(out.rkRatio).toBeLessThanOrEqual(1);
    expect(out.rkResidual).toBeLessThan(1e-3 * out.drift);
    expect(out.rkAllowance).toBeLessThan(1e-3 * out.budget);
    expect(flowDrift(fixed, 1, 1e-8, brokenGradient({ kind: 'scale', layer: 1, factor: 1.01 })).rkRatio).toBeGreaterThan(1e6);
    expect(flowDrift(fixed, 1, 1e-8, brokenGradient({ kind: 'frozen' })).rkResidual).toBe(0);
  });

  test('only linear nets', () => {
    expect(() => flowDrift({ ...fixed, activation: { kind: 'tanh' } }, 1, 1e-8)).toThrow('flowDrift: activation=tanh must be linear');
  });

  test("the budget's assumption: per layer, the accepted step's true local error is below ‖ŷ₈ − ŷ₅‖, DOP853's 5th-order embedded error", () => {
    // the true local error: the same step from the previous accepted point by a reference solve at tolerance 1e-15
    let worst = 0;
    for (const c of [fixed, ...flowCases.slice(0, 2)]) {
      const net = networkFromArrays(c.weights, c.activation);
      const data = datasetOf(c);
      const loss = losses[c.loss];
      const ws = createWorkspace(net.dims, data.n);
      const grads = zerosLike(net);
      const scratch = networkFromArrays(c.weights, c.activation);
      const rhs = (_t: number, y: Float64Array, dydt: Float64Array) => {
        let o = 0;
        for (const W of scratch.weights) for (let i = 0; i < W.length; i++) W[i] = y[o++];
        riskAndGradient(ws, scratch, data, loss, grads);
        o = 0;
        for (const G of grads) for (let i = 0; i < G.length; i++) dydt[o++] = -G[i];
      };
      let prev = Float64Array.from(net.weights.flatMap((W) => Array.from(W)));
      let tPrev = 0;
      gradientFlow({
        network: net,
        data,
        loss,
        time: 1,
        tolerance: 1e-8,
        onAcceptedStep: (s) => {
          const ref = new Dop853(prev.length);
          ref.reset(tPrev, prev);
          expect(ref.advance(rhs, s.t, { rtol: 1e-15, atol: 1e-15 }, 1e5)).toBe('done');
          let o = 0;
          for (let l = 0; l < s.weights.length; l++) {
            let err = 0;
            for (let i = 0; i < s.weights[l].length; i++) err += (s.weights[l][i] - ref.y[o++]) ** 2;
            const est = plainFrobenius(s.localError[l]) / s.errorShare;
            // errors at the reference's own accuracy (≈ 1e-15·|w|) say nothing about the estimate
            if (est > 1e-12) worst = Math.max(worst, Math.sqrt(err) / est);
          }
          prev = Float64Array.from(s.weights.flatMap((W) => Array.from(W)));
          tPrev = s.t;
        },
      });
    }
    // ‖ŷ₈ − ŷ₅‖ bounds ‖ŷ₈ − φ_h(y)‖ when the 8th-order solution is ≥ 2× as accurate as the 5th-order one; measured
    // here at most 0.013 of it (0.013 also over 600 drawn cases). The controller's combined estimate (localError) is
    // no bound: it fell 6.6× short on steps of h ≈ 0.5 (5.7× with h ≤ 1/4)
    expect(worst).toBeGreaterThan(0);
    expect(worst).toBeLessThan(0.1);
  });
});

describe('gradientFlow onAcceptedStep', () => {
  test('observing the steps changes nothing, bit for bit, and sees every accepted step', () => {
    const c = flowCases[0];
    const run = (observe: boolean) => {
      let seen = 0;
      let last = 0;
      const res = gradientFlow({
        network: networkFromArrays(c.weights, c.activation),
        data: datasetOf(c),
        loss: losses[c.loss],
        time: 2,
        tolerance: 1e-9,
        checkpointTimes: [0.5],
        onAcceptedStep: observe
          ? (s) => {
              seen++;
              expect(s.t).toBeGreaterThan(last);
              expect(s.h).toBeCloseTo(s.t - last, 14);
              last = s.t;
            }
          : undefined,
      });
      return { res, seen, last };
    };
    const plain = run(false);
    const watched = run(true);
    expect(watched.res.network.weights).toEqual(plain.res.network.weights);
    expect(watched.res.evaluations).toBe(plain.res.evaluations);
    expect(watched.res.integratorSteps).toBe(plain.res.integratorSteps);
    expect(watched.seen).toBeGreaterThan(1);
    expect(watched.last).toBe(2);
  });

  test('ODEX has no embedded estimate to report', () => {
    const c = flowCases[0];
    expect(() =>
      gradientFlow({
        network: networkFromArrays(c.weights, c.activation),
        data: datasetOf(c),
        loss: losses[c.loss],
        time: 1,
        tolerance: 1e-8,
        integrator: 'odex',
        onAcceptedStep: () => {},
      }),
    ).toThrow("onAcceptedStep: integrator=odex has no embedded estimate; use 'dop853'");
  });
});
