/**
 * `npm run bench`: gradient-descent steps per second of the TypeScript trainer
 * against a NumPy implementation of the identical update, for three network
 * sizes, then the end-to-end time of `dlncheck train` (cliTrain.bench.ts).
 * bench/README.md says how to read the output.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_SEED } from '../src/verify/seed.js';
import { BENCH_SIZES, benchFixture, type BenchFixture } from './benchFixture.js';
import { benchCliTrain } from './cliTrain.bench.js';
import type { Rate } from './measureRate.js';

const here = dirname(fileURLToPath(import.meta.url));

/** Wall time of one timed repetition; DLNCHECK_BENCH_SECONDS overrides (e.g. 0.3 for a quick look). */
const SECONDS = Number(process.env.DLNCHECK_BENCH_SECONDS ?? 1);
/** DLNCHECK_BENCH_REPETITIONS overrides (more on a busy machine: the best of more runs is less disturbed). */
const REPETITIONS = Number(process.env.DLNCHECK_BENCH_REPETITIONS ?? 3);
/** Steps after which TS and NumPy weights are compared. */
const VERIFY_STEPS = 100;

/** TS/NumPy speed ratio each size must reach (the brief's targets). */
const TARGET_RATIO = [100, 2, 0.5];

type Variant = 'backprop' | 'e2e-prefix' | 'e2e-vector';
/** The two NumPy variants the baseline is chosen from: batched backprop and the algorithm the TS kernel uses. */
const BASELINE_VARIANTS: readonly Variant[] = ['backprop', 'e2e-prefix'];

interface NumpyReport {
  numpy: string;
  blas: string;
  cpus: number;
  threadEnv: Record<string, string>;
  sizes: { name: string; rates: Record<Variant, Rate>; finalWeights: Record<Variant, number[][][]> }[];
}

/**
 * How far apart two runs of the same update may end after VERIFY_STEPS steps,
 * as max_k max|ΔW_k| / max|W_k|. The two sides differ only in summation order,
 * so each step adds a relative rounding of about d·ε (d ≤ 100, ε ≈ 1.1e-16),
 * and the weights move slowly enough at η = 0.1 that these errors add rather
 * than grow: VERIFY_STEPS·d·ε ≈ 1e-12. A different update (a wrong factor, a
 * missing layer term) shows at the scale of the update itself, and on these
 * fixtures each layer moves by at least 1.7e-4 (relative) per step and 8e-3
 * over the 100 steps. 1e-10 sits between, two decades from the rounding side.
 */
function sameUpdateTolerance(): number {
  return 1e-10;
}

function maxRelDiff(a: readonly (readonly (readonly number[])[])[], b: readonly (readonly (readonly number[])[])[]): number {
  let worst = 0;
  for (let k = 0; k < a.length; k++) {
    let diff = 0;
    let scale = 0;
    for (let i = 0; i < a[k].length; i++)
      for (let j = 0; j < a[k][i].length; j++) {
        diff = Math.max(diff, Math.abs(a[k][i][j] - b[k][i][j]));
        scale = Math.max(scale, Math.abs(a[k][i][j]));
      }
    worst = Math.max(worst, diff / scale);
  }
  return worst;
}

interface TsResult {
  rate: Rate;
  finalWeights: number[][][];
}

/** The fixtures as the JSON both probes read: the TypeScript probe and steps_numpy.py. */
function writeInput(fixtures: readonly BenchFixture[], dir: string): string {
  const input = join(dir, 'steps-input.json');
  writeFileSync(
    input,
    JSON.stringify({
      seconds: SECONDS,
      repetitions: REPETITIONS,
      verifySteps: VERIFY_STEPS,
      sizes: fixtures.map((f) => ({ name: f.size.name, dims: f.size.dims, n: f.size.n, eta: f.size.eta, x: f.x, y: f.y, weights: f.weights })),
    }),
  );
  return input;
}

function runChild(what: string, cmd: string, args: readonly string[]): string {
  const res = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (res.status !== 0) throw new Error(`${what}: exited with ${res.status ?? res.signal}: ${res.stderr || res.error?.message}`);
  return res.stdout;
}

/** One fresh node process per size (see tsStepsProbe.ts for why). */
function runTs(input: string, size: number): TsResult {
  const out = runChild(`bench/tsStepsProbe.ts ${size}`, process.execPath, ['--import', 'tsx', join(here, 'tsStepsProbe.ts'), input, String(size)]);
  return JSON.parse(out) as TsResult;
}

function runNumpy(input: string): NumpyReport {
  return JSON.parse(runChild('bench/steps_numpy.py', 'python3', [join(here, 'steps_numpy.py'), input])) as NumpyReport;
}

const fmt = (v: number) => (v >= 100 ? Math.round(v).toLocaleString('en-US') : v.toPrecision(3));

