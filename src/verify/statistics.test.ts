import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  assertTrend,
  binomialUpperTail,
  lgammaInt,
  MIN_REGIME_CHECKPOINTS,
  seedArbitrary,
  signTestThreshold,
  statExperiment,
  trendVerdict,
  type TrendVerdict,
} from './statistics.js';

// exact values from Σ_{j ≥ k} C(n, j) p^j (1 − p)^{n−j} in rational arithmetic
const EXACT_TAILS: readonly [n: number, p: number, k: number, tail: number][] = [
  [10, 1 / 2, 8, 7 / 128],
  [20, 1 / 10, 5, 0.043174495284463384],
  [200, 1 / 20, 20, 0.002664579549829447],
  [1000, 1 / 10, 130, 0.001341398370873429],
];

// smallest k with P(Bin(N, 1/2) ≥ k) ≤ 0.01, from the exact tails (and the tail one below it, which exceeds 0.01)
const EXACT_SIGN_THRESHOLDS: readonly [N: number, k: number][] = [
  [8, 8],
  [10, 10],
  [16, 14],
  [24, 19],
  [30, 22],
  [64, 42],
];

describe('binomialUpperTail', () => {
  test.each(EXACT_TAILS)('P(Bin(%i, %d) ≥ %i) matches the exact value to 1e-12 relative', (n, p, k, tail) => {
    expect(Math.abs(binomialUpperTail(n, p, k) - tail) / tail).toBeLessThan(1e-12);
  });

  test('k ≤ 0 is certain, k > n impossible, k = n is p^n', () => {
    expect(binomialUpperTail(5, 0.3, 0)).toBe(1);
    expect(binomialUpperTail(5, 0.3, -2)).toBe(1);
    expect(binomialUpperTail(5, 0.3, 6)).toBe(0);
    expect(binomialUpperTail(5, 1 / 2, 5)).toBeCloseTo(1 / 32, 15);
  });
});

describe('signTestThreshold', () => {
  test.each(EXACT_SIGN_THRESHOLDS)('N = %i needs %i runs toward the limit at level 0.01', (N, k) => {
    expect(signTestThreshold(N)).toBe(k);
  });

  test('a larger level asks for fewer runs; N = 0 can never be judged', () => {
    expect(signTestThreshold(10, 0.06)).toBe(8); // P(≥ 8) = 7/128 ≈ 0.0547 ≤ 0.06 < P(≥ 7)
    expect(signTestThreshold(0)).toBe(1);
  });

  test('lgammaInt(m) = log((m − 1)!)', () => {
    expect(lgammaInt(1)).toBe(0);
    expect(lgammaInt(6)).toBeCloseTo(Math.log(120), 12);
  });
});

describe('trendVerdict', () => {
  const points = (values: number[], inRegime = true) => values.map((value) => ({ inRegime, value }));

  test('direction between the first and last regime checkpoints', () => {
    expect(trendVerdict(points([4, 3, 2, 1]), 0)).toBe('toward');
    expect(trendVerdict(points([1, 2, 1, 2]), 0)).toBe('away');
    expect(trendVerdict([...points([9, 9], false), ...points([1, 3, 2, 1.5])], 0)).toBe('away');
  });

  test(`fewer than ${MIN_REGIME_CHECKPOINTS} regime checkpoints, or a start already at the resolution, are inconclusive`, () => {
    expect(trendVerdict(points([4, 3, 2]), 0)).toBe('inconclusive');
    expect(trendVerdict([...points([4, 3, 2]), ...points([1], false)], 0)).toBe('inconclusive');
    expect(trendVerdict(points([1e-17, 0, 0, 0]), 1e-16)).toBe('inconclusive');
  });
});

describe('assertTrend', () => {
  const many = (toward: number, away: number, inconclusive = 0): TrendVerdict[] => [
    ...Array<TrendVerdict>(toward).fill('toward'),
    ...Array<TrendVerdict>(away).fill('away'),
    ...Array<TrendVerdict>(inconclusive).fill('inconclusive'),
  ];

  test('accepts when the sign test rejects "equally likely", and reports the counts', () => {
    expect(assertTrend('X.Y', 'q', many(14, 2, 3))).toBe('X.Y TREND q: 14/16 conclusive runs toward the limit (2 away, 3 inconclusive); sign test needs ≥ 14');
  });

  test('fails below the threshold and with fewer than 8 conclusive runs', () => {
    expect(() => assertTrend('X.Y', 'q', many(13, 3))).toThrow(/13\/16 conclusive runs/);
    expect(() => assertTrend('X.Y', 'q', many(7, 0, 20))).toThrow(/too few conclusive runs/);
  });
});

describe('statExperiment', () => {
  test('counts failures over the seed’s draws and tests them against the claimed probability', () => {
    const run = statExperiment(fc.integer({ min: 0, max: 9 }), 200, 0.9, (v) => v !== 0);
    const a = run(7);
    expect(run(7)).toEqual(a); // one seed replays the experiment
    expect(a.draws).toBe(200);
    expect(a.pValue).toBe(binomialUpperTail(200, 1 - 0.9, a.failures));
    // an event that always fails is rejected at any sensible level
    expect(statExperiment(fc.constant(0), 50, 0.9, () => false)(1).pValue).toBeLessThan(1e-40);
  });

  test('seeds cover the 31-bit range fast-check accepts', () => {
    for (const s of fc.sample(seedArbitrary, { seed: 1, numRuns: 50 })) expect(Number.isInteger(s) && s >= 0 && s < 2 ** 31).toBe(true);
  });
});
