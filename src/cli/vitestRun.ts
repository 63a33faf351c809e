import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../projectRoot.js';

export { projectRoot };

export interface VitestTestResult {
  readonly fullName: string;
  /** the test's own name, without its describe blocks */
  readonly title: string;
  readonly status: 'passed' | 'failed' | 'skipped' | 'pending' | 'todo';
  readonly failureMessages: string[];
  readonly duration?: number;
  /** vitest task meta (claim runs, an injected fault) */
  readonly meta?: unknown;
}

/** Escapes text for vitest's -t (a regular expression). */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Runs vitest on one file with a test-name filter and extra environment
 * (seed, path, runs), streaming its output; returns per-test results.
 */
export function runVitest(file: string, namePattern: string, env: Record<string, string>, opts: { quiet?: boolean } = {}): { status: number; tests: VitestTestResult[] } {
  const out = join(mkdtempSync(join(tmpdir(), 'dlncheck-')), 'vitest.json');
  const bin = join(projectRoot, 'node_modules', 'vitest', 'vitest.mjs');
  const args = [bin, 'run', ...(file ? [file] : []), ...(namePattern ? ['-t', namePattern] : []), '--reporter=default', '--reporter=json', `--outputFile.json=${out}`];
  const res = spawnSync(process.execPath, args, {
    cwd: projectRoot,
    env: { ...process.env, ...env },
    stdio: opts.quiet ? 'pipe' : 'inherit',
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  let tests: VitestTestResult[] = [];
  try {
    const json = JSON.parse(readFileSync(out, 'utf8')) as { testResults: { assertionResults: VitestTestResult[] }[] };
    tests = json.testResults.flatMap((f) => f.assertionResults);
  } catch {
    // vitest did not get as far as writing results; status says why
  }
  return { status: res.status ?? 1, tests };
}
