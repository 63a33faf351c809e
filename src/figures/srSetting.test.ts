import { describe, expect, test } from 'vitest';
import { logistic } from '../losses/logistic.js';
import { linear } from '../network/activation.js';
import { createWorkspace, risk } from '../trainer/gradient.js';
import { gaussianNetwork, scaledNetwork } from '../network/initialization.js';
import { seededRandom } from '../data/random.js';
import { firstStep, fmt, satisfyA2, srData, srDims, srNetwork, srSettingText, SR_DATA } from './srSetting.js';

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
    const recs = [
      { step: 0, v: 3 },
      { step: 5, v: 1 },
      { step: 9, v: 0 },
    ];
    expect(firstStep(recs, (r) => r.v < 2)).toBe(5);
    expect(firstStep(recs, (r) => r.v < 0)).toBeNull();
  });
});
