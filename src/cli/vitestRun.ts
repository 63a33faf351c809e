import { spawn, spawnSync } from 'node:child_process';
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

export { escapeRegExp } from '../verify/escapeRegExp.js';

function vitestInvocation(file: string, namePattern: string): { args: string[]; out: string } {
  const out = join(mkdtempSync(join(tmpdir(), 'dlncheck-')), 'vitest.json');
  const bin = join(projectRoot, 'node_modules', 'vitest', 'vitest.mjs');
  const args = [
    bin,
    'run',
    ...(file ? [file] : []),
    ...(namePattern ? ['-t', namePattern] : []),
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${out}`,
  ];
  return { args, out };
}

function readResults(out: string): VitestTestResult[] {
  try {
    const json = JSON.parse(readFileSync(out, 'utf8')) as { testResults: { assertionResults: VitestTestResult[] }[] };
    return json.testResults.flatMap((f) => f.assertionResults);
  } catch {
    // vitest did not get as far as writing results; status says why
    return [];
  }
}

/**
 * Runs vitest on one file with a test-name filter and extra environment
 * (seed, path, runs), streaming its output; returns per-test results.
 */
export function runVitest(
  file: string,
  namePattern: string,
  env: Record<string, string>,
  opts: { quiet?: boolean } = {},
): { status: number; tests: VitestTestResult[] } {
  const { args, out } = vitestInvocation(file, namePattern);
  const res = spawnSync(process.execPath, args, {
    cwd: projectRoot,
    env: { ...process.env, ...env },
    stdio: opts.quiet ? 'pipe' : 'inherit',
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  return { status: res.status ?? 1, tests: readResults(out) };
}

/** runVitest without blocking, so several runs can go at once (sweep --jobs); its output is discarded (quiet). */
export function runVitestAsync(file: string, namePattern: string, env: Record<string, string>): Promise<{ status: number; tests: VitestTestResult[] }> {
  const { args, out } = vitestInvocation(file, namePattern);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: projectRoot, env: { ...process.env, ...env }, stdio: 'ignore' });
    child.on('error', () => resolve({ status: 1, tests: readResults(out) }));
    child.on('close', (code) => resolve({ status: code ?? 1, tests: readResults(out) }));
  });
}
