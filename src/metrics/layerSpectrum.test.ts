import { describe, expect, test } from 'vitest';
import { spectra, spectrum } from './layerSpectrum.js';

describe('layer spectra', () => {
  test('top pair, second singular value and ‖W‖_F² of a diagonal layer', () => {
    // W = diag(1, 3) as a 2×2 row-major matrix: σ = (3, 1), top pair e_2
    const s = spectrum(new Float64Array([1, 0, 0, 3]), 2, 2);
    expect(s.sigma1).toBeCloseTo(3, 14);
    expect(s.sigma2).toBeCloseTo(1, 14);
    expect(s.frobeniusSquared).toBe(10);
    expect(Math.abs(s.u[1])).toBeCloseTo(1, 14);
    expect(Math.abs(s.v[1])).toBeCloseTo(1, 14);
  });

  test('a single row has σ_2 = 0; spectra reads each layer with its shape', () => {
    const [a, b] = spectra([new Float64Array([3, 4]), new Float64Array([2])], [2, 1, 1]);
    expect(a.sigma1).toBeCloseTo(5, 14);
    expect(a.sigma2).toBe(0);
    expect([a.rows, a.cols, b.rows, b.cols]).toEqual([1, 2, 1, 1]);
    expect(b.sigma1).toBeCloseTo(2, 14);
  });
});
