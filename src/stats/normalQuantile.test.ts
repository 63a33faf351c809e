import { describe, expect, it } from 'vitest';
import { normalDensity, normalLevel, normalUpperQuantile, normalUpperTail } from './normalQuantile.js';

describe('normal quantile behind gaussianInit', () => {
  // standard normal quantiles z_p with Φ(z_p) = p, as tabulated to 16 digits
  it.each([
    [0.75, 0.6744897501960817],
    [0.9, 1.2815515655446004],
    [0.975, 1.959963984540054],
    [0.995, 2.5758293035489004],
    [0.999, 3.090232306167814],
  ])('Φ^{-1}(%s) = %s', (p, z) => {
    expect(Math.abs(normalUpperQuantile(1 - p) - z)).toBeLessThan(1e-13 * z);
  });

  it('inverts the tail to ~1e-14 relative from q = 1/2 down to 1e-8', () => {
    for (const q of [0.5, 0.3, 0.1, 1e-2, 1e-3, 1e-4, 1e-6, 1e-8]) expect(Math.abs(normalUpperTail(normalUpperQuantile(q)) / q - 1)).toBeLessThan(1e-13);
  });

  it('the tail is continuous where the series hands over to the continued fraction (z = 3)', () => {
    // Q(3 − h) = Q(3) + h·φ(3) + O(h²) across the hand-over
    const h = 1e-9;
    const jump = normalUpperTail(3 - h) - normalUpperTail(3) - h * normalDensity(3);
    expect(Math.abs(jump) / normalUpperTail(3)).toBeLessThan(1e-12);
  });

  it('levels are odd in k, increasing in |k| and truncate at the expected quantile', () => {
    const K = 2 ** 10;
    let prev = 0;
    for (let k = 1; k <= K; k++) {
      const z = normalLevel(k, K);
      expect(z).toBeGreaterThan(prev);
      expect(normalLevel(-k, K)).toBe(-z);
      prev = z;
    }
    expect(normalLevel(0, K)).toBe(0);
    expect(normalLevel(2 ** 16, 2 ** 16)).toBeCloseTo(4.4753, 3);
  });
});
