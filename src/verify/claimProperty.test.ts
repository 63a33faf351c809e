import fc from 'fast-check';
import { describe, expect, test, vi } from 'vitest';
import { claim } from '../claims/registry.js';
import { caughtByOf, CLAIM_META_KEY } from '../claims/claimTestMeta.js';
import type { SpecInput } from '../spec/spec.js';
import { CheckFailure, failCheck, failedCheckOf } from './checkFailure.js';
import { assertClaim, claimParameters, describeFailure, findCounterexample, replayCommand } from './claimProperty.js';

// A claim with no stored counterexamples under a label no property uses, so
// the database adds no examples to these tiny properties.
const ID = 'JT.Lem5';
const LABEL = 'claimProperty unit test';

/** n < 10 over 0..100: fails, and shrinks to exactly 10. */
const belowTen = () => fc.property(fc.integer({ min: 0, max: 100 }), (n) => n < 10);
const toSpec = (): SpecInput => ({
  data: { x: [[1]], y: [1] },
  network: { weights: [[[1]]] },
  loss: 'logistic',
  schedule: { kind: 'constant', eta: 1 },
  steps: 1,
});

describe('replayCommand', () => {
  test('names the claim, seed and path, and quotes the test name for a shell', () => {
    expect(replayCommand(ID, 42, '3:1', "it's a test")).toBe(`npm run dlncheck -- replay ${ID} --seed 42 --path 3:1 --test 'it'\\''s a test'`);
  });

  test('defaults to the running test’s own name, without its describe blocks', () => {
    expect(replayCommand(ID, 1, '0')).toBe(
      `npm run dlncheck -- replay ${ID} --seed 1 --path 0 --test 'defaults to the running test’s own name, without its describe blocks'`,
    );
  });
});

describe('describeFailure', () => {
  test('a failed run: claim and statement, seed, path, replay command, shrunk case, spec and error', () => {
    const details = fc.check(belowTen(), { seed: 5 });
    const text = describeFailure(ID, details, toSpec);
    const c = claim(ID);
    const lines = text.split('\n');
    expect(lines[0]).toBe(`${ID} FAILED (${c.paper}: ${c.statement})`);
    expect(lines[1]).toBe('  seed: 5');
    expect(lines[2]).toBe(`  path: ${details.counterexamplePath}`);
    expect(lines[3]).toBe(`  replay: ${replayCommand(ID, 5, details.counterexamplePath!)}`);
    expect(lines[4]).toMatch(/^ {2}shrunk \d+ time\(s\); counterexample:$/);
    expect(lines[5]).toBe('  [10]');
    expect(lines[6]).toBe('  as a spec for `dlncheck train --spec -`:');
    expect(JSON.parse(lines[7])).toEqual(toSpec());
    expect(lines[8]).toBe('  error: Property failed by returning false');
  });

  test('no path, no counterexample, a non-Error failure and an interrupted run', () => {
    const details = {
      failed: false,
      interrupted: true,
      seed: 9,
      counterexamplePath: null,
      counterexample: null,
      errorInstance: 'stopped',
    } as unknown as fc.RunDetails<[number]>;
    expect(describeFailure(ID, details).split('\n').slice(1)).toEqual(['  seed: 9', '  path: (none)', '  error: stopped', '  run was interrupted']);
  });
});

