import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, test, vi } from 'vitest';
import { claims } from '../claims/registry.js';
import type { TrainResult } from '../run/recordedRun.js';
import { buildProgram, main } from './main.js';

// Every command runs in-process through buildProgram(), so v8 sees it; output
// is captured from process.stdout/stderr. Commands that spawn vitest (replay,
// ablate, sweep) are only run up to their argument checks here.

interface CliRun {
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: number | undefined;
  readonly error: Error | null;
}

// Every command's modules (vega, mathjs, the trainer) load here, once, under the hook's own time limit: the first test
// to run a command would otherwise pay the load inside its 5 s, in a worker that has not loaded them yet.
beforeAll(async () => {
  await buildProgram();
}, 60_000);

let out: string[] = [];
let err: string[] = [];
beforeEach(() => {
  out = [];
  err = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => (out.push(String(s)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => (err.push(String(s)), true));
  process.exitCode = undefined;
});
afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
});

/** `dlncheck <args>` through commander, parse errors thrown instead of exiting; the action's error is returned. */
async function cli(...args: string[]): Promise<CliRun> {
  const program = await buildProgram();
  for (const c of [program, ...program.commands]) c.exitOverride().configureOutput({ writeOut: (s) => out.push(s), writeErr: (s) => err.push(s) });
  let error: Error | null = null;
  try {
    await program.parseAsync(['node', 'dlncheck', ...args]);
  } catch (e) {
    error = e as Error;
  }
  return { stdout: out.join(''), stderr: err.join(''), exitCode: process.exitCode as number | undefined, error };
}

/** The error message a command's arguments produce (the action must throw). */
async function rejection(...args: string[]): Promise<string> {
  const r = await cli(...args);
  expect(r.error, `dlncheck ${args.join(' ')} should fail`).not.toBeNull();
  return r.error!.message;
}

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'dlncheck-cli-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const spec = (name: string): string => join('fixtures', 'specs', name);

async function train(specFile: string): Promise<TrainResult> {
  const file = join(tempDir(), 'result.json');
  const r = await cli('train', '--spec', specFile, '--out', file);
  expect(r.error).toBeNull();
  expect(r.exitCode).toBeUndefined();
  return JSON.parse(readFileSync(file, 'utf8')) as TrainResult;
}

const RECORD_FIELDS = [
  'step',
  'risk',
  'minMargin',
  'frobenius',
  'spectral',
  'normRatio',
  'adjacentAlignment',
  'productAlignment',
  'balancednessDrift',
  'cosineToMaxMargin',
];

