import { describe, expect, test } from 'vitest';
import { datasetFromArrays } from '../data/dataset.js';
import { jtA5 } from './jtA5.js';

describe('jtA5', () => {
  test('holds when two support vectors span ℝ²', () => {
    // z = (1, 1)/2 and (1, −1)/2 are both at margin 1/2 from ū = e_1; (1, 0) is farther
    const r = jtA5(
      datasetFromArrays(
        [
          [1 / 2, 1 / 2],
          [1 / 2, -1 / 2],
          [1, 0],
        ],
        [1, 1, 1],
      ),
    );
    expect(r.holds, r.reason).toBe(true);
    expect(r.maxMargin?.supportVectors).toEqual([0, 1]);
  });

  test('fails when a single support vector decides the margin', () => {
    // ū = (1, 1)/√2 with the single support vector (1/4, 1/4) at margin √2/4; (1, 0) and (0, 1) have margin 1/√2
    const r = jtA5(
      datasetFromArrays(
        [
          [1 / 4, 1 / 4],
          [1, 0],
          [0, 1],
        ],
        [1, 1, 1],
      ),
    );
    expect(r.holds).toBe(false);
    expect(r.reason).toMatch(/do not span/);
  });

  test('fails for data that are not separable through the origin', () => {
    const r = jtA5(
      datasetFromArrays(
        [
          [1, 0],
          [1, 0],
        ],
        [1, -1],
      ),
    );
    expect(r).toMatchObject({ holds: false, maxMargin: null });
  });
});