describe('assertClaim', () => {
  test('a property that holds passes and records runs, seed and distribution for the report', ({ task }) => {
    assertClaim(
      ID,
      fc.property(fc.integer({ min: 0, max: 3 }), (n) => n <= 3),
      { numRuns: 40, label: LABEL, classify: (v) => `n=${v[0]}` },
    );
    const meta = (task.meta as Record<string, { runs: number; seed: number; expectsCounterexample: boolean; distribution: Record<string, number> }>)[
      CLAIM_META_KEY
    ];
    expect(meta.runs).toBe(40);
    expect(Number.isInteger(meta.seed)).toBe(true);
    expect(meta.expectsCounterexample).toBe(false);
    expect(Object.values(meta.distribution).reduce((a, b) => a + b, 0)).toBe(40);
    expect(Object.keys(meta.distribution).every((k) => /^n=[0-3]$/.test(k))).toBe(true);
  });

  test('a failing property throws a report with the claim ID, seed, path and replay command', () => {
    let message = '';
    try {
      assertClaim(ID, belowTen(), { numRuns: 100, label: LABEL, toSpec });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(new RegExp(`^${ID.replace('.', '\\.')} FAILED \\(JT: `));
    expect(message).toMatch(/\n {2}seed: -?\d+\n {2}path: \d+(:\d+)*\n {2}replay: npm run dlncheck -- replay JT\.Lem5 --seed -?\d+ --path \d+(:\d+)* --test '/);
    expect(message).toContain('\n  [10]\n');
    expect(message).not.toContain('saved:'); // DLNCHECK_SAVE_CEX is not set
  });

  test('an unknown claim is rejected before anything runs', () => {
    const run = vi.fn(() => true);
    expect(() => assertClaim('JT.Nope', fc.property(fc.nat(), run), { numRuns: 5 })).toThrow(/claim id=JT\.Nope is not in the registry/);
    expect(run).not.toHaveBeenCalled();
  });

  test('claimParameters: the reporter is silent when the run passed', () => {
    const params = claimParameters(ID, { numRuns: 3, examples: [[1]] as [number][] });
    expect(params.numRuns).toBe(3);
    expect(params.examples).toEqual([[1]]);
    expect(() => params.reporter!({ failed: false } as fc.RunDetails<[number]>)).not.toThrow();
  });
});

describe('findCounterexample', () => {
  test('returns the shrunk case with its seed, path and report, and marks the test as expecting one', ({ task }) => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const found = findCounterexample(ID, belowTen(), { numRuns: 100, label: LABEL, toSpec });
    expect(found.counterexample).toEqual([10]);
    expect(found.error).toBe('Property failed by returning false');
    expect(found.path).toMatch(/^\d+(:\d+)*$/);
    expect(found.report.split('\n')[0]).toMatch(new RegExp(`^JT\\.Lem5 counterexample found \\(${LABEL}\\) \\(JT: `));
    expect(found.report).toContain(`seed: ${found.seed}`);
    expect(log).toHaveBeenCalledWith(found.report);
    log.mockRestore();
    expect((task.meta as Record<string, { expectsCounterexample: boolean }>)[CLAIM_META_KEY].expectsCounterexample).toBe(true);
  });

  test('quiet: prints nothing; the replayed path reproduces the same case', () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const a = findCounterexample(ID, belowTen(), { numRuns: 100, label: LABEL, quiet: true });
    expect(log).not.toHaveBeenCalled();
    log.mockRestore();
    const replay = fc.check(belowTen(), { seed: a.seed, path: a.path });
    expect(replay.counterexample).toEqual(a.counterexample);
  });

  test('a property that cannot fail is an error: the twin or ablation lost its teeth', () => {
    expect(() =>
      findCounterexample(
        ID,
        fc.property(fc.nat(), () => true),
        { numRuns: 20, label: LABEL, quiet: true },
      ),
    ).toThrow(
      new RegExp(
        `^JT\\.Lem5 ${LABEL}: expected fast-check to find a counterexample in 20 runs \\(seed -?\\d+\\), found none: the property could not fail here$`,
      ),
    );
  });

  test('an exception inside the property is reported with its message', () => {
    const found = findCounterexample(
      ID,
      fc.property(fc.integer({ min: 0, max: 50 }), (n) => {
        if (n > 3) throw new RangeError(`n=${n} too large`);
      }),
      { numRuns: 100, label: LABEL, quiet: true },
    );
    expect(found.counterexample).toEqual([4]);
    expect(found.error).toMatch(/n=4 too large/);
  });
});

