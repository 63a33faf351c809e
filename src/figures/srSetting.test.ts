import { describe, expect, test } from 'vitest';
import { logistic } from '../losses/logistic.js';
import { linear } from '../network/activation.js';
import { createWorkspace, risk } from '../trainer/gradient.js';
import { checkpointSteps } from './checkpointSteps.js';
import { gaussianNetwork, scaledNetwork } from './initialization.js';
import { seededRandom } from './random.js';
import { separableDisk } from './separableDisk.js';
import { firstStep, fmt, satisfyA2, srData, srDims, srNetwork, srSettingText, SR_DATA } from './srSetting.js';

describe('seededRandom', () => {
  test('the same seed draws the same stream; forks by label are independent and stable', () => {
    const a = seededRandom(7);
    const b = seededRandom(7);
    const xs = Array.from({ length: 5 }, () => a.uniform());
    expect(Array.from({ length: 5 }, () => b.uniform())).toEqual(xs);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(seededRandom(7).fork('init').seed).toBe(seededRandom(7).fork('init').seed);
    expect(seededRandom(7).fork('init').seed).not.toBe(seededRandom(7).fork('data').seed);
    expect(seededRandom(7).fork('init').seed).not.toBe(seededRandom(8).fork('init').seed);
  });

  test('normals come in Box–Muller pairs with mean ≈ 0 and variance ≈ 1', () => {
    const r = seededRandom(1);
    const n = 20_000;
    let s = 0;
    let s2 = 0;
    for (let i = 0; i < n; i++) {
      const z = r.normal();
      s += z;
      s2 += z * z;
    }
    // standard errors: 1/√n ≈ 0.007 for the mean, √(2/n) ≈ 0.01 for the variance
    expect(Math.abs(s / n)).toBeLessThan(0.04);
    expect(Math.abs(s2 / n - 1)).toBeLessThan(0.06);
  });

  test('a non-integer seed is rejected, naming it', () => {
    expect(() => seededRandom(1.5)).toThrow(/seededRandom: seed=1\.5 must be an integer/);
  });
});

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

describe('SR setting', () => {
  test('srData and srDims are the setting the captions state', () => {
    const d = srData(5);
    expect(d.n).toBe(SR_DATA.n);
    expect(srDims(4)).toEqual([2, 2, 2, 2, 1]);
    expect(srSettingText(4)).toContain(`n=${SR_DATA.n}`);
    expect(srSettingText(6)).toContain('depth 6');
  });

  test('srNetwork satisfies JT.A2: R(W(0)) < ℓ(0)', () => {
    const data = srData(5);
    for (let seed = 0; seed < 5; seed++) {
      const net = srNetwork(4, linear, seededRandom(seed), 1, data, logistic);
      expect(risk(createWorkspace(net.dims, data.n), net, data, logistic)).toBeLessThan(logistic.value(0));
    }
  });

  test('satisfyA2 negates only the last layer, and only when needed', () => {
    const data = srData(5);
    const net = gaussianNetwork(srDims(3), linear, seededRandom(2), 1);
    const fixed = satisfyA2(net, data, logistic);
    const flipped = satisfyA2(scaledNetwork(fixed, 1), data, logistic);
    expect(Array.from(flipped.weights[2])).toEqual(Array.from(fixed.weights[2])); // already satisfied: unchanged
    const bad = { ...fixed, weights: fixed.weights.map((W, k) => (k === 2 ? W.map((v) => -v) : W)) };
    const repaired = satisfyA2(bad, data, logistic);
    expect(Array.from(repaired.weights[2])).toEqual(Array.from(fixed.weights[2]));
    expect(Array.from(repaired.weights[0])).toEqual(Array.from(bad.weights[0]));
  });

  test('srNetwork gives up with a clear error when no draw can satisfy A2', () => {
    // a ReLU net whose input layer is all zeros outputs 0 everywhere: R(W(0)) = ℓ(0) for every sign
    expect(() => srNetwork(3, { kind: 'relu' }, seededRandom(1), 0, srData(5), logistic)).toThrow(
      /srNetwork: no draw in 100 satisfies JT\.A2 \(R\(W\(0\)\) < ℓ\(0\)\) for depth=3 scale=0; change the scale or the seed/,
    );
  });

  test('fmt: three significant digits, exponents when tiny or huge, non-numbers verbatim', () => {
    expect(fmt(0.123456)).toBe('0.123');
    expect(fmt(0)).toBe('0');
    expect(fmt(1.5e-5)).toBe('1.50e-5');
    expect(fmt(-2e6)).toBe('-2.00e+6');
    expect(fmt(12345)).toBe('12300');
    expect(fmt(null)).toBe('null');
    expect(fmt(undefined)).toBe('undefined');
    expect(fmt(Number.NaN)).toBe('NaN');
  });

  test('firstStep: the first record where the predicate holds, else null', () => {
    const recs = [{ step: 0, v: 3 }, { step: 5, v: 1 }, { step: 9, v: 0 }];
    expect(firstStep(recs, (r) => r.v < 2)).toBe(5);
    expect(firstStep(recs, (r) => r.v < 0)).toBeNull();
  });
});

describe('initialization and checkpoints', () => {
  test('gaussianNetwork: fan-in scaling divides by √d_{k−1}; scaledNetwork keeps directions', () => {
    const plain = gaussianNetwork([4, 3, 1], linear, seededRandom(9), 2);
    const fan = gaussianNetwork([4, 3, 1], linear, seededRandom(9), 2, true);
    expect(fan.weights[0][0]).toBeCloseTo(plain.weights[0][0] / 2, 14);
    expect(fan.weights[1][0]).toBeCloseTo(plain.weights[1][0] / Math.sqrt(3), 14);
    const half = scaledNetwork(plain, 0.5);
    expect(half.weights[1][2]).toBe(plain.weights[1][2] * 0.5);
    expect(half.dims).toEqual([4, 3, 1]);
  });

  test('checkpointSteps: 0, then about perDecade per decade, always ending at steps', () => {
    expect(checkpointSteps(0)).toEqual([0]);
    expect(checkpointSteps(1)).toEqual([0, 1]);
    expect(checkpointSteps(100, 2)).toEqual([0, 1, 3, 10, 32, 100]);
    expect(() => checkpointSteps(-1)).toThrow(/checkpointSteps: steps=-1 must be a non-negative integer/);
    expect(() => checkpointSteps(2.5)).toThrow(RangeError);
  });
});
