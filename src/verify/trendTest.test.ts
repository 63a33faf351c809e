import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { fallingTrend, kendallS } from './trendTest.js';

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
