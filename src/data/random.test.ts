import { describe, expect, test } from 'vitest';
import { seededRandom } from './random.js';

describe('seededRandom', () => {
  test('the same seed draws the same stream; forks by label are independent and stable', () => {
    const a = seededRandom(7);
    const b = seededRandom(7);
    const xs = Array.from({ length: 5 }, () => a.uniform());
    expect(Array.from({ length: 5 }, () => b.uniform())).toEqual(xs);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(seededRandom(7).fork('init').seed).toBe(seededRandom(7).fork('init').seed);
    expect(seededRandom(7).fork('init').seed).not.toBe(seededRandom(7).fork('data').seed);
    expect(seededRandom(7).fork('init').seed).not.toBe(seededRandom(8).fork('init').seed);
  });

  test('normals come in Box–Muller pairs with mean ≈ 0 and variance ≈ 1', () => {
    const r = seededRandom(1);
    const n = 20_000;
    let s = 0;
    let s2 = 0;
    for (let i = 0; i < n; i++) {
      const z = r.normal();
      s += z;
      s2 += z * z;
    }
    // standard errors: 1/√n ≈ 0.007 for the mean, √(2/n) ≈ 0.01 for the variance
    expect(Math.abs(s / n)).toBeLessThan(0.04);
    expect(Math.abs(s2 / n - 1)).toBeLessThan(0.06);
  });

  test('a non-integer seed is rejected, naming it', () => {
    expect(() => seededRandom(1.5)).toThrow(/seededRandom: seed=1\.5 must be an integer/);
  });
});
