import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { FAULT_META_KEY } from '../../verify/fault.js';
import type { PowerFile } from '../../verify/power.js';
import { checkoutCommit, embedBetweenMarkers, POWER_BEGIN, POWER_END, powerMarkdown, registerPower, runPower } from './power.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  vi.restoreAllMocks();
});
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'dlncheck-power-'));
  dirs.push(d);
  return d;
}

const MATRIX: PowerFile = {
  generatedAt: '2026-12-04T15:30:00.000Z',
  profile: 'default',
  commit: 'abc1234+dirty',
  faults: ['scale:1:1.01', 'frozen'],
  rows: [
    { claimId: 'JT.Thm1-risk', tests: 2, clean: 'passes', cells: { 'scale:1:1.01': 'detected', frozen: 'detected' } },
    { claimId: 'JT.Lem5', tests: 1, clean: 'passes', cells: { 'scale:1:1.01': 'missed', frozen: 'not wired' } },
  ],
};

describe('runPower', () => {
  test('one clean run and one run per fault, each with the main-test pattern and DLNCHECK_FAULT in the environment', () => {
    const calls: [Record<string, string>, string][] = [];
    const rows = runPower(['JT.Lem5'], ['scale:1:1.01', 'frozen'], (env, pattern) => {
      calls.push([env, pattern]);
      const f = env.DLNCHECK_FAULT;
      const meta = f ? { [FAULT_META_KEY]: f } : undefined;
      return { status: 0, tests: [{ title: 'JT.Lem5 INEQ: …', status: f === 'frozen' ? 'passed' : f ? 'failed' : 'passed', meta }] };
    });
    expect(calls.map(([env]) => env.DLNCHECK_FAULT)).toEqual([undefined, 'scale:1:1.01', 'frozen']);
    expect(new Set(calls.map(([, p]) => p)).size).toBe(1);
    expect(rows).toEqual([{ claimId: 'JT.Lem5', tests: 1, clean: 'passes', cells: { 'scale:1:1.01': 'detected', frozen: 'missed' } }]);
  });
});

const cli = async (...args: string[]) => {
  const program = new Command('dlncheck');
  registerPower(program);
  for (const c of [program, ...program.commands]) c.exitOverride();
  await program.parseAsync(['node', 'dlncheck', 'power', ...args]);
};

describe('powerMarkdown and the README block', () => {
  test('the table, its legend and when and how it was measured', () => {
    const md = powerMarkdown(MATRIX).split('\n');
    expect(md[0]).toBe('| claim | main tests | exact trainer | scale:1:1.01 | frozen |');
    expect(md[2]).toBe('| JT.Thm1-risk | 2 | passes | ✓ | ✓ |');
    expect(md[3]).toBe('| JT.Lem5 | 1 | passes | ✗ missed | – |');
    expect(md.at(-1)).toBe('Measured on 2026-12-04 with the default profile at commit abc1234+dirty.');
    const { generatedAt: _g, profile: _p, commit: _c, ...old } = MATRIX;
    expect(powerMarkdown(old).split('\n').at(-1)).toContain('✓ detected');
  });

  test('embedBetweenMarkers replaces only what lies between the markers, and refuses missing or repeated ones', () => {
    const text = ['# R', 'before', `${POWER_BEGIN.slice(0, 30)} (an older wording) -->`, 'old table', POWER_END, 'after'].join('\n');
    expect(embedBetweenMarkers(text, '| new |', 'R.md')).toBe(['# R', 'before', POWER_BEGIN, '', '| new |', '', POWER_END, 'after'].join('\n'));
    expect(() => embedBetweenMarkers('# R\n', 'x', 'R.md')).toThrow('power --readme: R.md needs exactly one line starting "<!-- dlncheck power: begin"');
    expect(() => embedBetweenMarkers([POWER_END, POWER_BEGIN].join('\n'), 'x', 'R.md')).toThrow('(found 1 and 1)');
    expect(() => embedBetweenMarkers([POWER_BEGIN, POWER_BEGIN, POWER_END].join('\n'), 'x', 'R.md')).toThrow('(found 2 and 1)');
  });

  test('--from reads a matrix without running anything; --markdown prints only the table; --readme embeds it', async () => {
    const dir = tempDir();
    const from = join(dir, 'power.json');
    writeFileSync(from, JSON.stringify(MATRIX));
    const readme = join(dir, 'README.md');
    writeFileSync(readme, `# R\n\n${POWER_BEGIN}\nold\n${POWER_END}\n`);
    const out: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((s) => {
      out.push(String(s));
      return true;
    });
    await cli('--from', from, '--markdown', '--readme', readme);
    expect(out.join('')).toBe(`${powerMarkdown(MATRIX)}\n`);
    expect(readFileSync(readme, 'utf8')).toBe(`# R\n\n${POWER_BEGIN}\n\n${powerMarkdown(MATRIX)}\n\n${POWER_END}\n`);
  });

  test('--from: a missing or malformed file, or claim IDs beside it, are named', async () => {
    const dir = tempDir();
    await expect(cli('--from', join(dir, 'nope.json'))).rejects.toThrow(`power --from=${join(dir, 'nope.json')} does not exist`);
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{');
    await expect(cli('--from', broken)).rejects.toThrow(`power --from=${broken} is not valid JSON`);
    const wrong = join(dir, 'wrong.json');
    writeFileSync(wrong, JSON.stringify({ faults: ['frozen'], rows: [{ claimId: 'A', tests: 1, clean: 'passes', cells: { frozen: 'maybe' } }] }));
    await expect(cli('--from', wrong)).rejects.toThrow(`${wrong}: rows[0].cells["frozen"]="maybe" must be one of`);
    await expect(cli('JT.Lem5', '--from', wrong)).rejects.toThrow('power: claim-ids (JT.Lem5) and --from=');
    writeFileSync(join(dir, 'ok.json'), JSON.stringify(MATRIX));
    await expect(cli('--from', join(dir, 'ok.json'), '--readme', join(dir, 'none.md'))).rejects.toThrow(
      `power --readme=${join(dir, 'none.md')} does not exist`,
    );
  });
});

test('checkoutCommit: the short hash of this checkout, marked when it has uncommitted changes', () => {
  expect(checkoutCommit()).toMatch(/^[0-9a-f]{7,}(\+dirty)?$/);
});

describe('dlncheck power input checks', () => {
  test('an unknown claim is named', async () => {
    await expect(cli('JT.Nope')).rejects.toThrow('power: claim-id=JT.Nope is not in the registry');
  });
  test('a malformed fault is named with its position', async () => {
    await expect(cli('JT.Lem5', '--faults', 'drop:1,spin:2')).rejects.toThrow('power --faults[1]=spin:2 has unknown kind "spin"');
  });
});
