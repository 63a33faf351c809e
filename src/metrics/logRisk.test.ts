import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { exponential } from '../losses/exponential.js';
import { expressionLoss } from '../losses/expressionLoss.js';
import { logistic } from '../losses/logistic.js';
import { linearRiskPrecision, logAbsDerivative, logRisk, logSumExp, MIN_NORMAL, riskChangeResolved } from './logRisk.js';

const margin = fc.integer({ min: -64 * 8, max: 64 * 8 }).map((k) => k / 8);
const margins = fc.array(margin, { minLength: 1, maxLength: 8 });

describe('logSumExp', () => {
  test('equals log Σ e^{a_i} where that is representable, and stays finite where it is not', () => {
    expect(logSumExp([0, 0])).toBeCloseTo(Math.LN2, 15);
    expect(logSumExp([1000, 1000])).toBeCloseTo(1000 + Math.LN2, 12);
    expect(logSumExp([-1000, -1000])).toBeCloseTo(-1000 + Math.LN2, 12);
    expect(logSumExp([])).toBe(-Infinity);
    expect(logSumExp([-Infinity, 0])).toBe(0);
  });

  test('shifts by the maximum of exactly the first n entries, wherever it stands', () => {
    // e^{−1000} underflows, so 1 + e^{−1000} = 1 and the result is exact only when the shift is the true maximum
    expect(logSumExp([1000, 0])).toBe(1000);
    expect(logSumExp([0, 1000])).toBe(1000);
    // entries past n are not terms: shifting by them would underflow the one term, e^{0−1000} = 0
    expect(logSumExp([0, 1000], 1)).toBe(0);
    expect(logSumExp([0, Infinity], 1)).toBe(0);
  });
});

describe('logRisk', () => {
  test('agrees with log of the linear-domain risk where that has full precision (relative 1e-13)', () => {
    fc.assert(
      fc.property(margins, (m) => {
        for (const loss of [logistic, exponential]) {
          const direct = m.reduce((s, u) => s + loss.value(u), 0) / m.length;
          // both are a sum of n terms within a few ulps each: |Δ log R| ≤ (n + 8)·u ≪ 1e-13
          expect(Math.abs(logRisk(m, m.length, loss) - Math.log(direct))).toBeLessThanOrEqual(1e-13 * Math.max(1, Math.abs(Math.log(direct))));
        }
      }),
    );
  });

  test('is finite where the linear-domain risk underflows to 0 (margins ~ 1000)', () => {
    const m = [1000, 1001, 1200];
    expect(m.reduce((s, u) => s + logistic.value(u), 0)).toBe(0);
    const lr = logRisk(m, 3, logistic);
    // log((e^{−1000} + e^{−1001} + e^{−1200})/3) = −1000 + log1p(e^{−1})·… exactly: −1000 + log(1 + e^{−1} + e^{−200}) − log 3
    expect(lr).toBeCloseTo(-1000 + Math.log(1 + Math.exp(-1)) - Math.log(3), 10);
    expect(logRisk(m, 3, exponential)).toBeCloseTo(lr, 10);
  });

  test('uses only the first n margins and rejects a bad n', () => {
    expect(logRisk([0, 50], 1, exponential)).toBe(0);
    expect(() => logRisk([0], 2, exponential)).toThrow(RangeError);
    for (const n of [2, 0, -1, 1.5, NaN]) expect(() => logRisk([0], n, exponential)).toThrow(`logRisk: n=${n} must be an integer in [1, margins.length=1]`);
  });

  test('a NaN log-loss is reported with the loss and the sample, never averaged in', () => {
    expect(() => logRisk([0, NaN], 2, exponential)).toThrow('logRisk: loss=exponential gives logValue(NaN)=NaN at sample 1');
    expect(() => logRisk([NaN], 1, logistic)).toThrow('logRisk: loss=logistic gives logValue(NaN)=NaN at sample 0');
  });
});

describe('logAbsDerivative', () => {
  test("equals log|ℓ'(u)| where ℓ' is representable", () => {
    const losses = [logistic, exponential, expressionLoss('exp(-u)')];
    fc.assert(
      fc.property(margin, (u) => {
        for (const loss of losses)
          expect(Math.abs(logAbsDerivative(loss, u) - Math.log(-loss.derivative(u)))).toBeLessThanOrEqual(1e-14 * Math.max(1, Math.abs(u)));
      }),
    );
  });

  test("stays finite for the built-in losses where ℓ' underflows", () => {
    expect(logistic.derivative(2000)).toBe(-0);
    expect(logAbsDerivative(logistic, 2000)).toBe(-2000);
    expect(logAbsDerivative(exponential, 2000)).toBe(-2000);
    expect(logAbsDerivative(logistic, -2000)).toBe(-0);
  });
});