describe('findCounterexample: expectCheck', () => {
  /** n ≥ 10 fails the "below-ten" check with observed/bound n/10; shrinks to n = 10 (ratio 1) unless told otherwise. */
  const named = (check: string, scale = 1) =>
    fc.property(fc.integer({ min: 0, max: 100 }), (n) => {
      if (n >= 10) failCheck(check, n * scale, 10, `n=${n} ≥ 10`);
    });

  test('returns the named check and its ratio when the expected check catches it', () => {
    const found = findCounterexample(ID, named('below-ten', 2), { numRuns: 100, label: LABEL, quiet: true, expectCheck: 'below-ten' });
    expect(found.failedCheck).toEqual({ check: 'below-ten', ratio: 2 });
  });

  test('throws when another check, or no named check, catches it', () => {
    expect(() => findCounterexample(ID, named('other', 2), { numRuns: 100, label: LABEL, quiet: true, expectCheck: 'below-ten' })).toThrow(
      /expected "below-ten" to catch it, but the counterexample failed check "other"/,
    );
    expect(() => findCounterexample(ID, belowTen(), { numRuns: 100, label: LABEL, quiet: true, expectCheck: ['below-ten', 'x'] })).toThrow(
      /an error that names no check/,
    );
  });

  test('records the catching check for the report: name, observed, bound, ratio and what the twin demanded', ({ task }) => {
    findCounterexample(ID, named('below-ten', 2), { numRuns: 100, label: LABEL, quiet: true, expectCheck: 'below-ten', minRatio: 1.5 });
    expect(caughtByOf(JSON.parse(JSON.stringify(task.meta)))).toEqual({
      check: 'below-ten',
      ratio: 2,
      observed: 20,
      bound: 10,
      expected: ['below-ten'],
      minRatio: 1.5,
    });
  });

  test('records the check also when the wrong one caught it, and a zero bound as ratio null (JSON has no Infinity)', ({ task }) => {
    expect(() => findCounterexample(ID, named('other', 2), { numRuns: 100, label: LABEL, quiet: true, expectCheck: 'below-ten' })).toThrow();
    expect(caughtByOf(task.meta)).toEqual({ check: 'other', ratio: 2, observed: 20, bound: 10, expected: ['below-ten'] });
    const zeroBound = fc.property(fc.integer({ min: 0, max: 100 }), (n) => {
      if (n >= 10) failCheck('exact-zero', n, 0, `residual ${n} ≠ 0`);
    });
    findCounterexample(ID, zeroBound, { numRuns: 100, label: LABEL, quiet: true });
    expect(caughtByOf(JSON.parse(JSON.stringify(task.meta)))).toEqual({ check: 'exact-zero', ratio: null, observed: 10, bound: 0 });
    findCounterexample(ID, belowTen(), { numRuns: 100, label: LABEL, quiet: true });
    expect(caughtByOf(task.meta)).toBeNull();
  });

  test('throws when every failure is by a hair (largest ratio ≤ minRatio)', () => {
    const hair = fc.property(fc.integer({ min: 0, max: 100 }), (n) => {
      if (n >= 10) failCheck('below-ten', 10.05, 10, `n=${n} ≥ 10`);
    });
    expect(() => findCounterexample(ID, hair, { numRuns: 100, label: LABEL, quiet: true, expectCheck: 'below-ten', minRatio: 1.01 })).toThrow(
      /at most \(shrunk case 1\.00\d*\) ≤ 1\.01: too close to call/,
    );
  });

  test('judges minRatio on the largest ratio seen, not on the shrunk case, which shrinking walks toward the edge', () => {
    // the first case (n = 100) fails by ratio 10; it shrinks to n = 10, ratio 1
    const found = findCounterexample(ID, named('below-ten'), {
      numRuns: 100,
      label: LABEL,
      quiet: true,
      examples: [[100]],
      expectCheck: 'below-ten',
      minRatio: 2,
    });
    expect(found.failedCheck).toEqual({ check: 'below-ten', ratio: 1 });
  });
});

describe('CheckFailure', () => {
  test('carries its check, observed, bound and ratio, and names the check in its message', () => {
    const e = new CheckFailure('F2-drift', 3, 2, 'drift 3 > 2');
    expect([e.check, e.observed, e.bound, e.ratio]).toEqual(['F2-drift', 3, 2, 1.5]);
    expect(e.message).toBe('[F2-drift] drift 3 > 2');
    expect(failedCheckOf(e)).toEqual({ check: 'F2-drift', ratio: 1.5 });
    expect(failedCheckOf(new Error('x'))).toBeNull();
  });
});
