import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { fraction } from 'mathjs';
import { datasetFromArrays } from '../data/dataset.js';
import { squared } from '../losses/loss.js';
import { networkFromArrays } from '../network/network.js';
import { createWorkspace, riskAndGradient, zerosLike } from '../trainer/gradient.js';
import { formatFractionMatrix, toNumbers } from './fractionMatrix.js';
import { allZero, rationalBalanceStepResiduals, rationalGradientStep } from './rationalGradientStep.js';

const linear = { kind: 'linear' } as const;

describe('rationalGradientStep', () => {
  test('a scalar chain by hand: w1 = 1, w2 = 2, x = 1, y = 1', () => {
    // P = 2, R = ½(2 − 1)² = 1/2, E = 1, G_1 = w2·E = 2, G_2 = E·w1 = 1; η = 1/3: w1' = 1/3, w2' = 5/3
    const net = networkFromArrays([[[1]], [[2]]], linear);
    const data = datasetFromArrays([[1]], [[1]], 'regression');
    const step = rationalGradientStep(net, data, fraction(1, 3));
    expect(step.risk.toFraction()).toBe('1/2');
    expect(step.grads.map(formatFractionMatrix)).toEqual(['[[2]]', '[[1]]']);
    expect(step.after.map(formatFractionMatrix)).toEqual(['[[1/3]]', '[[5/3]]']);
    // D = w1² − w2² goes from −3 to −24/9 = −8/3: a change of 1/3 = η²(G_1² − G_2²) = (1/9)·3
    expect(allZero(rationalBalanceStepResiduals(step))).toBe(true);
  });

  test('agrees with the float trainer to rounding (differential check)', () => {
    const entry = fc.integer({ min: -3, max: 3 });
    const mat = (r: number, c: number) => fc.array(fc.array(entry, { minLength: c, maxLength: c }), { minLength: r, maxLength: r });
    const cases = fc
      .record({ d: fc.integer({ min: 1, max: 3 }), h: fc.integer({ min: 1, max: 3 }), k: fc.integer({ min: 1, max: 2 }), n: fc.integer({ min: 1, max: 3 }) })
      .chain(({ d, h, k, n }) => fc.record({ x: mat(n, d), y: mat(n, k), w1: mat(h, d), w2: mat(k, h) }));
    fc.assert(
      fc.property(cases, (c) => {
        const net = networkFromArrays([c.w1, c.w2], linear);
        const data = datasetFromArrays(c.x, c.y, 'regression');
        const grads = zerosLike(net);
        const risk = riskAndGradient(createWorkspace(net.dims, data.n), net, data, squared, grads);
        const step = rationalGradientStep(net, data, 1);
        // Integer data and weights keep every product and residual exact in floats; rounding enters with 1/n and the
        // sums after it. Risk: ½Σres² is an exact integer, then two roundings (×invN, the final ×): 2u·R ≤ 4ε·max(1, R).
        expect(Math.abs(step.risk.valueOf() - risk)).toBeLessThanOrEqual(4 * Number.EPSILON * Math.max(1, risk));
        // Gradients: G_1 = W_2ᵀE with E = (1/n)Σ_i res_i x_iᵀ, G_2 = (1/n)Σ_i res_i (W_1x_i)ᵀ. Each entry is a sum of
        // at most m = n + k + d + 3 rounded operations over terms whose absolute sum is at most S = max(k, d)·w·ρ·ξ,
        // with w, ξ the largest |weight| and |input| and ρ = h·d·w²·ξ + max|y| ≥ |Px − y| (the 1/n cancels the n
        // samples); so |Ĝ − G| ≤ γ_m·S (Higham, Thm 3.1). Cancellation can make |G| ≪ S: the bound is on S, not on |G|.
        const u = Number.EPSILON / 2;
        const [n, d, h, k] = [c.x.length, c.x[0].length, c.w1.length, c.y[0].length];
        const m = n + k + d + 3;
        const maxAbs = (a: number[][]) => Math.max(0, ...a.flat().map(Math.abs));
        const w = Math.max(maxAbs(c.w1), maxAbs(c.w2));
        const xi = maxAbs(c.x);
        const rho = h * d * w * w * xi + maxAbs(c.y);
        const bound = ((m * u) / (1 - m * u)) * Math.max(k, d) * w * rho * xi;
        step.grads.forEach((G, k) => {
          const exact = toNumbers(G);
          exact.forEach((v, i) => expect(Math.abs(v - grads[k][i])).toBeLessThanOrEqual(bound));
        });
      }),
      { numRuns: 100 },
    );
  });

  test('a scaled gradient breaks F2 exactly (the twin fault of brokenGradient)', () => {
    const net = networkFromArrays([[[1, 0]], [[2]]], linear);
    const data = datasetFromArrays([[1, 1]], [[1]], 'regression');
    expect(allZero(rationalBalanceStepResiduals(rationalGradientStep(net, data, 0.5)))).toBe(true);
    expect(allZero(rationalBalanceStepResiduals(rationalGradientStep(net, data, 0.5, { kind: 'scale', layer: 0, factor: 1.01 })))).toBe(false);
    expect(allZero(rationalBalanceStepResiduals(rationalGradientStep(net, data, 0.5, { kind: 'drop', layer: 1 })))).toBe(false);
    // a trainer that never moves satisfies F2 with its own (zero) gradients: the identity alone cannot see it, which is
    // why the trajectory claims also assert progress (risk, norms)
    expect(allZero(rationalBalanceStepResiduals(rationalGradientStep(net, data, 0.5, { kind: 'frozen' })))).toBe(true);
  });

  test('refuses classification data with a message naming the field', () => {
    const net = networkFromArrays([[[1]], [[1]]], linear);
    expect(() => rationalGradientStep(net, datasetFromArrays([[1]], [1]), 1)).toThrow(/data.task=classification/);
  });
});
