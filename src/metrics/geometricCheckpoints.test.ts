import { describe, expect, test } from 'vitest';
import { geometricCheckpoints } from './geometricCheckpoints.js';

describe('geometricCheckpoints', () => {
  test('0, powers of two below steps, then steps', () => {
    expect(geometricCheckpoints(10)).toEqual([0, 1, 2, 4, 8, 10]);
    expect(geometricCheckpoints(8)).toEqual([0, 1, 2, 4, 8]);
    expect(geometricCheckpoints(1)).toEqual([0, 1]);
  });

  test('perOctave m: the distinct round(2^{j/m}) below steps, then steps; a bad m is named', () => {
    expect(geometricCheckpoints(10, 4)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 10]);
    expect(geometricCheckpoints(64, 2)).toEqual([0, 1, 2, 3, 4, 6, 8, 11, 16, 23, 32, 45, 64]);
    expect(geometricCheckpoints(8, 1)).toEqual(geometricCheckpoints(8));
    expect(() => geometricCheckpoints(8, 0.5)).toThrow('geometricCheckpoints: perOctave=0.5 must be an integer ≥ 1');
  });
});
