import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { datasetFromArrays, type Dataset } from '../../data/dataset.js';
import { exponential } from '../../losses/exponential.js';
import { logistic } from '../../losses/logistic.js';
import type { MarginLoss } from '../../losses/loss.js';
import { networkFromArrays, type Network } from '../../network/network.js';
import { riskAndGradient } from '../gradient.js';
import { gradientDescent, type DescentResult } from '../gradientDescent.js';
import { moduleExp } from './marginVectorWasm.js';

/**
 * The margin-vector module claims the bits of the JavaScript it replaces: e^x as Math.exp, and a whole descent run as
 * the reference kernel's run (gradientDescent with the reference kernel passed as a replacement gradient keeps W_k in
 * plain arrays and evaluates with gradient.ts's loops). Nothing here is a tolerance: every comparison is Object.is.
 */

const sameBits = (a: Float64Array, b: Float64Array) => a.length === b.length && a.every((v, i) => Object.is(v, b[i]));

describe('e^x in the module', () => {
  // edges of fdlibm's ranges: reduction thresholds (high word 0x3fd62e42, 0x3ff0a2b2), 2^−28, overflow and underflow
  // thresholds, the subnormal results below −708.4, k = 1024 above 709.43, exp(1) (V8 returns Math.E), ±0, ±∞, NaN
  const edges = [
    0,
    -0,
    1,
    -1,
    NaN,
    Infinity,
    -Infinity,
    0.34657359027997264,
    0.3465735902799727,
    0.34657359028,
    1.0397207708399179,
    1.03972077084,
    2 ** -28,
    -(2 ** -28),
    2 ** -29,
    5e-324,
    -5e-324,
    709.782712893384,
    709.7827128933841,
    709.5,
    709.43,
    -745.1332191019411,
    -745.1332191019412,
    -708.39,
    -708.4,
    -740,
    36,
    -36,
    1e-300,
  ];

  test('fdlibmExp and expPair give Math.exp bit for bit at the edges of its ranges', () => {
    const xs = Float64Array.from([...edges, ...edges.map((x) => -x)]);
    const { scalar, pairs } = moduleExp(xs);
    const want = xs.map(Math.exp);
    expect(
      Array.from(scalar)
        .map((v, i) => (Object.is(v, want[i]) ? null : [xs[i], v, want[i]]))
        .filter((e) => e),
    ).toEqual([]);
    expect(
      Array.from(pairs)
        .map((v, i) => (Object.is(v, want[i]) ? null : [xs[i], v, want[i]]))
        .filter((e) => e),
    ).toEqual([]);
  });

  test('and on every double fast-check draws (any bit pattern, and dense in the loss range |x| < 50)', () => {
    const anyDouble = fc.double();
    const lossRange = fc.double({ min: -50, max: 50, noNaN: true });
    fc.assert(
      fc.property(fc.array(fc.oneof(anyDouble, lossRange, fc.constantFrom(...edges)), { minLength: 1, maxLength: 41 }), (arr) => {
        const xs = Float64Array.from(arr);
        const { scalar, pairs } = moduleExp(xs);
        const want = xs.map(Math.exp);
        return sameBits(scalar, want) && sameBits(pairs, want);
      }),
      { numRuns: 300 },
    );
  });
});

