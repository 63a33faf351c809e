import { describe, expect, test } from 'vitest';
import { failCheck, failedCheckOf, failingCheck } from './checkFailure.js';

describe('failingCheck', () => {
  test('names the check a function fails, null when it passes, and lets any other error through', () => {
    expect(failingCheck(() => failCheck('F2-sum', 3, 1, 'drift over budget'))).toBe('F2-sum');
    expect(failingCheck(() => undefined)).toBeNull();
    expect(() => failingCheck(() => JSON.parse('{'))).toThrow(SyntaxError);
  });

  test('failedCheckOf reads the check and observed/bound of a thrown CheckFailure', () => {
    let caught: unknown;
    try {
      failCheck('F7', 6, 2, 'energy over budget');
    } catch (e) {
      caught = e;
    }
    expect(failedCheckOf(caught)).toEqual({ check: 'F7', ratio: 3 });
    expect(failedCheckOf(new Error('plain'))).toBeNull();
  });
});
