import { describe, expect, test } from 'vitest';
import { escapeRegExp, projectRoot, runVitest } from './vitestRun.js';

describe('escapeRegExp', () => {
  test('a test name matches itself literally as a -t pattern', () => {
    const names = ['JT.Thm1-risk twin: fails when ∇R(W) has G_1 dropped', 'a+b*(c)?[d]{2}|^$\\', 'ablation drop=S(t) term'];
    for (const name of names) {
      const re = new RegExp(`^${escapeRegExp(name)}$`);
      expect(re.test(name)).toBe(true);
      expect(re.test(`${name}x`)).toBe(false);
    }
    expect(escapeRegExp('JT.Lem5')).toBe('JT\\.Lem5');
    expect(new RegExp(escapeRegExp('a.c')).test('abc')).toBe(false);
  });
});

describe('runVitest', () => {
  test('runs one file under a name filter and returns each test’s status from the JSON reporter', () => {
    expect(projectRoot).toMatch(/[\\/]/);
    const { status, tests } = runVitest('src/figures/budget.test.ts', `^${escapeRegExp('figure budget scale 1')}`, {}, { quiet: true });
    expect(status).toBe(0);
    const ran = tests.filter((t) => t.status === 'passed');
    expect(ran.map((t) => t.fullName)).toEqual(['figure budget scale 1 changes nothing: counts, checkpoints and captions are the full figure’s']);
    expect(tests.filter((t) => t.status === 'skipped').length).toBeGreaterThan(0);
  }, 30_000);
});
