import { describe, expect, test } from 'vitest';
import { plainFrobenius, sumOfSquares } from './sumOfSquares.js';

describe('sumOfSquares / plainFrobenius', () => {
  test('Σa² summed left to right, and its square root', () => {
    expect(sumOfSquares([3, 4])).toBe(25);
    expect(sumOfSquares(new Float64Array([1, -2, 2]))).toBe(9);
    expect(sumOfSquares([])).toBe(0);
    expect(plainFrobenius([1, 2, 2])).toBe(3);
  });

  test('plain summation: order of terms is the order of the array (0.1² + 0.2² + 0.3² as floating point adds it)', () => {
    expect(sumOfSquares([0.1, 0.2, 0.3])).toBe(0.1 * 0.1 + 0.2 * 0.2 + 0.3 * 0.3);
    expect(plainFrobenius([0.1, 0.2, 0.3])).toBe(Math.sqrt(0.1 * 0.1 + 0.2 * 0.2 + 0.3 * 0.3));
  });
});
