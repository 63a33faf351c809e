import { describe, expect, test } from 'vitest';
import { quarteringDeviationRatio } from './ach.js';

describe('ACH.Thm1 tolerances', () => {
  test('quartering band for L = 2 is rounding only (the step polynomial has degree 2)', () => {
    const q = {
      discrepancy: 1e-4,
      discrepancyHalf: 0.25e-4,
      step: 0.01,
      layerNorms: [1, 1],
      gradNorms: [0.5, 0.5],
      identityBound: 1e-15,
      velocityNorm: 1,
      maxDim: 2,
    };
    const r = quarteringDeviationRatio(q);
    expect(r.ratio).toBe(0);
    expect(r.band).toBeLessThan(1e-9);
    expect(quarteringDeviationRatio({ ...q, layerNorms: [1, 1, 1], gradNorms: [0.5, 0.5, 0.5] }).band).toBeGreaterThan(1e-4);
  });
});
