import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { caughtByOf, claimMetaOf, CLAIM_META_KEY, recordClaimRun } from '../claims/claimTestMeta.js';
import { REGIME_META_KEY, type RegimeSummary } from '../verify/regime.js';
import { claimIdOf, readVitestRun } from './vitestResults.js';

const IDS = ['JT.Lem4', 'JT.Lem5', 'DHL.Thm2.1'];
/** What a RegimeTracker records (src/verify/regime.ts). */
const REGIME: RegimeSummary = {
  regime: 'R < ℓ(0)/n',
  runs: 40,
  reached: 36,
  share: 0.9,
  minShare: 0.8,
  closest: { name: 'final risk', median: 0.01, best: 0.001 },
  tightness: { 'descent-2nd-order': 0.42 },
};
const dirs: string[] = [];
function write(content: string): string {
  const d = mkdtempSync(join(tmpdir(), 'dlncheck-vitest-'));
  dirs.push(d);
  writeFileSync(join(d, 'vitest.json'), content);
  return join(d, 'vitest.json');
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('readVitestRun', () => {
  test('a missing file means no results; a broken one names the file and how to regenerate it', () => {
    expect(readVitestRun(join(tmpdir(), 'dlncheck-no-such-dir', 'vitest.json'), IDS)).toBeNull();
    const broken = write('{"testResults": [');
    expect(() => readVitestRun(broken, IDS)).toThrow(SyntaxError);
    expect(() => readVitestRun(broken, IDS)).toThrow(
      new RegExp(`^${broken.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: not valid JSON \\(.*\\); regenerate it with vitest run --reporter=json --outputFile=`),
    );
    const other = write('{"numTotalTests": 3}');
    expect(() => readVitestRun(other, IDS)).toThrow(`${other}: has no testResults array; is it vitest's JSON reporter output?`);
  });

  test('well-formed results: claim tests by title or by full name, the rest counted', () => {
    const file = write(
      JSON.stringify({
        startTime: 5,
        success: false,
        testResults: [
          {
            name: 'properties/a.property.test.ts',
            assertionResults: [
              {
                title: 'JT.Lem4 holds',
                fullName: 'JT.Lem4 holds',
                status: 'passed',
                duration: 12,
                failureMessages: [],
                meta: { [CLAIM_META_KEY]: { runs: 50, seed: 3 }, [REGIME_META_KEY]: REGIME },
              },
              {
                title: 'twin: fails when G_1 is dropped',
                fullName: 'JT.Lem5 twin: fails when G_1 is dropped',
                status: 'failed',
                duration: 4,
                failureMessages: ['boom', 7],
                meta: { [CLAIM_META_KEY]: { caughtBy: { check: 'F2-drift', ratio: 3.5, observed: 7, bound: 2, expected: ['F2-drift'], minRatio: 2 } } },
              },
              { title: 'a unit test', fullName: 'unit > a unit test', status: 'passed' },
            ],
          },
        ],
      }),
    );
    const run = readVitestRun(file, IDS)!;
    expect(run.startTime).toBe(5);
    expect(run.success).toBe(false);
    expect(run.otherTests).toBe(1);
    expect(run.tests).toEqual([
      {
        claimId: 'JT.Lem4',
        title: 'JT.Lem4 holds',
        file: 'properties/a.property.test.ts',
        status: 'passed',
        durationMs: 12,
        failureMessages: [],
        meta: { runs: 50, seed: 3 },
        regime: REGIME,
        expectsCounterexample: false,
      },
      {
        claimId: 'JT.Lem5',
        title: 'JT.Lem5 twin: fails when G_1 is dropped',
        file: 'properties/a.property.test.ts',
        status: 'failed',
        durationMs: 4,
        failureMessages: ['boom'],
        meta: { caughtBy: { check: 'F2-drift', ratio: 3.5, observed: 7, bound: 2, expected: ['F2-drift'], minRatio: 2 } },
        regime: null,
        expectsCounterexample: true,
      },
    ]);
  });

  test('malformed fields fall back to safe defaults instead of failing the report', () => {
    const file = write(
      JSON.stringify({
        startTime: 'yesterday',
        testResults: [
          {
            name: 42,
            assertionResults: [
              { fullName: 'DHL.Thm2.1 something', status: 'exploded', duration: '3 ms', failureMessages: 'one' },
              { title: 'JT.Lem4 from the title' },
            ],
          },
          { name: 'no-assertions.ts' },
        ],
      }),
    );
    const run = readVitestRun(file, IDS)!;
    expect(run.startTime).toBeNull();
    expect(run.success).toBeNull();
    expect(run.tests.map((t) => [t.claimId, t.title, t.file, t.status, t.durationMs, t.failureMessages])).toEqual([
      ['DHL.Thm2.1', 'DHL.Thm2.1 something', '', 'skipped', null, []],
      ['JT.Lem4', 'JT.Lem4 from the title', '', 'skipped', null, []],
    ]);
  });

  test('recorded meta decides whether a test expects a counterexample, over the name', () => {
    const file = write(
      JSON.stringify({
        testResults: [
          { name: 'f', assertionResults: [{ title: 'JT.Lem4 plain name', status: 'passed', meta: { [CLAIM_META_KEY]: { expectsCounterexample: true } } }] },
        ],
      }),
    );
    expect(readVitestRun(file, IDS)!.tests[0].expectsCounterexample).toBe(true);
  });
});

describe('readVitestRun: the shards of one run', () => {
  const assertion = (title: string, status: string, duration: number) => ({
    title,
    fullName: title,
    status,
    duration,
    failureMessages: [],
    meta: { [CLAIM_META_KEY]: { runs: 10, seed: 1 } },
  });
  const fileA = {
    name: '/repo/properties/a.property.test.ts',
    assertionResults: [assertion('JT.Lem4 holds', 'passed', 5), assertion('a unit test', 'passed', 1)],
  };
  const fileB = {
    name: '/repo/properties/b.property.test.ts',
    assertionResults: [assertion('JT.Lem5 holds', 'passed', 7), assertion('JT.Lem5 twin: fails when G_1 is dropped', 'passed', 2)],
  };
  const fileC = { name: '/repo/properties/c.property.test.ts', assertionResults: [assertion('DHL.Thm2.1 holds', 'failed', 3)] };
  const strip = (r: ReturnType<typeof readVitestRun>) => r && { ...r, file: '' };

  test('merging the shards gives the unsharded run: tests in file order, earliest start, success only if every shard succeeded', () => {
    // vitest writes files in the order they finished: the unsharded run here finished c, a, b
    const whole = write(JSON.stringify({ startTime: 100, success: false, testResults: [fileC, fileA, fileB] }));
    const shard1 = write(JSON.stringify({ startTime: 120, success: true, testResults: [fileB, fileA] }));
    const shard2 = write(JSON.stringify({ startTime: 100, success: false, testResults: [fileC] }));
    const merged = readVitestRun([shard2, shard1], IDS)!;
    expect(strip(merged)).toEqual(strip(readVitestRun(whole, IDS)));
    expect(merged.tests.map((t) => t.title)).toEqual(['JT.Lem4 holds', 'JT.Lem5 holds', 'JT.Lem5 twin: fails when G_1 is dropped', 'DHL.Thm2.1 holds']);
    expect(merged.file).toBe(`${shard2}, ${shard1}`);
    expect(merged.startTime).toBe(100);
    expect(merged.success).toBe(false);
    expect(merged.otherTests).toBe(1);
    // success is null when a shard did not say and none failed
    const silent = write(JSON.stringify({ testResults: [fileC] }));
    expect(readVitestRun([shard1, silent], IDS)!.success).toBeNull();
    expect(readVitestRun([shard1, write(JSON.stringify({ success: true, testResults: [fileC] }))], IDS)!.success).toBe(true);
  });

  test('a missing shard, a shard given twice and two shards sharing a test file are errors, not a partial report', () => {
    const shard1 = write(JSON.stringify({ testResults: [fileA] }));
    const missing = join(tmpdir(), 'dlncheck-no-such-dir', 'vitest-2.json');
    expect(() => readVitestRun([shard1, missing], IDS)).toThrow(`vitest: shard ${missing} does not exist; a merged report needs every shard's JSON`);
    expect(() => readVitestRun([shard1, shard1], IDS)).toThrow(`vitest: shard ${shard1} is given twice; pass each shard's JSON once`);
    const overlapping = write(JSON.stringify({ testResults: [fileB, fileA] }));
    expect(() => readVitestRun([shard1, overlapping], IDS)).toThrow(
      `vitest: test file ${fileA.name} is in both ${shard1} and ${overlapping}; shards of one run never share a file`,
    );
    expect(() => readVitestRun([], IDS)).toThrow('vitest: no JSON file given; pass one file, or one per shard');
  });
});

describe('claimIdOf', () => {
  test('the longest ID that starts the name wins', () => {
    expect(claimIdOf('SR.R4 x y', ['SR.R4', 'SR.R4 x'])).toBe('SR.R4 x');
    expect(claimIdOf('SR.R4 x y', ['SR.R4 x', 'SR.R4'])).toBe('SR.R4 x');
    expect(claimIdOf('other', IDS)).toBeNull();
  });
});

describe('claim test meta', () => {
  test('round trip through task meta', () => {
    const task = { meta: {} };
    recordClaimRun(task, { runs: 10, seed: 1, expectsCounterexample: false, distribution: { 'L=2': 4, 'L=3': 6 } });
    expect(claimMetaOf(task.meta)).toEqual({ runs: 10, seed: 1, expectsCounterexample: false, distribution: { 'L=2': 4, 'L=3': 6 } });
  });

  test('anything malformed is ignored, field by field', () => {
    expect(claimMetaOf(null)).toBeNull();
    expect(claimMetaOf('meta')).toBeNull();
    expect(claimMetaOf({})).toBeNull();
    expect(claimMetaOf({ [CLAIM_META_KEY]: 3 })).toBeNull();
    expect(
      claimMetaOf({
        [CLAIM_META_KEY]: { runs: Number.NaN, seed: '7', expectsCounterexample: 'yes', distribution: { a: 1, b: 'x', c: Number.POSITIVE_INFINITY } },
      }),
    ).toEqual({ distribution: { a: 1 } });
  });

  test("a twin's caughtBy: read back with caughtByOf; a malformed one is dropped, a malformed optional field too", () => {
    const caughtBy = { check: 'descent-2nd-order', ratio: 4.2, observed: 8.4, bound: 2, expected: ['descent-2nd-order'], minRatio: 2 };
    const task = { meta: {} };
    recordClaimRun(task, { runs: 5, expectsCounterexample: true, caughtBy });
    expect(caughtByOf(JSON.parse(JSON.stringify(task.meta)))).toEqual(caughtBy);
    expect(claimMetaOf(task.meta)?.caughtBy).toEqual(caughtBy);
    const meta = (c: unknown) => ({ [CLAIM_META_KEY]: { caughtBy: c } });
    expect(caughtByOf(meta({ check: 'x', ratio: null }))).toEqual({ check: 'x', ratio: null });
    expect(caughtByOf(meta({ check: 'x', ratio: '3' }))).toBeNull();
    expect(caughtByOf(meta({ check: '', ratio: 3 }))).toBeNull();
    expect(caughtByOf(meta({ ratio: 3 }))).toBeNull();
    expect(caughtByOf(meta({ check: 'x', ratio: 3, observed: 'a', bound: null, expected: ['a', 1], minRatio: Number.NaN }))).toEqual({ check: 'x', ratio: 3 });
    expect(caughtByOf(meta(null))).toBeNull();
    expect(caughtByOf({ [CLAIM_META_KEY]: 1 })).toBeNull();
    expect(caughtByOf(undefined)).toBeNull();
    expect(claimMetaOf(meta({ check: 'x' }))).toEqual({});
  });
});
