import { existsSync, readFileSync } from 'node:fs';
import { claimMetaOf, type ClaimTestMeta } from '../claims/claimTestMeta.js';
import { regimeOf, type RegimeSummary } from '../verify/regime.js';

export type TestStatus = 'passed' | 'failed' | 'skipped' | 'pending' | 'todo';

/** One test of vitest's JSON report that names a claim. */
export interface ClaimTest {
  readonly claimId: string;
  readonly title: string;
  readonly file: string;
  readonly status: TestStatus;
  readonly durationMs: number | null;
  readonly failureMessages: readonly string[];
  readonly meta: ClaimTestMeta | null;
  /** what the test's RegimeTracker recorded (share of runs in the regime, closest value, tightness), if it has one */
  readonly regime: RegimeSummary | null;
  /** passes when a counterexample is found (ablation, twin, CEX) */
  readonly expectsCounterexample: boolean;
}

export interface VitestRun {
  readonly file: string;
  readonly startTime: number | null;
  readonly success: boolean | null;
  readonly tests: readonly ClaimTest[];
  /** tests whose name starts with no claim ID (unit tests) */
  readonly otherTests: number;
}

interface RawAssertion {
  title?: unknown;
  fullName?: unknown;
  status?: unknown;
  duration?: unknown;
  failureMessages?: unknown;
  meta?: unknown;
}

const STATUSES: readonly TestStatus[] = ['passed', 'failed', 'skipped', 'pending', 'todo'];

/**
 * The claim a test checks: the longest registry ID that starts its name and is
 * followed by the end or a character that cannot continue an ID, so
 * "DHL.Thm2.1 …" is not read as DHL.Thm2 and "JT.Thm1-rank1" not as JT.Thm1.
 */
export function claimIdOf(name: string, ids: readonly string[]): string | null {
  let best: string | null = null;
  for (const id of ids) {
    if (!name.startsWith(id)) continue;
    const next = name.charAt(id.length);
    if (next !== '' && /[A-Za-z0-9.\-_]/.test(next)) continue;
    if (best === null || id.length > best.length) best = id;
  }
  return best;
}

const EXPECTS_CEX = /\b(ablation|twin|CEX|counterexample (is )?found|finds? a counterexample|must fail|broken)\b/i;

interface RawFileResult {
  name?: unknown;
  assertionResults?: unknown;
}

interface RawRun {
  file: string;
  startTime: number | null;
  success: boolean | null;
  fileResults: RawFileResult[];
}

function readRaw(file: string): RawRun {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new SyntaxError(`${file}: not valid JSON (${(e as Error).message}); regenerate it with vitest run --reporter=json --outputFile=${file}`);
  }
  const root = raw as { startTime?: unknown; success?: unknown; testResults?: unknown };
  if (!Array.isArray(root.testResults)) throw new TypeError(`${file}: has no testResults array; is it vitest's JSON reporter output?`);
  return {
    file,
    startTime: typeof root.startTime === 'number' ? root.startTime : null,
    success: typeof root.success === 'boolean' ? root.success : null,
    fileResults: root.testResults as RawFileResult[],
  };
}

/** false when any run failed, else null when any run did not say, else true. */
function allSucceeded(runs: readonly RawRun[]): boolean | null {
  if (runs.some((r) => r.success === false)) return false;
  return runs.some((r) => r.success === null) ? null : true;
}

/**
 * Reads vitest's JSON reporter output (`vitest run --reporter=json
 * --outputFile=reports/vitest.json`); null when a single file does not exist.
 * A test is matched by its own title, else by its full name (describe blocks
 * first), so both `test('JT.Lem4 …')` and `describe('JT.Lem4', …)` work.
 *
 * Several files are the shards of one run (`vitest run --shard=i/N`, one JSON
 * file per shard): every one must exist, no test file may appear in two of
 * them, and the merge is the run vitest would have reported unsharded: test
 * files are taken in path order (in a single file too, since vitest writes
 * them in the order they finished), startTime is the earliest shard's, and
 * success holds when every shard succeeded.
 */
export function readVitestRun(files: string | readonly string[], ids: readonly string[]): VitestRun | null {
  const list = typeof files === 'string' ? [files] : [...files];
  if (list.length === 0) throw new RangeError('vitest: no JSON file given; pass one file, or one per shard');
  if (list.length === 1 && !existsSync(list[0])) return null;
  for (const f of list)
    if (!existsSync(f))
      throw new Error(`vitest: shard ${f} does not exist; a merged report needs every shard's JSON (vitest run --shard=i/N --reporter=json --outputFile=…)`);
  const dup = list.find((f, i) => list.indexOf(f) !== i);
  if (dup !== undefined) throw new RangeError(`vitest: shard ${dup} is given twice; pass each shard's JSON once`);
  const runs = list.map(readRaw);
  const owner = new Map<string, string>();
  const fileResults: RawFileResult[] = [];
  for (const run of runs)
    for (const fr of run.fileResults) {
      const name = typeof fr.name === 'string' ? fr.name : '';
      const seen = owner.get(name);
      if (name !== '' && seen !== undefined && seen !== run.file)
        throw new RangeError(`vitest: test file ${name} is in both ${seen} and ${run.file}; shards of one run never share a file (were two runs mixed?)`);
      owner.set(name, run.file);
      fileResults.push(fr);
    }
  const nameOf = (fr: RawFileResult): string => (typeof fr.name === 'string' ? fr.name : '');
  fileResults.sort((a, b) => (nameOf(a) < nameOf(b) ? -1 : nameOf(a) > nameOf(b) ? 1 : 0));
  const tests: ClaimTest[] = [];
  let otherTests = 0;
  for (const fileResult of fileResults) {
    const testFile = nameOf(fileResult);
    for (const a of (Array.isArray(fileResult.assertionResults) ? fileResult.assertionResults : []) as RawAssertion[]) {
      const title = typeof a.title === 'string' ? a.title : '';
      const fullName = typeof a.fullName === 'string' ? a.fullName : title;
      const id = claimIdOf(title, ids) ?? claimIdOf(fullName, ids);
      if (!id) {
        otherTests++;
        continue;
      }
      const meta = claimMetaOf(a.meta);
      const status = STATUSES.includes(a.status as TestStatus) ? (a.status as TestStatus) : 'skipped';
      tests.push({
        claimId: id,
        title: fullName,
        file: testFile,
        status,
        durationMs: typeof a.duration === 'number' ? a.duration : null,
        failureMessages: Array.isArray(a.failureMessages) ? a.failureMessages.filter((m): m is string => typeof m === 'string') : [],
        meta,
        regime: regimeOf(a.meta),
        expectsCounterexample: meta?.expectsCounterexample ?? EXPECTS_CEX.test(fullName.slice(id.length)),
      });
    }
  }
  const starts = runs.map((r) => r.startTime).filter((t): t is number => t !== null);
  return {
    file: list.join(', '),
    startTime: starts.length > 0 ? Math.min(...starts) : null,
    success: allSucceeded(runs),
    tests,
    otherTests,
  };
}