describe('precision detectors', () => {
  test('MIN_NORMAL is 2^−1022, the smallest positive normal float64 (2^52 times the smallest subnormal)', () => {
    expect(MIN_NORMAL).toBe(2.2250738585072014e-308);
    expect(MIN_NORMAL).toBe(Number.MIN_VALUE * 2 ** 52);
  });

  test('the smallest normal risk is still resolved', () => {
    expect(linearRiskPrecision(MIN_NORMAL, Math.log(MIN_NORMAL), 1e-15)).toEqual({ resolved: true, reason: 'normal float, agrees with the log domain' });
  });

  test('the allowed log gap is relativeLevel/(1 − relativeLevel) + 4u, inclusive', () => {
    // risk = 1 makes log(risk) = 0 exactly, so the gap is |logR| exactly; every bound below is dyadic, hence exact
    const u = Number.EPSILON;
    const resolved = { resolved: true, reason: 'normal float, agrees with the log domain' };
    // relativeLevel = 1/2: allowed = (1/2)/(1/2) + 4u = 1 + 4u
    expect(linearRiskPrecision(1, 1, 0.5)).toEqual(resolved);
    expect(linearRiskPrecision(1, -(1 + 4 * u), 0.5)).toEqual(resolved);
    expect(linearRiskPrecision(1, 1 + 8 * u, 0.5).resolved).toBe(false);
    expect(linearRiskPrecision(1, 2, 0.5)).toEqual({ resolved: false, reason: 'log(risk)=0 and log-domain 2 differ by 2.00e+0 > 1.00e+0' });
    // relativeLevel = 0: only the 4u for rounding of the two logs remains
    expect(linearRiskPrecision(1, 4 * u, 0)).toEqual(resolved);
    expect(linearRiskPrecision(1, 8 * u, 0).resolved).toBe(false);
  });

  test('a normal risk that agrees with the log domain is resolved', () => {
    const m = [3, 4];
    const r = (logistic.value(3) + logistic.value(4)) / 2;
    expect(linearRiskPrecision(r, logRisk(m, 2, logistic), 1e-15).resolved).toBe(true);
  });

  test('zero and subnormal risks, and disagreement with the log domain, are flagged', () => {
    expect(linearRiskPrecision(0, -1000, 1e-15)).toMatchObject({ resolved: false, reason: expect.stringMatching(/below the smallest normal/) });
    expect(linearRiskPrecision(MIN_NORMAL / 4, Math.log(MIN_NORMAL / 4), 1e-15).resolved).toBe(false);
    expect(linearRiskPrecision(1e-3, Math.log(1e-3) + 1e-9, 1e-15).resolved).toBe(false);
  });

  test('a change at or below the rounding level is unresolved', () => {
    expect(riskChangeResolved(1e-12, 1e-15).resolved).toBe(true);
    expect(riskChangeResolved(1e-16, 1e-15)).toMatchObject({ resolved: false, reason: expect.stringMatching(/≤ rounding level/) });
    expect(riskChangeResolved(NaN, 1e-15).resolved).toBe(false);
    expect(riskChangeResolved(1e-12, 1e-15)).toEqual({ resolved: true, reason: 'the change exceeds the rounding level of R' });
    expect(riskChangeResolved(-1e-12, 1e-15)).toEqual({ resolved: true, reason: 'the change exceeds the rounding level of R' });
    // a change exactly at the rounding level (2^−50 ≈ 8.88e−16) is not resolved, whatever its sign
    for (const change of [2 ** -50, -(2 ** -50)])
      expect(riskChangeResolved(change, 2 ** -50)).toEqual({ resolved: false, reason: '|change|=8.88e-16 ≤ rounding level 8.88e-16 of R' });
  });

  test('a non-finite change or rounding level is unresolved, never a pass', () => {
    for (const [change, level] of [
      [Infinity, 1e-15],
      [-Infinity, 1e-15],
      [NaN, 1e-15],
      [1, NaN],
      [1e-12, Infinity],
    ])
      expect(riskChangeResolved(change, level)).toEqual({ resolved: false, reason: `change=${change}, rounding level=${level}: not finite` });
  });
});
