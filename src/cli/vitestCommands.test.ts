import { availableParallelism } from 'node:os';
import { Command } from 'commander';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test, vi } from 'vitest';
import { claim } from '../claims/registry.js';
import type { VitestTestResult } from './vitestRun.js';

// replay, ablate and sweep spawn vitest (vitestRun.runVitest), which takes
// seconds per call. Here runVitest is replaced by a stand-in that records its
// arguments and returns canned results, so what each command asks for and how
// it reads the results run in-process. The module cache is shared between test
// files (isolate: false), so the commands are imported fresh behind the mock
// and the cache is reset again afterwards.

type Run = (file: string, pattern: string, env: Record<string, string>, opts?: { quiet?: boolean }) => { status: number; tests: VitestTestResult[] };
const stand = vi.hoisted(() => ({ calls: [] as Parameters<Run>[], reply: (() => ({ status: 0, tests: [] })) as Run }));

// only the three commands, not main.js: its other commands would load vega and the figures again
let register: ((program: Command) => void)[] = [];
beforeAll(async () => {
  vi.resetModules();
  vi.doMock('./vitestRun.js', async (importOriginal) => ({
    ...(await importOriginal<typeof import('./vitestRun.js')>()),
    runVitest: (...args: Parameters<Run>) => (stand.calls.push(args), stand.reply(...args)),
    runVitestAsync: async (file: string, pattern: string, env: Record<string, string>) => (
      stand.calls.push([file, pattern, env, { quiet: true }]), stand.reply(file, pattern, env)
    ),
  }));
  register = [
    (await import('./commands/replay.js')).registerReplay,
    (await import('./commands/ablate.js')).registerAblate,
    (await import('./commands/sweep.js')).registerSweep,
  ];
  // ablate reads the stored counterexamples; their first parse (specs included) is the slow part of this file, so it
  // happens here, under the hook's limit, and not inside the first ablate test's 5 s (which it exceeded under load)
  (await import('../verify/counterexampleStore.js')).loadCounterexamples();
}, 60_000);
afterAll(() => {
  vi.doUnmock('./vitestRun.js');
  vi.resetModules();
});

let out: string[] = [];
beforeEach(() => {
  out = [];
  stand.calls = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => (out.push(String(s)), true));
  process.exitCode = undefined;
});
afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
});

async function cli(...args: string[]): Promise<{ stdout: string; exitCode: number | undefined }> {
  const program = new Command('dlncheck');
  for (const r of register) r(program);
  for (const c of [program, ...program.commands]) c.exitOverride();
  await program.parseAsync(['node', 'dlncheck', ...args]);
  return { stdout: out.join(''), exitCode: process.exitCode as number | undefined };
}

const result = (fullName: string, status: VitestTestResult['status'], failure?: string): VitestTestResult => ({
  fullName,
  title: fullName,
  status,
  failureMessages: failure ? [failure] : [],
});

describe('replay', () => {
  test('runs the claim’s property file with the seed and path in the environment; vitest’s status is the exit code', async () => {
    stand.reply = () => ({ status: 1, tests: [] });
    const r = await cli('replay', 'JT.Lem5', '--seed', '-12', '--path', '3:0:1', '--test', 'JT.Lem5 twin (G_1 dropped)');
    expect(r.exitCode).toBe(1);
    const [[file, pattern, env, opts]] = stand.calls;
    expect(file).toBe(claim('JT.Lem5').property);
    expect(new RegExp(pattern).test('suite > JT.Lem5 twin (G_1 dropped)')).toBe(true);
    expect(new RegExp(pattern).test('JT.Lem5 twin (G_1 dropped) and more')).toBe(false);
    expect(env).toEqual({ DLNCHECK_SEED: '-12', DLNCHECK_PATH: '3:0:1' });
    expect(opts?.quiet).toBeFalsy(); // the replayed failure is streamed to the terminal
  });

  test('without --test every test of the claim runs; --save turns on the counterexample store', async () => {
    stand.reply = () => ({ status: 0, tests: [] });
    const r = await cli('replay', 'DHL.Thm2.1', '--seed', '5', '--path', '0', '--save');
    expect(r.exitCode).toBe(0);
    const [[, pattern, env]] = stand.calls;
    expect(new RegExp(pattern).test('DHL.Thm2.1 some property')).toBe(true);
    expect(new RegExp(pattern).test('DHL.Thm2.10 other')).toBe(false);
    expect(env.DLNCHECK_SAVE_CEX).toBe('1');
  });
});