describe('a descent run through the module', () => {
  /** the run through the module (gradientDescent's own choice) and through gradient.ts's loops, observed alike */
  function bothRuns(network: Network, data: Dataset, loss: MarginLoss, eta: number, steps: number) {
    const seen: { module: number[][]; reference: number[][] } = { module: [], reference: [] };
    const run = (which: 'module' | 'reference'): DescentResult =>
      gradientDescent({
        network,
        data,
        loss,
        schedule: { kind: 'constant', eta },
        steps,
        checkpoints: [0, steps >> 1, steps],
        // what an observer reads at a checkpoint: risk, margins, outputs, P, E, weights and gradients
        onCheckpoint: (_t, net, v) =>
          seen[which].push([
            v.risk,
            v.gradSquared,
            v.energy,
            ...v.workspace.margins,
            ...v.workspace.outputs,
            ...v.workspace.P,
            ...v.workspace.E,
            ...net.weights.flatMap((w) => [...w]),
            ...v.grads.flatMap((g) => [...g]),
          ]),
        gradient: which === 'reference' ? riskAndGradient : undefined,
      });
    return { module: run('module'), reference: run('reference'), seen };
  }

  const unit = fc.noBias(fc.integer({ min: -(2 ** 20), max: 2 ** 20 })).map((k) => k / 2 ** 20);
  const caseArb = fc
    .record({
      dims: fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 5 }),
      n: fc.integer({ min: 1, max: 23 }),
      loss: fc.constantFrom(logistic, exponential),
      eta: fc.constantFrom(0.05, 0.5, 4),
      seed: fc.integer(),
    })
    .chain(({ dims, n, loss, eta }) => {
      const shape = [...dims, 1];
      return fc.record({
        shape: fc.constant(shape),
        loss: fc.constant(loss),
        eta: fc.constant(eta),
        x: fc.array(fc.array(unit, { minLength: shape[0], maxLength: shape[0] }), { minLength: n, maxLength: n }),
        y: fc.array(fc.constantFrom(-1, 1), { minLength: n, maxLength: n }),
        weights: fc.tuple(
          ...shape.slice(1).map((rows, k) => fc.array(fc.array(unit, { minLength: shape[k], maxLength: shape[k] }), { minLength: rows, maxLength: rows })),
        ),
      });
    });

  test('gives the reference kernel bits: weights, gradients, risk, energy and the workspace at every checkpoint', () => {
    fc.assert(
      fc.property(caseArb, ({ shape, loss, eta, x, y, weights }) => {
        const network = networkFromArrays(weights, { kind: 'linear' });
        expect(network.dims).toEqual(shape);
        const { module, reference, seen } = bothRuns(network, datasetFromArrays(x, y), loss, eta, 40);
        expect(module.diverged).toEqual(reference.diverged);
        expect(Object.is(module.finalRisk, reference.finalRisk) && Object.is(module.energy, reference.energy)).toBe(true);
        module.network.weights.forEach((w, k) => expect(sameBits(w, reference.network.weights[k])).toBe(true));
        expect(seen.module.length).toBe(seen.reference.length);
        seen.module.forEach((row, i) => expect(sameBits(Float64Array.from(row), Float64Array.from(seen.reference[i]))).toBe(true));
      }),
      { numRuns: 150 },
    );
  });

  test('reports divergence where the reference does, inside an unobserved stretch too (non-finite gradient and non-finite weight)', () => {
    const network = networkFromArrays([[[3, -2]], [[2]]], { kind: 'linear' });
    const data = datasetFromArrays(
      [
        [1, 0.5],
        [-0.25, 1],
        [0.5, 0.5],
      ],
      [1, -1, -1],
    );
    const reasons = new Set<string>();
    for (const loss of [exponential, logistic])
      for (const eta of [3, 30, 300, 1e3, 1e5, 1e8, 1e12]) {
        // no checkpoint before the end: the module runs the whole run as one stretch
        const module = gradientDescent({ network, data, loss, schedule: { kind: 'constant', eta }, steps: 300 });
        const reference = gradientDescent({ network, data, loss, schedule: { kind: 'constant', eta }, steps: 300, gradient: riskAndGradient });
        expect(module.diverged).toEqual(reference.diverged);
        expect([module.stepsTaken, Object.is(module.energy, reference.energy), Object.is(module.finalRisk, reference.finalRisk)]).toEqual([
          reference.stepsTaken,
          true,
          true,
        ]);
        module.network.weights.forEach((w, k) => expect(sameBits(w, reference.network.weights[k])).toBe(true));
        if (reference.diverged) reasons.add(reference.diverged.reason.split(' ')[1]);
      }
    // both ways a stretch can stop were exercised
    expect([...reasons].sort()).toEqual(['gradient', 'weight']);
  });
});
