import { describe, expect, test } from 'vitest';
import { activationName, isHomogeneous, linear } from './activation.js';
import { allFinite, cloneNetwork, depth, networkFromArrays, weightsToArrays } from './network.js';

describe('networkFromArrays', () => {
  test('shapes come from the arrays; weightsToArrays inverts it', () => {
    const arrays = [
      [
        [1, 2],
        [3, 4],
        [5, 6],
      ],
      [[7, 8, 9]],
    ];
    const net = networkFromArrays(arrays, linear);
    expect(net.dims).toEqual([2, 3, 1]);
    expect(depth(net)).toBe(2);
    expect(weightsToArrays(net)).toEqual(arrays);
  });

  test.each([
    ['no layers', [], 'spec.network.weights: length 0; give at least one layer'],
    ['a layer without rows', [[]], 'spec.network.weights[0]: has no rows; every layer needs at least one'],
    ['a layer without columns', [[[1]], [[]]], 'spec.network.weights[1][0]: has no columns; every layer needs at least one'],
    ['a non-finite weight', [[[1, Number.NaN]]], 'spec.network.weights[0][0][1]=NaN must be a finite number'],
  ])('%s is rejected', (_name, weights, message) => {
    expect(() => networkFromArrays(weights as number[][][], linear, 'spec.network.weights')).toThrow(message);
  });

  test('clones do not share buffers; allFinite spots NaN and ∞', () => {
    const net = networkFromArrays([[[1, 2]]], linear);
    const copy = cloneNetwork(net);
    copy.weights[0][0] = Number.POSITIVE_INFINITY;
    expect(net.weights[0][0]).toBe(1);
    expect(allFinite(net.weights)).toBe(true);
    expect(allFinite(copy.weights)).toBe(false);
  });
});

describe('activations', () => {
  test('names and homogeneity', () => {
    expect(activationName({ kind: 'leaky', slope: 0.2 })).toBe('leaky(0.2)');
    expect(activationName({ kind: 'relu' })).toBe('relu');
    expect(isHomogeneous({ kind: 'leaky', slope: 0 })).toBe(true);
    expect(isHomogeneous({ kind: 'tanh' })).toBe(false);
    expect(isHomogeneous({ kind: 'softplus' })).toBe(false);
  });
});
