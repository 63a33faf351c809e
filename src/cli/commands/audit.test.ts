import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { fixtureTrajectory } from '../../audit/fixtureRun.js';
import { buildProgram } from '../main.js';

const dir = mkdtempSync(join(tmpdir(), 'dlncheck-audit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let out: string[] = [];
beforeEach(() => {
  out = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => (out.push(String(s)), true));
  process.exitCode = undefined;
});
afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
});

async function audit(...args: string[]): Promise<{ stdout: string; exitCode: number | undefined; error: Error | null }> {
  const program = await buildProgram('audit');
  for (const c of [program, ...program.commands]) c.exitOverride();
  let error: Error | null = null;
  try {
    await program.parseAsync(['node', 'dlncheck', 'audit', ...args]);
  } catch (e) {
    error = e as Error;
  }
  return { stdout: out.join(''), exitCode: process.exitCode as number | undefined, error };
}

describe('dlncheck audit', () => {
  const good = join(dir, 'good.jsonl');
  const broken = join(dir, 'broken.jsonl');
  writeFileSync(good, fixtureTrajectory({ steps: 30 }));
  writeFileSync(broken, fixtureTrajectory({ steps: 30, fault: { kind: 'drop', layer: 0 } }));

  test('a clean run: one line per check, exit code unset (0)', async () => {
    const r = await audit(good);
    expect(r.error).toBeNull();
    expect(r.exitCode).toBeUndefined();
    expect(r.stdout.split('\n').filter((l) => /^(PASS|FAIL|N\/A|NOT REACHED) /.test(l))).toHaveLength(7);
    expect(r.stdout).toMatch(/\naudit passed\n$/);
  });

  test('a failing check sets exit code 1; --json carries the verdicts, non-finite ratios as strings', async () => {
    const r = await audit(broken, '--json');
    expect(r.exitCode).toBe(1);
    const json = JSON.parse(r.stdout) as { failed: boolean; checks: { check: string; verdict: string; worstRatio: number | string | null }[] };
    expect(json.failed).toBe(true);
    expect(json.checks.filter((c) => c.verdict === 'fail').map((c) => c.check)).toEqual(['F2', 'F3']);
    for (const c of json.checks) expect(c.worstRatio === null || typeof c.worstRatio === 'number' || ['Infinity', 'NaN'].includes(c.worstRatio)).toBe(true);
  });

  test('malformed files and missing files are one error naming the file, line and field', async () => {
    const bad = join(dir, 'bad.jsonl');
    writeFileSync(bad, fixtureTrajectory({ steps: 2 }).replace('"eta":', '"lr":'));
    expect((await audit(bad)).error?.message).toBe(`audit: ${bad}: line 2: field lr is not known; a step line has exactly step, eta and weights`);
    expect((await audit(join(dir, 'none.jsonl'))).error?.message).toBe(`audit: cannot read ${join(dir, 'none.jsonl')}: ENOENT`);
  });
});
