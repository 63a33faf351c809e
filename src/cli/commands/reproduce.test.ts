import { describe, expect, test } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { withoutTimes } from './reproduce.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));

describe('withoutTimes', () => {
  test('masks times in seconds and the index field, nothing else', () => {
    expect(withoutTimes('Train time 0.0585 s + 1.2e-3 s.\nFigure time: 12.0 s (seed 7).')).toBe('Train time T s + T s.\nFigure time: T s (seed 7).');
    expect(withoutTimes('{ "seconds": 0.40658338400000005,\n "files": [] }')).toBe('{ "seconds": T,\n "files": [] }');
    expect(withoutTimes('5 support vectors, scale=0.001, 2 SVG(s), at least 1 step')).toBe('5 support vectors, scale=0.001, 2 SVG(s), at least 1 step');
  });
});

describe('dlncheck reproduce all --jobs', () => {
  test('--jobs 2 (figures in child processes) writes the same files and prints the same lines as --jobs 1, times aside', () => {
    const run = (jobs: number) => {
      const out = mkdtempSync(join(tmpdir(), `dlncheck-reproduce-j${jobs}-`));
      const res = spawnSync(
        process.execPath,
        ['--import', 'tsx', 'src/cli/main.ts', 'reproduce', 'all', '--scale', '0.001', '--jobs', String(jobs), '--out', out],
        {
          cwd: root,
          encoding: 'utf8',
        },
      );
      expect(res.status, res.stderr).toBe(0);
      const files = readdirSync(out).sort();
      return { files, text: files.map((f) => withoutTimes(readFileSync(join(out, f), 'utf8'))), stdout: withoutTimes(res.stdout.split(out).join('<out>')) };
    };
    const one = run(1);
    const two = run(2);
    expect(one.files.length).toBeGreaterThan(10);
    expect(two.files).toEqual(one.files);
    for (let i = 0; i < one.files.length; i++) expect(two.text[i], one.files[i]).toBe(one.text[i]);
    expect(two.stdout).toBe(one.stdout);
  }, 180_000);
});