describe('ablate', () => {
  const id = 'JT.Thm1-risk';
  const ablations = claim(id).ablations;

  test('one vitest run per ablation, selected by its test-name prefix, with saving on and the runs and seed passed', async () => {
    stand.reply = () => ({ status: 0, tests: [result(`${id} ablation drop=x`, 'passed'), result('other', 'skipped')] });
    const r = await cli('ablate', id, '--runs', '7', '--seed', '99');
    expect(stand.calls.map(([file]) => file)).toEqual(ablations.map(() => claim(id).property));
    stand.calls.forEach(([, pattern, env, opts], i) => {
      expect(new RegExp(pattern).test(`${id} ablation drop=${ablations[i].breaks}: ${ablations[i].expect}`)).toBe(true);
      expect(env).toEqual({ DLNCHECK_SAVE_CEX: '1', DLNCHECK_RUNS: '7', DLNCHECK_SEED: '99' });
      expect(opts?.quiet).toBe(true);
    });
    const verdicts = r.stdout.split('\n').filter((l) => l.startsWith(id));
    expect(verdicts).toEqual(ablations.map((a) => `${id} drop ${a.breaks}: counterexample found — expected: ${a.expect}`));
    // stored cases of the ablation (if the database has any) are listed under their verdict
    expect(
      r.stdout
        .split('\n')
        .filter((l) => l && !l.startsWith(id))
        .every((l) => l.startsWith('    shrunk case (ablation drop=')),
    ).toBe(true);
    expect(r.exitCode).toBe(0);
  });

  test('--drop runs one ablation; a failed ablation test means none was found, with its first failure line', async () => {
    stand.reply = () => ({
      status: 1,
      tests: [
        result(`${id} ablation drop=separable: x`, 'failed', 'JT.Thm1-risk ablation drop=separable: expected fast-check to find a counterexample\nmore detail'),
      ],
    });
    const r = await cli('ablate', id, '--drop', 'separable');
    expect(stand.calls).toHaveLength(1);
    expect(stand.calls[0][2]).toEqual({ DLNCHECK_SAVE_CEX: '1' });
    expect(r.stdout).toBe(
      `${id} drop separable: none found in the default number of runs\n    JT.Thm1-risk ablation drop=separable: expected fast-check to find a counterexample\n`,
    );
    expect(r.exitCode).toBe(1);
  });

  test('the runs asked for are named when none is found; a failure without a message prints an empty line', async () => {
    stand.reply = () => ({ status: 1, tests: [result('t', 'failed')] });
    const r = await cli('ablate', id, '--drop', 'JT.A2', '--runs', '3');
    expect(r.stdout).toBe(`${id} drop JT.A2: none found in 3 runs\n    \n`);
  });

  test('no matching test in the property file is an error, not a pass', async () => {
    stand.reply = () => ({ status: 0, tests: [result('t', 'skipped')] });
    const r = await cli('ablate', id, '--drop', 'JT.A4');
    expect(r.stdout).toBe(`${id} drop JT.A4: no ablation test named "${id} ablation drop=JT.A4…" in ${claim(id).property}\n`);
    expect(r.exitCode).toBe(1);
  });

  test('a report-only ablation is reported, not claimed as a counterexample', async () => {
    stand.reply = () => ({ status: 0, tests: [result('t', 'passed')] });
    const r = await cli('ablate', 'JT.Thm4-margin');
    expect(r.stdout.split('\n')[0]).toBe('JT.Thm4-margin drop JT.A5: reported (no counterexample expected) — expected: none expected: report what is seen');
    expect(r.exitCode).toBe(0);
  });
});

