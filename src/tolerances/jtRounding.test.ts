import { describe, expect, test } from 'vitest';
import { datasetFromArrays } from '../data/dataset.js';
import { logistic } from '../losses/logistic.js';
import { evaluationScale, evaluationScaleBuffer, evaluationScaleInto, gradientConsistency, gradientConsistencyInto } from './jtRounding.js';

const dims = [2, 3, 1];
const data = datasetFromArrays(
  [
    [0.5, -0.25],
    [0.125, 0.75],
    [-0.5, 0.5],
  ],
  [1, -1, 1],
);
const first = [Float64Array.from([0.3, -0.2, 0.1, 0.7, -0.4, 0.6]), Float64Array.from([0.9, -0.3, 0.2])];
const second = [Float64Array.from([1.5, 0.2, -0.1, 0.3, 0.8, -2]), Float64Array.from([-0.4, 0.6, 1.1])];
const margins = [0.2, -0.7, 1.3];

describe('allocation-free evaluation scales (a per-step hook refills one buffer)', () => {
  test('evaluationScaleInto gives evaluationScale to the bit, refill after refill, in the same arrays', () => {
    const buffer = evaluationScaleBuffer(dims, data.n);
    const arrays = buffer.productExcept;
    for (const [weights, risk] of [
      [first, 0.4],
      [second, 0.9],
      [first, 0.1],
    ] as const) {
      const fresh = evaluationScale(weights, dims, data, logistic, margins, risk);
      const filled = evaluationScaleInto(buffer, weights, data, logistic, margins, risk);
      expect(filled).toBe(buffer);
      expect(filled.productExcept).toBe(arrays);
      for (const key of ['product', 'inputNorm', 'slope', 'risk', 'n'] as const) expect(Object.is(filled[key], fresh[key])).toBe(true);
      expect(filled.productExcept).toEqual(fresh.productExcept);
      expect(filled.dims).toEqual(fresh.dims);
    }
  });

  test('gradientConsistencyInto gives gradientConsistency to the bit, into the array it is given', () => {
    const s = evaluationScale(second, dims, data, logistic, margins, 0.9);
    const out = [NaN, NaN];
    expect(gradientConsistencyInto(s, out)).toBe(out);
    expect(out).toEqual(gradientConsistency(s));
    expect(out.every((c) => c > 0)).toBe(true);
  });
});
