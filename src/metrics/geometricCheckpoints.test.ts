import { describe, expect, test } from 'vitest';
import { geometricCheckpoints } from './geometricCheckpoints.js';

describe('geometricCheckpoints', () => {
  test('0, powers of two below steps, then steps', () => {
    expect(geometricCheckpoints(10)).toEqual([0, 1, 2, 4, 8, 10]);
    expect(geometricCheckpoints(8)).toEqual([0, 1, 2, 4, 8]);
    expect(geometricCheckpoints(1)).toEqual([0, 1]);
  });
});
