import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { bottleneck, leadingBlockCase, leadingBlockStep } from './leadingBlock.js';

describe('RNBU.Thm1 leading block', () => {
  test('an off-diagonal Λ entry inside the leading r-block breaks W_1 at (j, l) by exactly −η·M_1[j,l]', () => {
    const s = leadingBlockStep({
      dims: [3, 2, 3],
      sigmas: [
        [2, 1],
        [1, 3],
      ],
      scales: [1, 2, 3],
      targets: [1, 1, 1],
      j: 0,
      l: 2,
      c: 1,
    });
    expect(s.matchesFormula).toBe(true);
    expect(s.observed.some((e) => e.layer === 1 && e.i === 0 && e.j === 2)).toBe(true);
  });

  test('beyond the bottleneck the step stays diagonal', () => {
    const s = leadingBlockStep({
      dims: [4, 2, 4],
      sigmas: [
        [2, 1],
        [1, 3],
      ],
      scales: [1, 2, 3, 4],
      targets: [1, 1, 1, 1],
      j: 2,
      l: 3,
      c: 2,
    });
    expect(s.matchesFormula).toBe(true);
    expect(s.observed).toEqual([]);
  });

  test('the arbitraries put the pair where they say', () => {
    for (const c of fc.sample(leadingBlockCase('leading'), 20)) expect(Math.min(c.j, c.l)).toBeLessThan(bottleneck(c.dims));
    for (const c of fc.sample(leadingBlockCase('beyond'), 20)) expect(Math.min(c.j, c.l)).toBeGreaterThanOrEqual(bottleneck(c.dims));
  });
});
