import { describe, expect, test } from 'vitest';
import { jtA2 } from '../../assumptions/index.js';
import { logistic } from '../../losses/logistic.js';
import { riskFamilyActive, riskFamilyCase, riskFamilyParameters } from './riskFamily.js';
import { dataOf, networkOf } from './trainCase.js';

const bounds = { maxDepth: 3, maxWidth: 3, maxDim: 3, maxSamples: 8 };
const params = riskFamilyParameters(bounds);

/** L, width, d, n, init, dataSeed, initSeed, then the entries */
const point = (head: number[], entries: number[] = []) => [...head, ...entries, ...Array(params.length - head.length - entries.length).fill(0)];

describe('riskFamily', () => {
  test('the parameters: shape, init kind, seeds, and one grid entry per weight of the largest net', () => {
    expect(params.slice(0, 7).map((p) => p.name)).toEqual(['L', 'width', 'd', 'n', 'init', 'dataSeed', 'initSeed']);
    // W_1 3×3, one hidden 3×3, W_3 1×3
    expect(params).toHaveLength(7 + 9 + 9 + 3);
    expect(params[7]).toEqual({ name: 'w1', min: -12, max: 12 });
  });

  test('a point names a deterministic case of its shape, inside the claim: separable, ‖x_i‖ ≤ 1, JT.A2', () => {
    const p = point([3, 2, 2, 5, 0, 17, 0], [4, -3, 2, 1, 5, -6, 7, 1, -2, 3]);
    const c = riskFamilyCase(p, bounds, 1 / 16, logistic)!;
    expect(c).not.toBeNull();
    expect(riskFamilyCase(p, bounds, 1 / 16, logistic)).toEqual(c);
    expect(c.weights.map((W) => [W.length, W[0].length])).toEqual([
      [2, 2],
      [2, 2],
      [1, 2],
    ]);
    expect(c.x).toHaveLength(5);
    for (const x of c.x) expect(Math.hypot(...x)).toBeLessThanOrEqual(1);
    expect(jtA2(networkOf(c), dataOf(c), logistic).holds).toBe(true);
    // σ = 1/2: entries σ·k/4, filled row by row (the last layer possibly negated for A2)
    expect(c.weights[0]).toEqual([
      [0.5, -0.375],
      [0.25, 0.125],
    ]);
    expect(Math.abs(c.weights[2][0][1])).toBe(0.375);
  });

  test('the balanced kind draws from its seed and ignores the entries', () => {
    const a = riskFamilyCase(point([2, 2, 2, 3, 2, 5, 9], [1, 2, 3]), bounds, 1 / 16, logistic);
    const b = riskFamilyCase(point([2, 2, 2, 3, 2, 5, 9], [4, 5, 6]), bounds, 1 / 16, logistic);
    expect(a).toEqual(b);
  });

  test('an init failing JT.A2 after orientation names no case', () => {
    // all entries 0: R(W(0)) = ℓ(0), which A2 excludes
    expect(riskFamilyCase(point([2, 1, 1, 1, 0, 3, 0]), bounds, 1 / 16, logistic)).toBeNull();
  });

  test('active(): the entries the shape uses, the init seed only for the balanced kind', () => {
    const gaussian = riskFamilyActive(point([2, 2, 3, 4, 1, 0, 0]), bounds);
    // W_1 2×3 and W_2 1×2: 8 entries
    expect(gaussian.slice(0, 7)).toEqual([true, true, true, true, true, true, false]);
    expect(gaussian.slice(7).filter(Boolean)).toHaveLength(8);
    expect(gaussian.slice(7, 15).every(Boolean)).toBe(true);
    const balanced = riskFamilyActive(point([3, 3, 3, 8, 2, 0, 0]), bounds);
    expect(balanced.slice(0, 7).every(Boolean)).toBe(true);
    expect(balanced.slice(7).some(Boolean)).toBe(false);
    expect(riskFamilyActive(point([3, 3, 3, 8, 0, 0, 0]), bounds).filter((a) => !a)).toHaveLength(1);
  });

  test('bad input names the field', () => {
    expect(() => riskFamilyParameters({ ...bounds, maxDepth: 1 })).toThrow('riskFamilyParameters: maxDepth=1 must be an integer ≥ 2');
    expect(() => riskFamilyCase([2, 1], bounds, 1 / 16, logistic)).toThrow('riskFamilyCase: point has 2 values; the family has 28');
    expect(() => riskFamilyCase(point([4, 1, 1, 1, 0, 0, 0]), bounds, 1 / 16, logistic)).toThrow('riskFamilyCase: L=4 must be an integer in [2, 3]');
  });
});
