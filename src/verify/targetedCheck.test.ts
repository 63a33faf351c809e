import { afterEach, describe, expect, test } from 'vitest';
import { failCheck } from './checkFailure.js';
import { REGIME_META_KEY, regimeOf } from './regime.js';
import { runTargetedCheck, targetedCheckName } from './targetedCheck.js';
import { TARGET_ENV, type IntegerParameter } from './targetedSearch.js';

const box: IntegerParameter[] = [
  { name: 'a', min: 0, max: 20 },
  { name: 'b', min: 0, max: 20 },
];

/** observed/bound peaking at 0.8 at (12, 7) */
const ratio = (p: readonly number[]) => 0.8 - 0.01 * (Math.abs(p[0] - 12) + Math.abs(p[1] - 7));

describe('runTargetedCheck', () => {
  const lines: string[] = [];
  afterEach(() => {
    lines.length = 0;
  });
  const base = { claimId: 'X.Claim', check: 'my-check', parameters: box, command: 'npx vitest run f', env: {}, log: (l: string) => lines.push(l) };

  test('climbs to the largest ratio, prints a replay line per seed and records it under the targeted key', () => {
    const r = runTargetedCheck({ ...base, objective: ratio, seeds: [1, 2], budget: 200 });
    expect(r.best.value).toBeCloseTo(0.8, 12);
    expect(r.best.point).toEqual([12, 7]);
    expect(r.searches).toHaveLength(2);
    expect(lines.filter((l) => l.startsWith('targeted search X.Claim my-check: best ratio 0.8000 at a=12 b=7'))).toHaveLength(2);
    expect(lines.some((l) => l.includes(`replay: ${TARGET_ENV}=12,7 npx vitest run f`))).toBe(true);
    expect(r.summary.tightness).toEqual({ [targetedCheckName('my-check')]: r.best.value });
    expect(r.summary).toMatchObject({ runs: 2, reached: 2, minShare: 1 });
    // the meta the report reads back
    expect(regimeOf({ [REGIME_META_KEY]: r.summary })?.tightness).toEqual({ 'targeted: my-check': r.best.value });
  });

  test('a loose bound is recorded with its ratio; a search that cannot climb (flat ratio) is recorded as not reaching its regime', () => {
    const loose = runTargetedCheck({ ...base, objective: (p) => ratio(p) / 100, seeds: [3], budget: 200 });
    expect(loose.best.value).toBeCloseTo(0.008, 12);
    expect(loose.summary).toMatchObject({ runs: 1, reached: 1, tightness: { 'targeted: my-check': loose.best.value } });
    expect(loose.summary.closest?.best).toBeCloseTo(125, 9);
    const flat = runTargetedCheck({ ...base, objective: () => 0.5, seeds: [3, 4], budget: 50 });
    expect(flat.summary).toMatchObject({ runs: 2, reached: 0 });
  });

  test('a violation fails with the check, the seed, the point as a replay and the case', () => {
    const objective = (p: readonly number[]) => {
      if (p[0] === 20) failCheck('my-check', 2, 1, `bound exceeded at a=${p[0]}`);
      return p[0] / 20;
    };
    expect(() => runTargetedCheck({ ...base, objective, seeds: [5], budget: 200, describeCase: (p) => `case(${p.join(' ')})` })).toThrow(
      /\[my-check\] bound exceeded at a=20\n {2}X\.Claim my-check: targeted search seed 5, evaluation \d+, at a=20 b=\d+\n {2}replay: DLNCHECK_TARGET=20,\d+ npx vitest run f\n {2}case: case\(20 \d+\)/,
    );
  });

  test('with DLNCHECK_TARGET set it evaluates exactly that point, once', () => {
    const seen: string[] = [];
    const r = runTargetedCheck({
      ...base,
      env: { [TARGET_ENV]: '3,4' },
      objective: (p) => {
        seen.push(p.join(','));
        return ratio(p);
      },
      seeds: [1, 2, 3],
      budget: 200,
    });
    expect(seen).toEqual(['3,4']);
    expect(r.best).toEqual({ value: ratio([3, 4]), point: [3, 4], seed: 1 });
  });

  test('bad input names the field', () => {
    expect(() => runTargetedCheck({ ...base, objective: ratio, seeds: [], budget: 10 })).toThrow('runTargetedCheck(X.Claim my-check): seeds is empty');
  });
});
