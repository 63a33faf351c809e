import { describe, expect, test } from 'vitest';
import { checkpointSteps } from './checkpointSteps.js';

describe('checkpoints', () => {
  test('checkpointSteps: 0, then about perDecade per decade, always ending at steps', () => {
    expect(checkpointSteps(0)).toEqual([0]);
    expect(checkpointSteps(1)).toEqual([0, 1]);
    expect(checkpointSteps(100, 2)).toEqual([0, 1, 3, 10, 32, 100]);
    expect(() => checkpointSteps(-1)).toThrow(/checkpointSteps: steps=-1 must be a non-negative integer/);
    expect(() => checkpointSteps(2.5)).toThrow(RangeError);
  });
});
