import { describe, expect, test } from 'vitest';
import { seededRandom } from '../data/random.js';
import { linear } from './activation.js';
import { gaussianNetwork, scaledNetwork } from './initialization.js';

describe('initialization', () => {
  test('gaussianNetwork: fan-in scaling divides by √d_{k−1}; scaledNetwork keeps directions', () => {
    const plain = gaussianNetwork([4, 3, 1], linear, seededRandom(9), 2);
    const fan = gaussianNetwork([4, 3, 1], linear, seededRandom(9), 2, true);
    expect(fan.weights[0][0]).toBeCloseTo(plain.weights[0][0] / 2, 14);
    expect(fan.weights[1][0]).toBeCloseTo(plain.weights[1][0] / Math.sqrt(3), 14);
    const half = scaledNetwork(plain, 0.5);
    expect(half.weights[1][2]).toBe(plain.weights[1][2] * 0.5);
    expect(half.dims).toEqual([4, 3, 1]);
  });
});
