import { describe, expect, test } from 'vitest';
import { datasetFromArrays, datasetToArrays, signedSamples } from './dataset.js';

describe('datasetFromArrays: every bad input names the field and the rule', () => {
  test.each([
    ['no samples', () => datasetFromArrays([], []), 'data.x: n=0 is empty; give at least one sample'],
    ['no features', () => datasetFromArrays([[]], [1]), 'data.x[0]: length 0; each sample needs at least one feature'],
    [
      'a non-finite feature',
      () =>
        datasetFromArrays(
          [
            [1, 2],
            [3, Number.NaN],
          ],
          [1, -1],
        ),
      'data.x[1][1]=NaN must be a finite number',
    ],
    ['a ragged target', () => datasetFromArrays([[1], [2]], [[1, 2], [3]], 'regression'), 'data.y[1]: length 1 must equal k=2 (ragged array)'],
    [
      'a non-finite target',
      () => datasetFromArrays([[1], [2]], [[1], [Number.POSITIVE_INFINITY]], 'regression', 'spec.data'),
      'spec.data.y[1][0]=Infinity must be a finite number',
    ],
  ])('%s', (_name, build, message) => {
    expect(build).toThrow(RangeError);
    expect(build).toThrow(message);
  });

  test('signedSamples needs labels', () => {
    const reg = datasetFromArrays([[1]], [2], 'regression');
    expect(() => signedSamples(reg)).toThrow(TypeError);
    expect(() => signedSamples(reg)).toThrow('signedSamples: data.task must be classification');
  });
});

describe('round trips', () => {
  test('regression: scalar targets become one column; nested arrays come back', () => {
    const reg = datasetFromArrays(
      [
        [1, 2],
        [3, 4],
      ],
      [5, 6],
      'regression',
    );
    expect(reg.outDim).toBe(1);
    expect(datasetToArrays(reg)).toEqual({
      x: [
        [1, 2],
        [3, 4],
      ],
      y: [[5], [6]],
    });
    const multi = datasetFromArrays(
      [[1], [2]],
      [
        [1, 2],
        [3, 4],
      ],
      'regression',
    );
    expect(datasetToArrays(multi).y).toEqual([
      [1, 2],
      [3, 4],
    ]);
  });

  test('classification: z_i = y_i x_i', () => {
    const cls = datasetFromArrays(
      [
        [1, 2],
        [3, 4],
      ],
      [1, -1],
    );
    expect(Array.from(signedSamples(cls))).toEqual([1, 2, -3, -4]);
    expect(datasetToArrays(cls)).toEqual({
      x: [
        [1, 2],
        [3, 4],
      ],
      y: [1, -1],
    });
  });
});
