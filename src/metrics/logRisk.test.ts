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
  });
});

describe('logAbsDerivative', () => {
  test('equals log|ℓ\'(u)| where ℓ\' is representable', () => {
    const losses = [logistic, exponential, expressionLoss('exp(-u)')];
    fc.assert(
      fc.property(margin, (u) => {
        for (const loss of losses)
          expect(Math.abs(logAbsDerivative(loss, u) - Math.log(-loss.derivative(u)))).toBeLessThanOrEqual(1e-14 * Math.max(1, Math.abs(u)));
      }),
    );
  });

  test('stays finite for the built-in losses where ℓ\' underflows', () => {
    expect(logistic.derivative(2000)).toBe(-0);
    expect(logAbsDerivative(logistic, 2000)).toBe(-2000);
    expect(logAbsDerivative(exponential, 2000)).toBe(-2000);
    expect(logAbsDerivative(logistic, -2000)).toBe(-0);
  });
});

describe('precision detectors', () => {
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
  });
});