function printTable(header: readonly string[], rows: readonly (readonly string[])[]): void {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (cells: readonly string[]) => `| ${cells.map((s, c) => s.padEnd(widths[c])).join(' | ')} |`;
  console.log(line(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const r of rows) console.log(line(r));
}

function main(): void {
  console.log(
    `dlncheck bench: node ${process.version}, ${cpus().length} cpus, load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  console.log(`timing: warm-up, then best of ${REPETITIONS} runs of ~${SECONDS} s; η = 0.1, logistic loss, linear activation, no checkpoints or observers\n`);
  const fixtures = BENCH_SIZES.map((s, i) => benchFixture(s, DEFAULT_SEED + i));
  const dir = mkdtempSync(join(tmpdir(), 'dlncheck-bench-'));
  try {
    const input = writeInput(fixtures, dir);
    const ts = fixtures.map((_, i) => runTs(input, i));
    const np = runNumpy(input);
    const threads = Object.keys(np.threadEnv).length ? JSON.stringify(np.threadEnv) : 'default threads';
    console.log(
      `numpy ${np.numpy}, BLAS ${np.blas}, ${np.cpus} cpus, ${threads}; load average now ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}\n`,
    );
    const variants = Object.keys(np.sizes[0].rates) as Variant[];
    const fastest = (i: number, among: readonly Variant[]) => among.reduce((a, b) => (np.sizes[i].rates[b].best > np.sizes[i].rates[a].best ? b : a));

    const busy = loadavg()[0] > cpus().length / 2;
    if (busy)
      console.log(
        `WARNING: machine busy (load ${loadavg()[0].toFixed(1)} on ${cpus().length} cpus): wall-clock rates are depressed and noisy; the CPU-time ratios are the better estimate\n`,
      );

    console.log('Steps per second: TS = gradientDescent as shipped in src/trainer; NumPy = faster of backprop and e2e-prefix; met? judged on wall time');
    const verdictRow = (i: number, tsRate: Rate, among: readonly Variant[]) => {
      const base = fastest(i, among);
      const npRate = np.sizes[i].rates[base];
      const ratio = tsRate.best / npRate.best;
      return [
        fixtures[i].size.name,
        fmt(tsRate.best),
        `${fmt(npRate.best)} (${base})`,
        `${fmt(ratio)}×`,
        `${fmt(tsRate.cpuBest / npRate.cpuBest)}×`,
        `≥ ${TARGET_RATIO[i]}×`,
        ratio >= TARGET_RATIO[i] ? 'yes' : 'NO',
      ];
    };
    const verdictHeader = ['size', 'TS steps/s', 'NumPy steps/s (best variant)', 'ratio TS/NumPy', 'same, per CPU second', 'target', 'met?'];
    printTable(
      verdictHeader,
      fixtures.map((_, i) => verdictRow(i, ts[i].rate, BASELINE_VARIANTS)),
    );

    const allHeader = ['size', 'TS', ...variants.map((v) => `NumPy ${v}`)];
    console.log('\nAll measurements, steps per wall second, best (median)');
    printTable(
      allHeader,
      fixtures.map((fx, i) => [
        fx.size.name,
        `${fmt(ts[i].rate.best)} (${fmt(ts[i].rate.median)})`,
        ...variants.map((v) => `${fmt(np.sizes[i].rates[v].best)} (${fmt(np.sizes[i].rates[v].median)})`),
      ]),
    );
    console.log('\nSteps per CPU second (process user + system time, all threads), best');
    printTable(
      allHeader,
      fixtures.map((fx, i) => [fx.size.name, fmt(ts[i].rate.cpuBest), ...variants.map((v) => fmt(np.sizes[i].rates[v].cpuBest))]),
    );

    console.log('\nAgainst the fastest of ALL NumPy variants (incl. e2e-vector, the association the TS kernel uses for one output)');
    printTable(
      verdictHeader,
      fixtures.map((_, i) => verdictRow(i, ts[i].rate, variants)),
    );

    const tol = sameUpdateTolerance();
    console.log(`\nSame update: max_k max|W_k(TS) − W_k(other)| / max|W_k(TS)| after ${VERIFY_STEPS} steps, TS = shipped kernel (tolerance ${tol})`);
    let agree = true;
    const others = variants.map((v) => `NumPy ${v}`);
    printTable(
      ['size', ...others, 'agree?'],
      fixtures.map((fx, i) => {
        const ref = ts[i].finalWeights;
        const diffs = variants.map((v) => maxRelDiff(ref, np.sizes[i].finalWeights[v]));
        const ok = diffs.every((d) => d / tol <= 1);
        agree &&= ok;
        return [fx.size.name, ...diffs.map((d) => d.toExponential(2)), ok ? 'yes' : 'NO'];
      }),
    );
    if (!agree) process.exitCode = 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  console.log('');
  benchCliTrain(fixtures[0]);
}

main();
