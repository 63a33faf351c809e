import { afterEach, describe, expect, test, vi } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildProgram } from '../main.js';
import { withoutTimes } from './reproduce.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));

describe('withoutTimes', () => {
  test('masks times in seconds and the index field, nothing else', () => {
    expect(withoutTimes('Train time 0.0585 s + 1.2e-3 s.\nFigure time: 12.0 s (seed 7).')).toBe('Train time T s + T s.\nFigure time: T s (seed 7).');
    expect(withoutTimes('{ "seconds": 0.40658338400000005,\n "files": [] }')).toBe('{ "seconds": T,\n "files": [] }');
    expect(withoutTimes('5 support vectors, scale=0.001, 2 SVG(s), at least 1 step')).toBe('5 support vectors, scale=0.001, 2 SVG(s), at least 1 step');
  });
});

const dirs: string[] = [];
afterEach(() => {
  vi.restoreAllMocks();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/**
 * Every file `reproduce` wrote to `out` (sorted names), times masked, and its stdout with `out` replaced by <out>, times
 * masked; in stdout's table of figure times also the padding before a time, whose width is that of the time's digits
 * (a figure that took ≥ 10 s in one run and not in the other, e.g. on a loaded machine, is not a difference).
 */
function written(out: string, stdout: string) {
  const files = readdirSync(out).sort();
  return {
    files,
    text: files.map((f) => withoutTimes(readFileSync(join(out, f), 'utf8'))),
    stdout: withoutTimes(stdout.split(out).join('<out>')).replace(/ +T s {2}/g, ' T s  '),
  };
}

describe('dlncheck reproduce all --jobs', () => {
  // --jobs 1 runs here, in this process (the figures on the main thread, as `reproduce` does with one job); --jobs 2
  // runs as the command line a user starts from the checkout (bin/dlncheck.mjs: the esbuild bundle, so the parent and
  // both figure workers start as plain JavaScript rather than each through a TypeScript loader). The two outputs come
  // from different processes, different builds of the same source and different figure orders per process, and must
  // agree byte for byte, times aside.
  test('--jobs 2 (figures in child processes) writes the same files and prints the same lines as --jobs 1, times aside', async () => {
    const args = (jobs: number, out: string) => ['reproduce', 'all', '--scale', '0.001', '--jobs', String(jobs), '--out', out];
    const tmp = (jobs: number) => {
      const d = mkdtempSync(join(tmpdir(), `dlncheck-reproduce-j${jobs}-`));
      dirs.push(d);
      return d;
    };

    const out1 = tmp(1);
    const stdout1: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => (stdout1.push(String(s)), true));
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true); // the progress bar
    await (await buildProgram('reproduce')).parseAsync(['node', 'dlncheck', ...args(1, out1)]);
    vi.restoreAllMocks();
    const one = written(out1, stdout1.join(''));

    const out2 = tmp(2);
    const res = spawnSync(process.execPath, ['bin/dlncheck.mjs', ...args(2, out2)], { cwd: root, encoding: 'utf8' });
    expect(res.status, res.stderr).toBe(0);
    const two = written(out2, res.stdout);

    expect(one.files.length).toBeGreaterThan(10);
    expect(two.files).toEqual(one.files);
    for (let i = 0; i < one.files.length; i++) expect(two.text[i], one.files[i]).toBe(one.text[i]);
    expect(two.stdout).toBe(one.stdout);
  }, 180_000);
});
