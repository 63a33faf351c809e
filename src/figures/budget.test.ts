import { describe, expect, test } from 'vitest';
import { figureScale, scaledCheckpoints, scaledCount, scaleNote, withScaleNote } from './budget.js';

describe('figure budget', () => {
  test('scale 1 changes nothing: counts, checkpoints and captions are the full figure’s', () => {
    expect(figureScale({})).toBe(1);
    expect(scaledCount(1_000_000, 1)).toBe(1_000_000);
    const marks = [0, 1, 2, 5, 10, 400];
    const same = scaledCheckpoints(marks, 400, 400);
    expect(same).toEqual(marks);
    expect(same).not.toBe(marks); // a copy: callers may not mutate the figure's constant
    expect(scaleNote(1)).toBe('');
    expect(withScaleNote(['a', 'b'], 1)).toBe('a\nb');
  });

  test('counts scale and round, never below the minimum', () => {
    expect(scaledCount(1_000_000, 0.001)).toBe(1000);
    expect(scaledCount(400, 0.001)).toBe(1);
    expect(scaledCount(256, 0.001, 8)).toBe(8);
    expect(scaledCount(3, 0.5)).toBe(2); // 1.5 rounds up
    expect(scaledCount(10, 2)).toBe(20); // a budget above 1 is allowed: longer runs
  });

  test('checkpoints move proportionally and merge', () => {
    expect(scaledCheckpoints([0, 1, 2, 5, 10, 20, 400], 400, 4)).toEqual([0, 4]);
    expect(scaledCheckpoints([0, 1, 2, 5, 10, 20, 400], 400, 40)).toEqual([0, 1, 2, 40]);
    expect(scaledCheckpoints([0, 100, 200], 200, 1)).toEqual([0, 1]);
  });

  test('captions state the scale and any other shrunk size', () => {
    expect(scaleNote(0.01)).toMatch(/^Budget: scale=0\.01: every step count above is the full figure's multiplied by 0\.01 \(at least 1 step\)\. A smoke run/);
    expect(scaleNote(0.01, 'the width 256 → 8')).toContain('; also the width 256 → 8.');
    expect(withScaleNote(['caption'], 0.5).split('\n')).toEqual(['caption', scaleNote(0.5)]);
  });

  test.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY])('scale=%s is rejected, naming the field', (scale) => {
    expect(() => figureScale({ scale })).toThrow(RangeError);
    expect(() => figureScale({ scale })).toThrow(`figure context: scale=${scale} must be a finite number > 0`);
  });
});
