import { existsSync, readFileSync } from 'node:fs';
import { claimMetaOf, type ClaimTestMeta } from '../claims/claimTestMeta.js';

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

/**
 * Reads vitest's JSON reporter output (`vitest run --reporter=json
 * --outputFile=reports/vitest.json`); null when the file does not exist.
 * A test is matched by its own title, else by its full name (describe blocks
 * first), so both `test('JT.Lem4 …')` and `describe('JT.Lem4', …)` work.
 */
export function readVitestRun(file: string, ids: readonly string[]): VitestRun | null {
  if (!existsSync(file)) return null;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new SyntaxError(`${file}: not valid JSON (${(e as Error).message}); regenerate it with vitest run --reporter=json --outputFile=${file}`);
  }
  const root = raw as { startTime?: unknown; success?: unknown; testResults?: unknown };
  if (!Array.isArray(root.testResults)) throw new TypeError(`${file}: has no testResults array; is it vitest's JSON reporter output?`);
  const tests: ClaimTest[] = [];
  let otherTests = 0;
  for (const fileResult of root.testResults as { name?: unknown; assertionResults?: unknown }[]) {
    const testFile = typeof fileResult.name === 'string' ? fileResult.name : '';
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
        expectsCounterexample: meta?.expectsCounterexample ?? EXPECTS_CEX.test(fullName.slice(id.length)),
      });
    }
  }
  return {
    file,
    startTime: typeof root.startTime === 'number' ? root.startTime : null,
    success: typeof root.success === 'boolean' ? root.success : null,
    tests,
    otherTests,
  };
}
