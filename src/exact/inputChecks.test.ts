import { describe, expect, test } from 'vitest';
import { datasetFromArrays } from '../data/dataset.js';
import { linear } from '../network/activation.js';
import { networkFromArrays } from '../network/network.js';
import { add, exactFraction, fractionMatrix, toFloat } from './fractionMatrix.js';
import { applyExactFault as applyRationalFault } from './exactStep.js';
import { rationalData, rationalGradientStep } from './rationalGradientStep.js';

describe('exact fraction matrices', () => {
  test('shapes are checked, naming the operation', () => {
    expect(() => fractionMatrix(0, 2, [], 'W')).toThrow('W: rows=0, cols=2 must be positive integers');
    expect(() => fractionMatrix(1, 2, [1], 'W')).toThrow('W: 1 values given, a 1×2 matrix needs 2');
    expect(() => add(fractionMatrix(1, 2, [1, 2]), fractionMatrix(2, 1, [1, 2]))).toThrow('add: shapes 1×2 and 2×1 differ');
    expect(() => exactFraction(Number.NaN, 'eta')).toThrow('eta: x=NaN must be a finite number');
  });

  test('a float is kept as its exact binary value', () => {
    expect(exactFraction(0.1).equals(exactFraction(0.1))).toBe(true);
    expect(Number(exactFraction(0.1).d)).toBe(2 ** 55);
  });
});

describe('rational gradient step', () => {
  test('needs regression data', () => {
    expect(() => rationalData(datasetFromArrays([[1]], [1]))).toThrow(
      'rationalData: data.task=classification; the exact step is for the squared loss on regression targets',
    );
  });

  test('a "transpose" fault reads a non-square G column-major, like brokenGradient', () => {
    const G = fractionMatrix(2, 3, [1, 2, 3, 4, 5, 6]);
    const [faulty] = applyRationalFault([G], { kind: 'transpose', layer: 0 });
    // G = [[1,2,3],[4,5,6]]: its buffer read column-major fills [[1,3,5],[2,4,6]]
    expect(Array.from(toFloat(faulty))).toEqual([1, 3, 5, 2, 4, 6]);
    const net = networkFromArrays([[[1, 0.5]], [[2]]], linear);
    const data = datasetFromArrays(
      [
        [1, 0],
        [0, 1],
      ],
      [[1], [0]],
      'regression',
    );
    const step = rationalGradientStep(net, data, 0.25, { kind: 'drop', layer: 1 });
    expect(toFloat(step.grads[1]).every((v) => v === 0)).toBe(true);
    expect(Array.from(toFloat(step.after[1]))).toEqual([2]); // a dropped gradient leaves the layer as it was
  });
});
