import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { claims } from '../../claims/registry.js';
import { buildProgram } from '../main.js';

// `dlncheck report` with several shards and --compare, in-process (the report command's other paths: src/cli/cli.test.ts).

let out: string[] = [];
let dir = '';
beforeEach(() => {
  out = [];
  dir = mkdtempSync(join(tmpdir(), 'dlncheck-report-cli-'));
  vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => (out.push(String(s)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  process.exitCode = undefined;
});
afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
  rmSync(dir, { recursive: true, force: true });
});

async function report(...args: string[]): Promise<{ stdout: string; exitCode: number | undefined; error: Error | null }> {
  const program = await buildProgram('report');
  for (const c of [program, ...program.commands]) c.exitOverride().configureOutput({ writeOut: (s) => out.push(s), writeErr: (s) => out.push(s) });
  let error: Error | null = null;
  try {
    await program.parseAsync(['node', 'dlncheck', 'report', '--counterexamples', join(dir, 'none'), ...args]);
  } catch (e) {
    error = e as Error;
  }
  return { stdout: out.join(''), exitCode: process.exitCode as number | undefined, error };
}

const [first, second] = claims.map((c) => c.id);
function shard(name: string, file: string, id: string, status: string): string {
  const title = `${id} holds`;
  writeFileSync(
    join(dir, name),
    JSON.stringify({
      startTime: 1,
      success: status === 'passed',
      testResults: [{ name: file, assertionResults: [{ title, fullName: title, status, duration: 2, failureMessages: [] }] }],
    }),
  );
  return join(dir, name);
}

describe('dlncheck report --vitest shards --compare base', () => {
  test('the shards merge into one report; the comparison with itself finds nothing and exits 0', async () => {
    const files = [shard('s1.json', 'a.test.ts', first, 'passed'), shard('s2.json', 'b.test.ts', second, 'passed')];
    const base = await report('--out', join(dir, 'base'), '--vitest', ...files);
    expect(base.error).toBeNull();
    const rows = (JSON.parse(readFileSync(join(dir, 'base', 'claims.json'), 'utf8')) as { rows: { id: string; verdict: string }[] }).rows;
    expect(
      rows
        .filter((r) => r.verdict === 'verified')
        .map((r) => r.id)
        .sort(),
    ).toEqual([first, second].sort());
    out = [];
    const again = await report('--out', join(dir, 'head'), '--vitest', ...files, '--compare', join(dir, 'base', 'claims.json'));
    expect(again.error).toBeNull();
    expect(again.exitCode).toBeUndefined();
    expect(again.stdout).toContain('No verdict changed.');
  });

  test('a verdict regression is printed, appended to --compare-out, and exits 1', async () => {
    await report('--out', join(dir, 'base'), '--vitest', shard('s1.json', 'a.test.ts', first, 'passed'), shard('s2.json', 'b.test.ts', second, 'passed'));
    out = [];
    writeFileSync(join(dir, 'summary.md'), 'earlier summary\n');
    const head = await report(
      '--out',
      join(dir, 'head'),
      '--vitest',
      shard('h1.json', 'a.test.ts', first, 'failed'),
      shard('h2.json', 'b.test.ts', second, 'passed'),
      '--compare',
      join(dir, 'base', 'claims.json'),
      '--compare-out',
      join(dir, 'summary.md'),
    );
    expect(head.error).toBeNull();
    expect(head.exitCode).toBe(1);
    expect(head.stdout).toContain(`| ${first} | verified | counterexample found | **regression** |`);
    const summary = readFileSync(join(dir, 'summary.md'), 'utf8');
    expect(summary.startsWith('earlier summary\n## dlncheck: claims compared with the base run')).toBe(true);
  });

  test('a missing or broken base, a missing shard and a malformed threshold are errors naming the flag', async () => {
    const s1 = shard('s1.json', 'a.test.ts', first, 'passed');
    expect((await report('--out', dir, '--vitest', s1, '--compare', join(dir, 'nope.json'))).error?.message).toBe(
      `report: --compare=${join(dir, 'nope.json')} does not exist; pass the base run's claims.json (in CI: the main branch's report artifact)`,
    );
    writeFileSync(join(dir, 'broken.json'), '{');
    expect((await report('--out', dir, '--vitest', s1, '--compare', join(dir, 'broken.json'))).error?.message).toMatch(
      /^report: --compare=.*broken\.json is not valid JSON \(/,
    );
    expect((await report('--out', dir, '--vitest', s1, join(dir, 'missing-shard.json'))).error?.message).toMatch(
      /^vitest: shard .*missing-shard\.json does not exist/,
    );
    expect((await report('--out', dir, '--vitest', s1, '--threshold', 'power')).error?.message).toMatch(/^report: --threshold=power must be name=number/);
  });

  test('--power names a matrix elsewhere; a missing one is an error naming the flag; one in <out> is read by default', async () => {
    const s1 = shard('s1.json', 'a.test.ts', first, 'passed');
    expect((await report('--out', dir, '--vitest', s1, '--power', join(dir, 'nope.json'))).error?.message).toBe(
      `report: --power=${join(dir, 'nope.json')} does not exist; write it with dlncheck power --out ${join(dir, 'nope.json')}, or leave --power out`,
    );
    const matrix = { faults: ['frozen'], rows: [{ claimId: first, tests: 1, clean: 'passes', cells: { frozen: 'detected' } }] };
    writeFileSync(join(dir, 'elsewhere.json'), JSON.stringify(matrix));
    const r = await report('--out', join(dir, 'a'), '--vitest', s1, '--power', join(dir, 'elsewhere.json'));
    expect(r.error).toBeNull();
    expect(r.stdout).toContain(`power matrix: ${join(dir, 'elsewhere.json')} (1 claims × 1 faults)`);
    const json = JSON.parse(readFileSync(join(dir, 'a', 'claims.json'), 'utf8')) as { power: { rows: unknown[] }; rows: { id: string; power: unknown }[] };
    expect(json.power.rows).toEqual(matrix.rows);
    expect(json.rows.find((x) => x.id === first)?.power).toEqual({ frozen: 'detected' });
    writeFileSync(join(dir, 'a', 'power.json'), JSON.stringify(matrix));
    expect((await report('--out', join(dir, 'a'), '--vitest', s1)).stdout).toContain(`power matrix: ${join(dir, 'a', 'power.json')}`);
  });
});
