import { describe, expect, test } from 'vitest';
import { sampleGrid, zeroContour } from './zeroContour.js';

const box = { x0: -1, x1: 1, y0: -1, y1: 1 };

describe('zeroContour (marching squares)', () => {
  test('an affine score gives segments exactly on its line', () => {
    const segs = zeroContour(sampleGrid((x, y) => x - 2 * y + 0.25, box, 16));
    expect(segs.length).toBeGreaterThan(0);
    for (const s of segs) {
      expect(Math.abs(s.x - 2 * s.y + 0.25)).toBeLessThan(1e-12);
      expect(Math.abs(s.x2 - 2 * s.y2 + 0.25)).toBeLessThan(1e-12);
    }
  });

  test('a circle gives a closed polygon close to it: every endpoint is shared by two segments', () => {
    const r = 0.5;
    const segs = zeroContour(sampleGrid((x, y) => r * r - x * x - y * y, box, 64));
    const key = (x: number, y: number) => `${x.toFixed(9)},${y.toFixed(9)}`;
    const degree = new Map<string, number>();
    for (const s of segs) for (const k of [key(s.x, s.y), key(s.x2, s.y2)]) degree.set(k, (degree.get(k) ?? 0) + 1);
    expect([...degree.values()].every((d) => d === 2)).toBe(true);
    // linear interpolation of a quadratic on cells of side h = 1/32 errs by O(h²)
    for (const s of segs) expect(Math.abs(Math.hypot(s.x, s.y) - r)).toBeLessThan(2e-3);
  });

  test('a saddle cell is cut by the centre value: its two segments do not meet', () => {
    // on the 2×2 grid over [−1, 1]², the cell [0, 1]² has corners of alternating sign and a positive centre
    const segs = zeroContour(sampleGrid((x, y) => (x - 0.5) * (y - 0.5) + 0.01, box, 2));
    expect(segs.length).toBe(4);
    const inSaddle = segs.filter((s) => Math.min(s.x, s.x2) >= 0 && Math.min(s.y, s.y2) >= 0);
    expect(inSaddle.length).toBe(2);
    // the negative corners (1, 0) and (0, 1) are cut off: one segment near each
    const near = (s: (typeof segs)[number], cx: number, cy: number) => Math.hypot((s.x + s.x2) / 2 - cx, (s.y + s.y2) / 2 - cy) < 0.5;
    expect(inSaddle.some((s) => near(s, 1, 0))).toBe(true);
    expect(inSaddle.some((s) => near(s, 0, 1))).toBe(true);
  });

  test('no sign change, no segments; non-finite samples are skipped', () => {
    expect(zeroContour(sampleGrid(() => 1, box, 8))).toEqual([]);
    expect(zeroContour(sampleGrid((x) => (x > 0.9 ? NaN : x), box, 8)).length).toBeGreaterThan(0);
  });

  test('rejects a grid too coarse to sample', () => {
    expect(() => sampleGrid(() => 0, box, 1)).toThrow(/res=1 must be an integer ≥ 2/);
  });
});
