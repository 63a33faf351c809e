import { describe, expect, test } from 'vitest';
import { alignmentRegime, productRegime, rankOneRegime, type RegimeInputs } from './alignmentRegime.js';

const base: RegimeInputs = {
  dims: [2, 2, 1],
  D: 0.1,
  energy: 0.05,
  spectralSquared0: [0.2, 0.3],
  frobeniusSquared: [4, 9],
  sigma1: [1.5, 3],
};

describe('alignment regimes', () => {
  test('rank1: (D + 4S)/‖W_k‖_F² over the layers with both dims ≥ 2 only', () => {
    // layer 1 is 2×2: (0.1 + 0.2)/4; layer 2 is a row and does not count
    expect(rankOneRegime(base)).toBeCloseTo(0.3 / 4, 15);
    expect(rankOneRegime({ ...base, dims: [1, 2, 1] })).toBe(0);
  });

  test("align: 1 − F6's right side, (D + 6S + ‖W_2(0)‖² + ‖W_1(0)‖²)/‖W_2‖_2²", () => {
    expect(alignmentRegime(base)).toBeCloseTo((0.1 + 0.3 + 0.3 + 0.2) / 9, 15);
    expect(alignmentRegime({ ...base, dims: [2, 1, 1] })).toBe(0);
  });

  test('prod: ∏ σ_1/‖W_k‖_F', () => {
    expect(productRegime(base)).toBeCloseTo((1.5 / 2) * (3 / 3), 15);
  });
});
