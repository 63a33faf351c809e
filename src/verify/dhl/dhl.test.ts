import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { parseSpec } from '../../spec/spec.js';
import { Decided, factorizationData, factorizationSpec } from './factorization.js';
import { CheckFailure } from '../checkFailure.js';
import { binomialUpperTail } from '../statistics.js';
import { brokenGradient } from '../../trainer/brokenGradient.js';
import { acceptedFailures } from './acceptedFailures.js';
import { caseClass, dataFor, datasetOf, dyadicWeights, HOMOGENEOUS, LINEAR, specOf, stepCase, stepOf, withinBound } from './stepCase.js';

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
