import { describe, expect, test } from 'vitest';
import { signedSamples } from './dataset.js';
import { maxMarginDirection } from '../maxMargin/maxMargin.js';
import { twoMoons } from './twoMoons.js';

describe('twoMoons', () => {
  test('same seed, same points; another seed, other points', () => {
    const a = twoMoons({ n: 30, noise: 0.1, seed: 5 });
    expect(twoMoons({ n: 30, noise: 0.1, seed: 5 })).toEqual(a);
    expect(twoMoons({ n: 30, noise: 0.1, seed: 6 }).x).not.toEqual(a.x);
  });

  test('‖x_i‖ ≤ 1 with equality for some point; labels ±1, the extra point in the first moon', () => {
    const d = twoMoons({ n: 31, noise: 0.05, seed: 1, constant: 0.5 });
    expect(d.d).toBe(3);
    const norms = Array.from({ length: d.n }, (_, i) => Math.hypot(...d.x.subarray(3 * i, 3 * i + 3)));
    expect(Math.max(...norms)).toBeCloseTo(1, 14);
    expect(norms.every((r) => r <= 1 + 1e-15)).toBe(true);
    expect(Array.from(d.y).filter((v) => v === 1).length).toBe(16);
    // the constant coordinate is the same scaled value on every point
    expect(new Set(Array.from({ length: d.n }, (_, i) => d.x[3 * i + 2])).size).toBe(1);
  });

  test('not linearly separable through the origin, even without noise', () => {
    const d = twoMoons({ n: 40, noise: 0, seed: 2 });
    expect(maxMarginDirection(signedSamples(d), d.n, d.d)).toBeNull();
  });

  test('rejects constraints it cannot honour, naming the field', () => {
    expect(() => twoMoons({ n: 1, noise: 0, seed: 0 })).toThrow(/n=1 must be an integer ≥ 2/);
    expect(() => twoMoons({ n: 4, noise: -1, seed: 0 })).toThrow(/noise=-1/);
    expect(() => twoMoons({ n: 4, noise: 0, seed: 0.5 })).toThrow(/seed=0.5 must be an integer/);
  });
});
