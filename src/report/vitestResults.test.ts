import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { claimMetaOf, CLAIM_META_KEY, recordClaimRun } from './claimTestMeta.js';
import { claimIdOf, readVitestRun } from './vitestResults.js';

const IDS = ['JT.Lem4', 'JT.Lem5', 'DHL.Thm2.1'];
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
    expect(() => readVitestRun(broken, IDS)).toThrow(new RegExp(`^${broken.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: not valid JSON \\(.*\\); regenerate it with vitest run --reporter=json --outputFile=`));
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
              { title: 'JT.Lem4 holds', fullName: 'JT.Lem4 holds', status: 'passed', duration: 12, failureMessages: [], meta: { [CLAIM_META_KEY]: { runs: 50, seed: 3 } } },
              { title: 'twin: fails when G_1 is dropped', fullName: 'JT.Lem5 twin: fails when G_1 is dropped', status: 'failed', duration: 4, failureMessages: ['boom', 7] },
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
      { claimId: 'JT.Lem4', title: 'JT.Lem4 holds', file: 'properties/a.property.test.ts', status: 'passed', durationMs: 12, failureMessages: [], meta: { runs: 50, seed: 3 }, expectsCounterexample: false },
      { claimId: 'JT.Lem5', title: 'JT.Lem5 twin: fails when G_1 is dropped', file: 'properties/a.property.test.ts', status: 'failed', durationMs: 4, failureMessages: ['boom'], meta: null, expectsCounterexample: true },
    ]);
  });

  test('malformed fields fall back to safe defaults instead of failing the report', () => {
    const file = write(
      JSON.stringify({
        startTime: 'yesterday',
        testResults: [
          { name: 42, assertionResults: [{ fullName: 'DHL.Thm2.1 something', status: 'exploded', duration: '3 ms', failureMessages: 'one' }, { title: 'JT.Lem4 from the title' }] },
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
    const file = write(JSON.stringify({ testResults: [{ name: 'f', assertionResults: [{ title: 'JT.Lem4 plain name', status: 'passed', meta: { [CLAIM_META_KEY]: { expectsCounterexample: true } } }] }] }));
    expect(readVitestRun(file, IDS)!.tests[0].expectsCounterexample).toBe(true);
  });
});

describe('readVitestRun: the shards of one run', () => {
  const assertion = (title: string, status: string, duration: number) => ({ title, fullName: title, status, duration, failureMessages: [], meta: { [CLAIM_META_KEY]: { runs: 10, seed: 1 } } });
  const fileA = { name: '/repo/properties/a.property.test.ts', assertionResults: [assertion('JT.Lem4 holds', 'passed', 5), assertion('a unit test', 'passed', 1)] };
  const fileB = { name: '/repo/properties/b.property.test.ts', assertionResults: [assertion('JT.Lem5 holds', 'passed', 7), assertion('JT.Lem5 twin: fails when G_1 is dropped', 'passed', 2)] };
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
    expect(() => readVitestRun([shard1, overlapping], IDS)).toThrow(`vitest: test file ${fileA.name} is in both ${shard1} and ${overlapping}; shards of one run never share a file`);
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
    expect(claimMetaOf({ [CLAIM_META_KEY]: { runs: Number.NaN, seed: '7', expectsCounterexample: 'yes', distribution: { a: 1, b: 'x', c: Number.POSITIVE_INFINITY } } })).toEqual({ distribution: { a: 1 } });
  });
});