describe('dlncheck train', () => {
  test('separable data, JT.A4 step: the result file has weights, ū and a record per checkpoint', async () => {
    const res = await train(spec('separable-depth4-logistic.json'));
    expect(Object.keys(res).sort()).toEqual(['checkpoints', 'diverged', 'maxMargin', 'weights']);
    expect(res.diverged).toBeNull();
    expect(res.weights.map((W) => [W.length, W[0].length])).toEqual([
      [2, 2],
      [2, 2],
      [2, 2],
      [1, 2],
    ]);
    expect(res.maxMargin).not.toBeNull();
    expect(Math.hypot(...res.maxMargin!.direction)).toBeCloseTo(1, 12);
    expect(res.maxMargin!.margin).toBeGreaterThan(0);
    expect(res.checkpoints.map((c) => c.step)).toEqual([0, 10, 100, 1000, 2000]);
    for (const c of res.checkpoints) {
      expect(Object.keys(c).sort()).toEqual([...RECORD_FIELDS].sort());
      expect(c.frobenius).toHaveLength(4);
      expect(c.spectral).toHaveLength(4);
      expect(c.normRatio).toHaveLength(4);
      expect(c.adjacentAlignment).toHaveLength(3);
      expect(c.balancednessDrift).toHaveLength(3);
    }
    // JT.Thm1 in miniature: the risk falls at every checkpoint, the worst margin rises, the product turns toward ū
    const risks = res.checkpoints.map((c) => c.risk);
    for (let i = 1; i < risks.length; i++) expect(risks[i]).toBeLessThan(risks[i - 1]);
    const last = res.checkpoints.at(-1)!;
    expect(last.minMargin).toBeGreaterThan(res.checkpoints[0].minMargin!);
    expect(last.cosineToMaxMargin).toBeGreaterThan(res.checkpoints[0].cosineToMaxMargin!);
    expect(res.checkpoints[0].balancednessDrift).toEqual([0, 0, 0]); // D_k(0) − D_k(0)
  });

  test('regression (squared loss, decaying step): no margins and no max-margin direction', async () => {
    const res = await train(spec('factorization-decaying.json'));
    expect(res.maxMargin).toBeNull();
    expect(res.checkpoints.map((c) => c.step)).toEqual([0, 100, 1000, 5000]);
    expect(res.checkpoints.every((c) => c.minMargin === null && c.cosineToMaxMargin === null)).toBe(true);
    expect(res.checkpoints.at(-1)!.risk).toBeLessThan(res.checkpoints[0].risk);
  });

  test('gradient flow with a mathjs loss: checkpoints are interval indices of the horizon', async () => {
    const res = await train(spec('leaky-relu-flow.json'));
    expect(res.diverged).toBeNull();
    expect(res.checkpoints.map((c) => c.step)).toEqual([0, 1, 2, 4]);
    expect(res.checkpoints.at(-1)!.risk).toBeLessThan(res.checkpoints[0].risk);
    expect(res.maxMargin?.margin).toBeGreaterThan(0);
    // a whole gradient flow through a mathjs-compiled loss, the slowest loss path by design (≈ 1–4 s here): the limit
    // only guards against a hang (speed is the benchmarks' business), so it allows for a loaded machine (seed sweeps)
  }, 30_000);

  test('--out - writes the result JSON to stdout', async () => {
    const r = await cli('train', '--spec', spec('leaky-relu-flow.json'), '--out', '-');
    expect(r.error).toBeNull();
    const res = JSON.parse(r.stdout) as TrainResult;
    expect(res.checkpoints).toHaveLength(4);
  });

  test('a diverging run still writes its result and exits with code 3', async () => {
    const dir = tempDir();
    const file = join(dir, 'diverge.json');
    const s = JSON.parse(readFileSync(spec('factorization-decaying.json'), 'utf8'));
    writeFileSync(
      file,
      JSON.stringify({
        ...s,
        network: { weights: s.network.weights.map((W: number[][]) => W.map((r) => r.map((v) => v * 1e3))) },
        schedule: { kind: 'constant', eta: 1e3 },
        steps: 200,
        checkpoints: [0],
      }),
    );
    const r = await cli('train', '--spec', file, '--out', join(dir, 'out.json'));
    expect(r.error).toBeNull();
    expect(r.exitCode).toBe(3);
    expect(r.stderr).toMatch(/^dlncheck train: diverged at step \d+ \(.+\)\n$/);
    expect(JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8')).diverged).not.toBeNull();
  });

  test('--spec is required', async () => {
    const r = await cli('train');
    expect(r.error?.message).toMatch(/required option '--spec <file>' not specified/);
  });
});

describe('dlncheck train with bad input: main() prints one line naming the field and exits 2', () => {
  const valid = (): Record<string, unknown> => JSON.parse(readFileSync(spec('separable-depth4-logistic.json'), 'utf8'));
  const cases: [string, (s: any) => unknown, RegExp][] = [
    ['η = 0', (s) => (s.schedule = { kind: 'constant', eta: 0 }), /^dlncheck: spec\.schedule\.eta: must be > 0\n$/],
    ['a label that is not ±1', (s) => (s.data.y[2] = 0), /^dlncheck: spec\.data\.y\[2\]=0 must be a label \+1 or -1\n$/],
    ['a ragged sample', (s) => (s.data.x[1] = [1]), /^dlncheck: spec\.data\.x\[1\]: length 1 must equal d=2 \(ragged array\)\n$/],
    [
      'a layer that does not fit the data',
      (s) => (s.data.x = s.data.x.map((r: number[]) => [...r, 0])),
      /^dlncheck: spec\.network\.weights\[0\]: has 2 columns but data\.x has d=3/,
    ],
    ['an unknown field', (s) => (s.seed = 1), /^dlncheck: spec\.\(root\): .*seed/],
    ['a checkpoint past the end', (s) => (s.checkpoints = [3000]), /^dlncheck: spec\.checkpoints: step 3000 is beyond steps=2000\n$/],
  ];
  test.each(cases)('%s', async (_name, edit, message) => {
    const s = valid();
    edit(s);
    const file = join(tempDir(), 'bad.json');
    writeFileSync(file, JSON.stringify(s));
    await main(['node', 'dlncheck', 'train', '--spec', file, '--out', join(tempDir(), 'never.json')]);
    expect(err.join('')).toMatch(message);
    expect(err.join('').trim().split('\n')).toHaveLength(1);
    expect(process.exitCode).toBe(2);
    expect(out.join('')).toBe('');
  });

  test('a missing file and a file that is not JSON name the path', async () => {
    await main(['node', 'dlncheck', 'train', '--spec', 'no/such/spec.json']);
    expect(err.join('')).toBe('dlncheck: --spec: cannot read no/such/spec.json: ENOENT\n');
    expect(process.exitCode).toBe(2);
    err.length = 0;
    const file = join(tempDir(), 'broken.json');
    writeFileSync(file, '{"data": ');
    await main(['node', 'dlncheck', 'train', '--spec', file]);
    expect(err.join('')).toMatch(new RegExp(`^dlncheck: --spec: ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is not valid JSON: `));
  });

  test('DLNCHECK_DEBUG=1 adds the stack trace', async () => {
    vi.stubEnv('DLNCHECK_DEBUG', '1');
    try {
      await main(['node', 'dlncheck', 'train', '--spec', 'no/such/spec.json']);
    } finally {
      vi.unstubAllEnvs();
    }
    expect(err).toHaveLength(2);
    expect(err[1]).toMatch(/^Error: --spec: cannot read .*\n\s+at /);
  });
});

describe('dlncheck claims', () => {
  test('prints a table with every registry ID and the count', async () => {
    const r = await cli('claims');
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(/^ID\s+paper\s+checks\s+hypotheses\s+ablations\s+statement$/);
    for (const c of claims) expect(lines.some((l) => l.startsWith(`${c.id} `))).toBe(true);
    expect(r.stdout).toContain(`\n${claims.length} claims.`);
    // columns line up by code point: the statement column starts at the same place on every row
    const col = lines[0].indexOf('statement');
    for (const c of claims) expect([...lines.find((l) => l.startsWith(`${c.id} `))!].slice(col).join('')).toBe(c.statement);
  });

  test('--json prints the registry itself', async () => {
    const r = await cli('claims', '--json');
    expect(JSON.parse(r.stdout)).toEqual(JSON.parse(JSON.stringify(claims)));
  });
});

describe('dlncheck report', () => {
  test('without vitest results: every claim a row, a hint how to get verdicts', async () => {
    const dir = tempDir();
    const cex = join(dir, 'cex');
    mkdirSync(cex);
    const r = await cli('report', '--out', dir, '--counterexamples', cex);
    expect(r.error).toBeNull();
    expect(existsSync(join(dir, 'index.html'))).toBe(true);
    const json = JSON.parse(readFileSync(join(dir, 'claims.json'), 'utf8')) as { rows: { id: string }[] };
    expect(json.rows.map((x) => x.id)).toEqual(claims.map((c) => c.id));
    expect(r.stdout).toMatch(/^wrote .*index\.html and .*claims\.json\n/);
    expect(r.stdout).toContain(`(no ${join(dir, 'vitest.json')}: run vitest with --reporter=json`);
  });

  test('with a vitest JSON file: verdicts are counted', async () => {
    const dir = tempDir();
    const vitestJson = join(dir, 'run.json');
    const id = claims[0].id;
    writeFileSync(
      vitestJson,
      JSON.stringify({
        startTime: 1,
        success: true,
        testResults: [
          { name: 'p.test.ts', assertionResults: [{ title: `${id} holds`, fullName: `${id} holds`, status: 'passed', duration: 3, failureMessages: [] }] },
        ],
      }),
    );
    const r = await cli('report', '--out', dir, '--vitest', vitestJson, '--counterexamples', join(dir, 'none'));
    expect(r.error).toBeNull();
    expect(r.stdout).not.toContain('(no ');
    const counts = [...r.stdout.matchAll(/^ {2}[^:]+: (\d+)$/gm)].map((m) => Number(m[1]));
    expect(counts.reduce((a, b) => a + b, 0)).toBe(claims.length);
  });
});

describe('dlncheck reproduce', () => {
  test('one figure under a budget: SVGs, a caption file with the time, and the index', async () => {
    const dir = tempDir();
    const r = await cli('reproduce', 'DHL.Fig1', '--out', dir, '--scale', '0.01', '--seed', '7');
    expect(r.error).toBeNull();
    expect(r.stdout).toMatch(/^DHL\.Fig1: wrote .*DHL\.Fig1-a-convergence\.svg, .*DHL\.Fig1-b-norm-ratio\.svg \(\d+\.\d s\)\n/);
    expect(r.stdout).toMatch(/figure times:\nDHL\.Fig1 +\d+\.\d s {2}2 SVG\(s\)\n$/);
    expect(r.stderr).toContain('DHL.Fig1: DHL Fig1');
    expect(readFileSync(join(dir, 'DHL.Fig1-a-convergence.svg'), 'utf8')).toMatch(/^<svg/);
    const caption = readFileSync(join(dir, 'DHL.Fig1.txt'), 'utf8');
    expect(caption).toMatch(/^DHL\.Fig1: DHL Fig1: .*\n\nDHL\.Fig1\. /);
    expect(caption).toContain('10 steps'); // 1000 × 0.01
    expect(caption).toContain('Budget: scale=0.01');
    expect(caption).toMatch(/Figure time: \d+\.\d s \(seed 7\)\.\n$/);
    const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as { id: string; seed: number; files: string[] }[];
    expect(index.map((e) => [e.id, e.seed, e.files.length])).toEqual([['DHL.Fig1', 7, 2]]);
  });

  test.each([
    [['SR.Fig9'], /figure id=SR\.Fig9 is not reproducible/],
    [['SR.Fig1', '--seed', '1.5'], /^reproduce: --seed=1\.5 must be an integer$/],
    [['SR.Fig1', '--scale', '0'], /^reproduce: --scale=0 must be a number > 0; use 1 for the full figures$/],
    [['SR.Fig1', '--scale', 'fast'], /^reproduce: --scale=fast must be a number > 0/],
  ])('reproduce %j is rejected: %s', async (args, message) => {
    expect(await rejection('reproduce', ...args)).toMatch(message);
  });
});

describe('commands that spawn vitest check their arguments first', () => {
  test('replay: unknown claim, bad seed, bad path', async () => {
    expect(await rejection('replay', 'JT.Nope', '--seed', '1', '--path', '0')).toMatch(/claim id=JT\.Nope is not in the registry/);
    expect(await rejection('replay', 'JT.Lem5', '--seed', '1e3', '--path', '0')).toBe('replay --seed=1e3 must be a 32-bit integer');
    expect(await rejection('replay', 'JT.Lem5', '--seed', '12', '--path', '0:a')).toBe('replay --path=0:a must look like 12:0:3 (printed with the failure)');
    expect(await rejection('replay', 'JT.Lem5', '--path', '0')).toMatch(/required option '--seed <seed>' not specified/);
  });

  test('ablate: unknown claim, a hypothesis the claim does not list, a claim without ablations', async () => {
    expect(await rejection('ablate', 'JT.Nope')).toMatch(/claim id=JT\.Nope is not in the registry/);
    expect(await rejection('ablate', 'JT.Thm1-risk', '--drop', 'JT.A9')).toBe(
      'ablate --drop=JT.A9: claim JT.Thm1-risk has no ablation of that hypothesis; it has: separable, JT.A2, JT.A1, JT.A4',
    );
    expect(await rejection('ablate', 'JT.Lem5', '--drop', 'JT.A3')).toMatch(/claim JT\.Lem5 has no ablation of that hypothesis; it has: none$/);
    const r = await cli('ablate', 'JT.Lem5');
    expect(r.error).toBeNull();
    expect(r.stdout).toBe('JT.Lem5: no ablations are listed for this claim (see docs/claims.md)\n');
  });

  test('sweep: the seed count and the first seed must be integers', async () => {
    expect(await rejection('sweep', '--seeds', '0')).toBe('sweep --seeds=0 must be a positive integer');
    expect(await rejection('sweep', '--seeds', 'x')).toBe('sweep --seeds=x must be a positive integer');
    expect(await rejection('sweep', '--seeds', '1', '--first', '0.5')).toBe('sweep --first=0.5 must be an integer');
  });
});
