import { describe, expect, test } from 'vitest';
import { separableDisk } from './separableDisk.js';

describe('separableDisk', () => {
  test('labels are the side of the direction, points keep the gap, the first two are + and −', () => {
    const angle = 0.5;
    const gap = 0.2;
    const d = separableDisk({ n: 50, seed: 3, angle, gap });
    expect(d.n).toBe(50);
    expect([d.y[0], d.y[1]]).toEqual([1, -1]);
    for (let i = 0; i < d.n; i++) {
      const s = d.x[2 * i] * Math.cos(angle) + d.x[2 * i + 1] * Math.sin(angle);
      expect(Math.abs(s)).toBeGreaterThanOrEqual(gap);
      expect(Math.sign(s)).toBe(d.y[i]);
      expect(Math.hypot(d.x[2 * i], d.x[2 * i + 1])).toBeLessThanOrEqual(1);
    }
  });

  test.each([-0.1, 1, Number.NaN])('gap=%s is rejected', (gap) => {
    expect(() => separableDisk({ n: 2, seed: 1, angle: 0, gap })).toThrow(`separableDisk: gap=${gap} must be in [0, 1)`);
  });
});
