import { describe, expect, test } from 'vitest';
import { gamma } from '../../tolerances/rounding.js';
import { normStepAllowance } from './normStep.js';

describe('normStepAllowance', () => {
  test('zero for a zero layer and zero gradient; grows with the step, the norms and the entry count', () => {
    expect(normStepAllowance({ entries: 4, eta: 1, before: 0, after: 0, inner: 0, gradSq: 0 })).toBe(0);
    const base = { entries: 4, eta: 1 / 2, before: 1, after: 1, inner: 1 / 2, gradSq: 1 };
    const a = normStepAllowance(base);
    expect(normStepAllowance({ ...base, eta: 1 })).toBeGreaterThan(a);
    expect(normStepAllowance({ ...base, before: 4, after: 4 })).toBeGreaterThan(a);
    expect(normStepAllowance({ ...base, entries: 400 })).toBeGreaterThan(a);
  });

  test('of the order of the unit roundoff times the magnitudes', () => {
    const a = normStepAllowance({ entries: 3, eta: 1, before: 1, after: 1, inner: 0, gradSq: 1 });
    expect(a).toBeGreaterThan(gamma(2));
    expect(a).toBeLessThan(100 * gamma(1));
  });
});
