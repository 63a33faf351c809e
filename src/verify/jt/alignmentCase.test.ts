import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { jtA2 } from '../../assumptions/index.js';
import { logistic } from '../../losses/logistic.js';
import { alignmentCase, alignmentClass, nonTrivialLayers, nonTrivialPairs } from './alignmentCase.js';
import { dataOf, networkOf } from './trainCase.js';

describe('alignmentCase', () => {
  test('draws non-trivial shapes only: d ≥ 2, hidden widths ≥ 2, L = 2–3, and every case satisfies JT.A2', () => {
    const depths = new Set<number>();
    for (const c of fc.sample(alignmentCase({ loss: logistic }), { seed: 5, numRuns: 40 })) {
      const dims = networkOf(c).dims;
      depths.add(dims.length - 1);
      expect(dims[0]).toBeGreaterThanOrEqual(2);
      for (const h of dims.slice(1, -1)) expect(h).toBeGreaterThanOrEqual(2);
      expect(dims.at(-1)).toBe(1);
      expect(c.x.length).toBeGreaterThanOrEqual(4);
      expect(jtA2(networkOf(c), dataOf(c), logistic).holds).toBe(true);
      expect(alignmentClass(dims, 'rank1', true)).toMatch(/ non-trivial in regime$/);
    }
    expect([...depths].sort()).toEqual([2, 3]);
  });

  test('the scale option sets σ: entries of a σ = 1e-3 init stay below 5σ (the Gaussian is truncated at ≈ 4.5σ)', () => {
    for (const c of fc.sample(alignmentCase({ loss: logistic, scale: 1e-3, minDepth: 3 }), { seed: 1, numRuns: 10 })) {
      expect(c.weights.length).toBe(3);
      for (const W of c.weights) for (const row of W) for (const v of row) expect(Math.abs(v)).toBeLessThan(5e-3);
    }
  });

  test('bad constraints name the field', () => {
    expect(() => alignmentCase({ loss: logistic, minDepth: 1 })).toThrow('alignmentCase: minDepth=1');
    expect(() => alignmentCase({ loss: logistic, minDepth: 3, maxDepth: 2 })).toThrow('maxDepth=2');
    expect(() => alignmentCase({ loss: logistic, scale: 0 })).toThrow('alignmentCase: scale=0 must be > 0');
  });
});

describe('trivial shapes', () => {
  test('a layer counts for F5 only with both dims ≥ 2, a pair for F6 only when its shared width is ≥ 2', () => {
    expect(nonTrivialLayers([3, 2, 2, 1])).toEqual([0, 1]);
    expect(nonTrivialLayers([1, 3, 1])).toEqual([]);
    expect(nonTrivialPairs([3, 2, 2, 1])).toEqual([0, 1]);
    expect(nonTrivialPairs([3, 1, 2, 1])).toEqual([1]);
    expect(nonTrivialPairs([3, 1, 1])).toEqual([]);
  });

  test('classes name depth, triviality and regime', () => {
    expect(alignmentClass([1, 3, 1], 'rank1', true)).toBe('L=2 trivial in regime');
    expect(alignmentClass([2, 1, 1], 'align', false)).toBe('L=2 trivial regime not reached');
    expect(alignmentClass([2, 2, 2, 1], 'prod', null)).toBe('L=3 non-trivial diverged');
  });
});
