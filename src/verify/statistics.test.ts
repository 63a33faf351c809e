import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  assertTrend,
  fallingTrend,
  kendallS,
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

describe('kendallS', () => {
  test('counts concordant minus discordant pairs', () => {
    expect(kendallS([1, 2, 3, 4]).s).toBe(6);
    expect(kendallS([4, 3, 2, 1]).s).toBe(-6);
    expect(kendallS([1, 3, 2]).s).toBe(1);
  });

  test('null variance m(m−1)(2m+5)/18, reduced by ties', () => {
    expect(kendallS([1, 2, 3, 4]).variance).toBeCloseTo((4 * 3 * 13) / 18, 14);
    // one tie pair: (4·3·13 − 2·1·9)/18
    expect(kendallS([1, 2, 2, 4]).variance).toBeCloseTo((4 * 3 * 13 - 18) / 18, 14);
    expect(kendallS([2, 2]).variance).toBe(0);
  });

  test('the exact null distribution of m = 4 has the stated variance (all 24 orders)', () => {
    const perms: number[][] = [];
    const permute = (rest: number[], acc: number[]): void => {
      if (rest.length === 0) perms.push(acc);
      rest.forEach((v, i) => permute([...rest.slice(0, i), ...rest.slice(i + 1)], [...acc, v]));
    };
    permute([1, 2, 3, 4], []);
    const ss = perms.map((p) => kendallS(p).s);
    expect(ss.reduce((a, b) => a + b, 0)).toBe(0);
    expect(ss.reduce((a, b) => a + b * b, 0) / ss.length).toBeCloseTo(kendallS([1, 2, 3, 4]).variance, 12);
  });

  test('a non-finite value is refused with its index', () => {
    expect(() => kendallS([1, Number.NaN])).toThrow('kendallS: values[1]=NaN must be finite');
  });
});

/** runs series of m checkpoints: i.i.d. standard normals (Box–Muller on seeded uniforms) minus drift·j at checkpoint j. */
function simulate(seed: number, runs: number, m: number, drift: number): number[][] {
  // noBias: fast-check otherwise favours small integers, which would skew the uniforms
  const unit = fc.noBias(fc.integer({ min: 1, max: 2 ** 30 })).map((k) => k / 2 ** 30);
  const u = fc.sample(unit, { seed, numRuns: 2 * runs * m });
  return Array.from({ length: runs }, (_, r) =>
    Array.from({ length: m }, (_, j) => {
      const i = 2 * (r * m + j);
      return Math.sqrt(-2 * Math.log(u[i])) * Math.cos(2 * Math.PI * u[i + 1]) - drift * j;
    }),
  );
}

describe('fallingTrend', () => {
  test('a run series falling at every checkpoint is significant; rising is not', () => {
    const falling = Array.from({ length: 5 }, (_, r) => [5, 4, 3, 2, 1].map((v) => v + r));
    expect(fallingTrend(falling).pValue).toBeLessThan(1e-6);
    expect(fallingTrend(falling).fallingRuns).toBe(5);
    expect(fallingTrend(falling.map((r) => [...r].reverse())).pValue).toBeGreaterThan(0.999);
  });

  test('runs with fewer than two checkpoints carry no information and are skipped', () => {
    const t = fallingTrend([[1], [], [3, 2]]);
    expect(t.runs).toBe(1);
    expect(t.checkpoints).toBe(2);
    expect(fallingTrend([[1], []])).toMatchObject({ pValue: 1, z: 0, runs: 0 });
  });

  // Level: under H0 the test rejects at most at its level. 2,000 exchangeable data sets (10 runs × 6 checkpoints, values
  // a random permutation of distinct numbers, so H0 holds exactly); at level 0.05 the rejection count is Bin(2000, ≤0.05):
  // mean ≤ 100, sd ≤ 9.7; the bound 130 is 3 sd above it (false alarm ≤ 0.2 %).
  test('level: at most 5 % of exchangeable data sets reject at level 0.05', () => {
    let rejections = 0;
    const perm = fc.array(fc.shuffledSubarray([0, 1, 2, 3, 4, 5], { minLength: 6, maxLength: 6 }), { minLength: 10, maxLength: 10 });
    for (const sample of fc.sample(perm, { seed: 7, numRuns: 2000 })) if (fallingTrend(sample).pValue <= 0.05) rejections++;
    expect(rejections).toBeLessThanOrEqual(130);
  });

  // Power: a fall of 0.5 noise sd per checkpoint, 10 runs of 6 checkpoints, level 0.01. A pair at lag k votes "falls"
  // with probability Φ(0.5k/√2), so E[S] per run = −Σ_k (6 − k)(2Φ(0.354k) − 1) ≈ −8.2 and Var S = 28.3: pooled over
  // 10 runs z ≈ −82/16.8 ≈ −4.9, power ≈ Φ(4.9 − 2.33) ≈ 0.995 (≥ 190 of 200 fails with probability < 1e-4). The
  // first-against-last sign test it replaces needs 10 of 10 runs falling at level 0.01 (P(Bin(10, ½) ≥ 9) > 0.01),
  // which happens with probability Φ(2.5/√2)^10 ≈ 0.68.
  test('power: a fall of 0.5 sd per checkpoint over 10 runs × 6 checkpoints is detected at level 0.01 in ≥ 95 % of 200 draws', () => {
    let detected = 0;
    for (let seed = 0; seed < 200; seed++) if (fallingTrend(simulate(seed, 10, 6, 0.5)).pValue <= 0.01) detected++;
    expect(detected).toBeGreaterThanOrEqual(190);
  });
});