describe('sweep', () => {
  test('runs the whole suite once per seed and lists every failure with its first lines', async () => {
    stand.reply = (_f, _p, env) =>
      env.DLNCHECK_SEED === '11'
        ? { status: 1, tests: [result('a', 'passed'), result('JT.Lem5 holds', 'failed', 'l1\nl2\nl3\nl4\nl5')] }
        : { status: 0, tests: [result('a', 'passed'), result('b', 'passed')] };
    const r = await cli('sweep', '--seeds', '3', '--first', '10');
    expect(stand.calls.map(([file, pattern, env, opts]) => [file, pattern, env.DLNCHECK_SEED, opts?.quiet])).toEqual([
      ['', '', '10', true],
      ['', '', '11', true],
      ['', '', '12', true],
    ]);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(/^seed 10: 2 passed, 0 failed \(\d+\.\d s\)$/);
    expect(lines[1]).toMatch(/^seed 11: 1 passed, 1 failed \(\d+\.\d s\)$/);
    expect(lines.slice(2, 7)).toEqual(['  seed 11: JT.Lem5 holds', '    l1', '    l2', '    l3', '    l4']);
    expect(r.stdout).toMatch(/\nsweep over 3 seeds: 1 failure\(s\)\n$/);
    expect(r.exitCode).toBe(1);
  });

  test('a vitest exit without failed tests (a collection error) counts as a failure', async () => {
    stand.reply = () => ({ status: 1, tests: [] });
    const r = await cli('sweep', '--seeds', '1');
    expect(r.stdout).toMatch(/^seed 1: 0 passed, 0 failed \(\d+\.\d s\) \[vitest exit 1\]\n/);
    expect(r.stdout).toMatch(/sweep over 1 seeds: 1 failure\(s\)\n$/);
    expect(r.exitCode).toBe(1);
  });

  test('--jobs 1 and --jobs 3 run the same seeds and print the same report (times aside)', async () => {
    stand.reply = (_f, _p, env) =>
      env.DLNCHECK_SEED === '2' ? { status: 1, tests: [result('JT.Lem5 holds', 'failed', 'boom')] } : { status: 0, tests: [result('a', 'passed')] };
    const times = (s: string) => s.replace(/\(\d+\.\d s\)/g, '(T s)');
    const one = await cli('sweep', '--seeds', '4', '--jobs', '1');
    const calls = stand.calls.map(([, , env]) => env.DLNCHECK_SEED);
    stand.calls = [];
    out = [];
    const three = await cli('sweep', '--seeds', '4', '--jobs', '3');
    expect(stand.calls.map(([, , env]) => env.DLNCHECK_SEED).sort()).toEqual(calls.sort());
    expect(times(three.stdout)).toBe(times(one.stdout));
    expect(three.exitCode).toBe(1);
  });

  test('the seeds running at once share the cores: each vitest gets cores / jobs workers, at least one', async () => {
    await cli('sweep', '--seeds', '2', '--jobs', '1');
    await cli('sweep', '--seeds', '2', '--jobs', '64');
    const cores = String(availableParallelism());
    expect(stand.calls.map(([, , env]) => env.DLNCHECK_WORKERS)).toEqual([cores, cores, '1', '1']);
  });

  test('--jobs must be a positive integer', async () => {
    await expect(cli('sweep', '--jobs', '0')).rejects.toThrow(/^sweep --jobs=0 must be an integer ≥ 1/);
  });

  test('zero failures exits 0', async () => {
    stand.reply = () => ({ status: 0, tests: [result('a', 'passed')] });
    const r = await cli('sweep', '--seeds', '2', '--first', '-1');
    expect(stand.calls.map(([, , env]) => env.DLNCHECK_SEED)).toEqual(['-1', '0']);
    expect(r.stdout).toMatch(/sweep over 2 seeds: zero failures\n$/);
    expect(r.exitCode).toBe(0);
  });
});
