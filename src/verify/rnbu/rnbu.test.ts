import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { riskAndGradient, type GradientFn } from '../../trainer/gradient.js';
import { alignedInitSigmas } from '../../arbitraries/alignedInit.js';
import { alignmentMoments } from '../../arbitraries/alignmentData.js';
import { gamma } from '../../tolerances/rounding.js';
import { checkLeak, emptyLeak, leakOk, leakSummary, runInvariance, SHORT, thm1Case, thm1Class, worseLeak } from './invariance.js';
import { gradientLeakBound, netOf, offNorm, prod, productSpread, ratio, readoutError, toRows, updateRounding } from './rounding.js';
import { compareWithScalar, scalarGradient, scalarLipschitz, scalarStep } from './scalarRecursion.js';

describe('RNBU rounding helpers', () => {
  test('ratio: 0 for nothing observed, ∞ past a zero bound, else observed/bound', () => {
    expect(ratio(0, 0)).toBe(0);
    expect(ratio(1, 0)).toBe(Infinity);
    expect(ratio(1, 4)).toBe(0.25);
  });

  test('products, off-diagonal norm and layout', () => {
    expect(prod([2, 3, 4])).toBe(24);
    expect(productSpread([2, 3], [1, 1])).toBe(3 * 4 - 2 * 3);
    expect(offNorm(new Float64Array([1, 3, 4, 0, 7, 0]), 2, 3)).toBe(5);
    expect(toRows(new Float64Array([1, 2, 3, 4, 5, 6]), 2, 3)).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(netOf([new Float64Array([1, 2])], [2, 1]).dims).toEqual([2, 1]);
  });

  test('the bounds vanish with nothing to round or leak and grow with it', () => {
    expect(gradientLeakBound(0, [1, 1], [0, 0], 0, 0, 0, 4)).toBe(0);
    expect(gradientLeakBound(0, [1, 1], [0, 0.5], 1, 0, 0, 4)).toBeGreaterThan(gradientLeakBound(0, [1, 1], [0, 0.25], 1, 0, 0, 4));
    expect(readoutError(new Float64Array([3, 4]), 2)).toBe(gamma(12) * 5);
    expect(updateRounding(new Float64Array([3, 4]), new Float64Array([0, 1]), 1 / 2)).toBe(gamma(2) * (5 + 1));
  });
});

describe('RNBU scalar recursion', () => {
  test('F_{k,j} = (∏_{l≠k}σ_{l,j})(λ_jΠσ − γ_j), one step σ − ηF', () => {
    const sig = [[2, 1], [3]];
    // index 0: σ = (2, 3), λ = 1, γ = 5: F_0 = 3(6 − 5) = 3, F_1 = 2(6 − 5) = 2; index 1 is missing in layer 2 (σ = 0)
    expect(scalarGradient(sig, [1, 1], [5, 1])).toEqual([[3, -0], [2]]);
    expect(scalarStep(sig, [1, 1], [5, 1], 1 / 2)).toEqual([[0.5, 1], [2]]);
  });

  test('the Lipschitz bound is ≥ 1 (the neutral imbalance direction) and grows with the box', () => {
    const a = scalarLipschitz([[1], [1]], 0, [1], [1], 1 / 4);
    expect(a).toBeGreaterThanOrEqual(1);
    expect(scalarLipschitz([[1], [1]], 1 / 2, [1], [1], 1 / 4)).toBeGreaterThan(a);
  });
});

describe('RNBU invariance run', () => {
  test('stable aligned cases stay aligned; the report feeds the scalar comparison', () => {
    const [c] = fc.sample(thm1Case('factorization', { stable: true }), { seed: 11, numRuns: 1 });
    const r = runInvariance(c, SHORT);
    expect(r.diverged).toBe(false);
    expect(leakOk(r)).toBe(true);
    expect(r.sigmas.length).toBeGreaterThan(0);
    const { lambda, gamma: gam } = alignmentMoments(c.data, c.init.bases[0], c.init.bases[c.init.bases.length - 1]);
    const cmp = compareWithScalar(r, c.init, lambda, gam, c.eta);
    expect(cmp.scalar[0]).toEqual(alignedInitSigmas(c.init));
    expect(thm1Class(c)).toContain('factorization');
  });

  test('leak reports merge by the worse ratio', () => {
    const a = { ...emptyLeak(), gradRatio: 2 };
    const m = worseLeak(a, { ...emptyLeak(), stepRatio: 0.5 });
    expect([m.gradRatio, m.stepRatio]).toEqual([2, 0.5]);
    expect(leakOk(m)).toBe(false);
    expect(typeof leakSummary(m)).toBe('string');
  });
});

describe('RNBU leak checks by name', () => {
  test('checkLeak names the first failed check', () => {
    expect(() => checkLeak(emptyLeak(), 'x')).not.toThrow();
    expect(() => checkLeak({ ...emptyLeak(), stepRatio: 3 }, 'thm1')).toThrow(/\[thm1-step\]/);
    expect(() => checkLeak({ ...emptyLeak(), gradRatio: 2, trajectoryRatio: 5 }, 'thm1')).toThrow(/\[thm1-gradient\]/);
  });
});

describe('RNBU.Thm1 derived form of the gradient', () => {
  test('runInvariance reads diag(U_kᵀĜ_kU_{k−1}) against M_k within rounding, and a 1 % fault far outside it', () => {
    const c = fc.sample(thm1Case('factorization', { stable: true }), { seed: 7, numRuns: 1 })[0];
    expect(runInvariance(c, 4, undefined, { form: true }).formRatio).toBeLessThanOrEqual(1);
    const scaled: GradientFn = (ws, net, data, loss, grads) => {
      const r = riskAndGradient(ws, net, data, loss, grads);
      grads[0].forEach((v, i) => (grads[0][i] = 1.01 * v));
      return r;
    };
    expect(runInvariance(c, 4, scaled, { form: true }).formRatio).toBeGreaterThan(1e6);
    expect(runInvariance(c, 4, scaled).formRatio).toBe(0);
  });
});
