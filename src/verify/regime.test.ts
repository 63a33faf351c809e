import { describe, expect, test } from 'vitest';
import { RegimeTracker, REGIME_META_KEY, regimeOf, shareLowerTail } from './regime.js';

const spec = { regime: 'q ≤ 0.1', closest: 'q at the horizon' };

describe('RegimeTracker', () => {
  test('counts runs in the regime, the closest values and the worst tightness', () => {
    const r = new RegimeTracker('JT.Thm1-rank1', spec);
    [0.05, 0.08, 0.2, 0.01, 0.09].forEach((q) => r.run(q <= 0.1, q));
    r.tightness('F5', 0.3);
    r.tightness('F5', 0.7);
    r.tightness('drift', -1);
    expect(r.summary()).toEqual({
      regime: 'q ≤ 0.1',
      runs: 5,
      reached: 4,
      share: 0.8,
      minShare: 0.8,
      closest: { name: 'q at the horizon', median: 0.08, best: 0.01 },
      tightness: { F5: 0.7, drift: -1 },
    });
    expect(r.assertReached().share).toBe(0.8);
    expect(r.describe()).toBe(
      'JT.Thm1-rank1 regime q ≤ 0.1: 4/5 runs (80 %, required 80 %); q at the horizon: median 0.0800, best 0.0100; worst observed/bound: F5 0.700, drift -1.00',
    );
  });

  test('fails when the runs show, at level 1 %, that fewer than the required share reach the regime, naming the numbers', () => {
    const tracker = (reached: number, runs: number, minShare = 0.8) => {
      const r = new RegimeTracker('JT.Thm1-align', { ...spec, minShare });
      for (let i = 0; i < runs; i++) r.run(i < reached, i < reached ? 0.05 : 0.2);
      return r;
    };
    // P(Bin(30, 0.8) ≤ 23) = 0.39303, ≤ 18 = 0.0094931 (exact rational sums)
    expect(tracker(23, 30).assertReached().share).toBeCloseTo(23 / 30, 15);
    expect(() => tracker(18, 30).assertReached()).toThrow(
      /JT\.Thm1-align regime q ≤ 0\.1: 18\/30 runs \(60 %, required 80 %\).*P\(Bin\(30, 0\.8\) ≤ 18\) = 0\.0095 < 0\.01/,
    );
    expect(shareLowerTail(30, 23, 0.8)).toBeCloseTo(0.393, 4);
    expect(shareLowerTail(30, 18, 0.8)).toBeCloseTo(0.0094931, 6);
    // power: with half the cases reaching the regime, 30 runs fail the test with probability P(Bin(30, 0.5) ≤ 18) ≈ 0.90
    expect(shareLowerTail(30, 18, 0.5)).toBeCloseTo(0.89976, 4);
    // minShare 1: every run must reach it
    expect(() => tracker(29, 30, 1).assertReached()).toThrow(/29\/30 runs/);
    expect(tracker(30, 30, 1).assertReached().share).toBe(1);
    expect(() => new RegimeTracker('X', { ...spec }).assertReached()).toThrow('X: no run was observed');
  });

  test('median of an even count, runs without a measured value, bad input', () => {
    const r = new RegimeTracker('X', spec);
    [4, 1, 3, Number.NaN, 2].forEach((q) => r.run(false, q));
    expect(r.summary().closest).toEqual({ name: 'q at the horizon', median: 2.5, best: 1 });
    const none = new RegimeTracker('X', spec);
    none.run(true, Number.NaN);
    expect(none.summary().closest).toBeNull();
    expect(() => r.tightness('F5', Number.NaN)).toThrow('X tightness(F5): ratio=NaN');
    expect(() => new RegimeTracker('X', { ...spec, minShare: 0 })).toThrow('RegimeTracker(X): minShare=0 must be in (0, 1]');
  });

  test('records in the running test meta, and reads back from a JSON report', ({ task }) => {
    const r = new RegimeTracker('X', spec);
    r.run(true, 0.05);
    r.tightness('F5', 0.5);
    const s = r.record();
    const meta = (task.meta as Record<string, unknown>)[REGIME_META_KEY];
    expect(meta).toEqual(s);
    expect(regimeOf(JSON.parse(JSON.stringify(task.meta)))).toEqual(s);
    expect(regimeOf(null)).toBeNull();
    expect(regimeOf({ [REGIME_META_KEY]: { regime: 1 } })).toBeNull();
    expect(regimeOf({ [REGIME_META_KEY]: { ...s, closest: { name: 'x' } } })?.closest).toBeNull();
  });
});
