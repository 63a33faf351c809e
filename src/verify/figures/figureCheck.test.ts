import { describe, expect, test } from 'vitest';
import { CheckFailure } from '../checkFailure.js';
import { atLeast, atMost, figureVerdict, nearestStep } from './figureCheck.js';

function caught(f: () => void): CheckFailure {
  try {
    f();
  } catch (e) {
    if (e instanceof CheckFailure) return e;
    throw e;
  }
  throw new Error('expected a CheckFailure');
}

describe('figure check primitives', () => {
  test('atMost passes at the bound and fails above it with ratio observed/bound', () => {
    expect(() => atMost('x', 2, 2, 'x')).not.toThrow();
    const e = caught(() => atMost('x', 3, 2, 'x'));
    expect(e.check).toBe('x');
    expect(e.ratio).toBe(1.5);
    expect(caught(() => atMost('x', Number.NaN, 2, 'x')).check).toBe('x'); // NaN never passes
  });

  test('atLeast passes at the bound and fails below it with ratio bound/observed (> 1 = violated)', () => {
    expect(() => atLeast('y', 2, 2, 'y')).not.toThrow();
    const e = caught(() => atLeast('y', 1, 4, 'y'));
    expect(e.check).toBe('y');
    expect(e.ratio).toBe(4);
    expect(e.message).toContain('1.000 < 4.000');
  });

  test('figureVerdict names the failed check and its ratio, and rethrows anything that is not a check', () => {
    expect(figureVerdict('SR.R4.1', () => {})).toBe('Check SR.R4.1: PASS (the stated trend holds in this run).');
    expect(figureVerdict('SR.R4.1', () => atMost('risk-falls', 3, 2, 'risk'))).toBe(
      'Check SR.R4.1: FAIL [risk-falls] risk: 3.000 > 2.000 (observed/bound 1.50).',
    );
    expect(() =>
      figureVerdict('SR.R4.1', () => {
        throw new TypeError('bug');
      }),
    ).toThrow('bug');
  });

  test('nearestStep picks the closest record, the first on ties, and rejects an empty list', () => {
    const r = [{ step: 0 }, { step: 10 }, { step: 100 }];
    expect(nearestStep(r, 40).step).toBe(10);
    expect(nearestStep(r, 55).step).toBe(10);
    expect(nearestStep(r, 60).step).toBe(100);
    expect(nearestStep(r, 5).step).toBe(0);
    expect(() => nearestStep([], 1)).toThrow('nearestStep: records is empty');
  });
});
