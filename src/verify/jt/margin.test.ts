import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { endToEnd } from '../../linalg/dense.js';
import { logistic } from '../../losses/logistic.js';
import { CheckFailure } from '../checkFailure.js';
import { geometryOf, satisfiesA5 } from './geometry.js';
import { MARGIN_GAP, marginRegimeCase, marginRegimeData, offMarginStart } from './marginRegime.js';
import {
  type MarginPoint,
  assertMarginRegime,
  assertMarginTrends,
  fittedRate,
  flowCheckpoints,
  inMarginRegime,
  logCheckpoints,
  marginRegimeTracker,
  recordMarginRun,
} from './marginTrajectory.js';
import { networkOf } from './trainCase.js';

describe('marginRegimeData', () => {
  test('‖x_i‖ ≤ 1, JT.A5 with α > 0, the d planted support vectors, the rest clear by MARGIN_GAP, ū not the mean direction', () => {
    for (const ds of fc.sample(marginRegimeData(), { numRuns: 40, seed: 3 })) {
      const d = ds.x[0].length;
      for (const x of ds.x) expect(Math.hypot(...x)).toBeLessThanOrEqual(1);
      const g = geometryOf(ds);
      expect(g).not.toBeNull();
      expect(satisfiesA5(g)).toBe(true);
      expect(g!.mm.supportVectors).toEqual(Array.from({ length: d }, (_, i) => i));
      const u = g!.mm.direction;
      const z = g!.z;
      for (let i = d; i < ds.x.length; i++) {
        let m = 0;
        for (let j = 0; j < d; j++) m += u[j] * z[i * d + j];
        expect(m).toBeGreaterThanOrEqual(g!.mm.margin + MARGIN_GAP - 1e-12);
      }
      // unequal norms: the mean of the support vectors is not along ū
      const mean = new Array<number>(d).fill(0);
      for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) mean[j] += z[i * d + j] / d;
      const along = mean.reduce((s, v, j) => s + v * u[j], 0);
      expect(Math.sqrt(Math.max(0, mean.reduce((s, v) => s + v * v, 0) - along * along))).toBeGreaterThan(0.01);
    }
  });

  test('marginRegimeCase: hidden widths ≥ 2, depth 2 … maxDepth, small init', () => {
    for (const c of fc.sample(marginRegimeCase({ loss: logistic, maxDepth: 3, initScale: 1 / 5 }), { numRuns: 20, seed: 4 })) {
      const dims = networkOf(c).dims;
      expect(dims.length - 1).toBeGreaterThanOrEqual(2);
      expect(dims.length - 1).toBeLessThanOrEqual(3);
      for (const w of dims.slice(1, -1)) expect(w).toBeGreaterThanOrEqual(2);
    }
  });
});

describe('offMarginStart', () => {
  test('w_prod = a·ū + fτξ: ⟨w_prod, ū⟩ ≥ 0 and ‖Π_⊥w_prod‖ > τ, rank-one balanced layers', () => {
    for (const c of fc.sample(offMarginStart(), { numRuns: 30, seed: 5 })) {
      const net = networkOf(c);
      const g = geometryOf(c)!;
      const w = endToEnd(net.weights, net.dims);
      const u = g.mm.direction;
      let along = 0;
      for (let j = 0; j < w.length; j++) along += w[j] * u[j];
      let off = 0;
      for (let j = 0; j < w.length; j++) off += (w[j] - along * u[j]) ** 2;
      expect(along).toBeGreaterThanOrEqual(-1e-12);
      expect(Math.sqrt(off)).toBeGreaterThan(c.threshold * 1.2);
      const norms = net.weights.map((W) => Math.hypot(...W));
      for (const n of norms) expect(n).toBeCloseTo(norms[0], 10);
    }
  });
});

describe('checkpoints', () => {
  test('logCheckpoints: integers, ascending, first and last included', () => {
    const cps = logCheckpoints(1, 1000, 4);
    expect(cps[0]).toBe(1);
    expect(cps[cps.length - 1]).toBe(1000);
    for (let i = 1; i < cps.length; i++) expect(cps[i]).toBeGreaterThan(cps[i - 1]);
    expect(cps.every(Number.isInteger)).toBe(true);
    expect(() => logCheckpoints(0, 10, 2)).toThrow(/first=0/);
    expect(() => logCheckpoints(1, 10, 1.5)).toThrow(/perOctave=1.5/);
  });

  test('flowCheckpoints: 2^{j/perOctave} spacing up to last', () => {
    expect(flowCheckpoints(1, 8, 1)).toEqual([1, 2, 4, 8]);
    const cps = flowCheckpoints(0.25, 1, 2);
    expect(cps).toHaveLength(5);
    [0.25, 0.25 * Math.SQRT2, 0.5, 0.5 * Math.SQRT2, 1].forEach((t, i) => expect(cps[i]).toBeCloseTo(t, 14));
    expect(() => flowCheckpoints(0, 1, 1)).toThrow(/first=0/);
  });
});

const point = (t: number, sin: number, marginRatio = 0.95): MarginPoint => ({ t, sin, marginRatio });

describe('regime and trends', () => {
  test('inMarginRegime: sin ≤ 0.1 and γ/γ̄ ≥ 0.9', () => {
    expect(inMarginRegime(point(1, 0.1, 0.9))).toBe(true);
    expect(inMarginRegime(point(1, 0.11, 0.99))).toBe(false);
    expect(inMarginRegime(point(1, 0.01, 0.89))).toBe(false);
  });

  test('assertMarginRegime: "regime" with observed/bound ∞ when no run reached it; passes at 80 %', () => {
    const none = marginRegimeTracker('X.Y');
    for (let i = 0; i < 5; i++) recordMarginRun(none, [point(1, 0.5, 0.5)]);
    try {
      assertMarginRegime(none, false);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(CheckFailure);
      expect((e as CheckFailure).check).toBe('regime');
      expect((e as CheckFailure).ratio).toBe(Infinity);
    }
    const most = marginRegimeTracker('X.Y');
    for (let i = 0; i < 4; i++) recordMarginRun(most, [point(1, 0.05)]);
    recordMarginRun(most, [point(1, 0.5)]);
    expect(() => assertMarginRegime(most, false)).not.toThrow();
  });

  test('assertMarginTrends: falling series pass; a rising sin∠ fails as "trend-sin"', () => {
    const falling = Array.from({ length: 6 }, (_, r) => Array.from({ length: 6 }, (_, j) => point(2 ** j, 0.09 / (j + 1 + r), 0.91 + j / 100)));
    expect(assertMarginTrends('X.Y', falling).sin.pValue).toBeLessThan(0.01);
    const rising = falling.map((run) => run.map((p, j) => point(p.t, 0.01 * (j + 1), p.marginRatio)));
    expect(() => assertMarginTrends('X.Y', rising)).toThrow(/\[trend-sin\]/);
    const flatMargin = falling.map((run) => run.map((p) => point(p.t, p.sin, 0.95)));
    expect(() => assertMarginTrends('X.Y', flatMargin)).toThrow(/\[trend-margin\]/);
  });

  test('fittedRate: sin∠ = C/ln t has slope −1; too few points give NaN', () => {
    const run = [10, 100, 1000, 10000].map((t) => point(t, 0.1 / Math.log(t)));
    expect(fittedRate([run, run]).median).toBeCloseTo(-1, 12);
    expect(fittedRate([run.slice(0, 2)]).runs).toBe(0);
  });
});
