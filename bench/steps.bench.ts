/**
 * `npm run bench`: gradient-descent steps per second of the TypeScript trainer
 * against a NumPy implementation of the identical update, for five network
 * sizes, then the end-to-end time of `dlncheck train` (cliTrain.bench.ts).
 * bench/README.md says how to read the output.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_SEED } from '../src/verify/seed.js';
import { BENCH_SIZES, benchFixture, type BenchFixture } from './benchFixture.js';
import { benchCliTrain } from './cliTrain.bench.js';
import { flopsPerStep } from './flops.js';
import type { Rate } from './measureRate.js';

const here = dirname(fileURLToPath(import.meta.url));

/** Wall time of one timed repetition; DLNCHECK_BENCH_SECONDS overrides (e.g. 0.3 for a quick look). */
const SECONDS = Number(process.env.DLNCHECK_BENCH_SECONDS ?? 1);
/** DLNCHECK_BENCH_REPETITIONS overrides (more on a busy machine: the best of more runs is less disturbed). */
const REPETITIONS = Number(process.env.DLNCHECK_BENCH_REPETITIONS ?? 3);
/**
 * Rounds of fresh processes, TS then NumPy in each; every rate is the best over the rounds. On this kind of virtual
 * machine a whole process sometimes runs ~1.7× slower than the next one of the same code (its own exp yardstick
 * slows by the same factor), so one process per side decides a ratio by luck. DLNCHECK_BENCH_ROUNDS overrides.
 */
const ROUNDS = Number(process.env.DLNCHECK_BENCH_ROUNDS ?? 2);
/** Steps after which TS and NumPy weights are compared. */
const VERIFY_STEPS = 100;

/** The tiny net's ns/step may be at most this multiple of its step's Math.exp calls (issue 14). */
const EXP_FLOOR_TARGET = 2.5;

type Variant = 'backprop' | 'e2e-prefix' | 'e2e-vector';

interface NumpyReport {
  numpy: string;
  blas: string;
  blasRuntime: string;
  cpus: number;
  threadEnv: Record<string, string>;
  /** a ReLU size has only backprop */
  sizes: { name: string; rates: Partial<Record<Variant, Rate>>; finalWeights: Partial<Record<Variant, number[][][]>> }[];
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
  /** stepKernelChoice: which implementation ran (margin-vector, simd or reference) */
  kernel: string;
  /** one step's Math.exp calls (expCalls of them) per second, in the same process (tiny size only, else null) */
  expRate: Rate | null;
  /** the same n values through the module's e^x, per second (tiny size only) */
  moduleExpRate: Rate | null;
  expCalls: number;
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
      sizes: fixtures.map((f) => ({
        name: f.size.name,
        dims: f.size.dims,
        n: f.size.n,
        eta: f.size.eta,
        activation: f.size.activation?.kind ?? 'linear',
        x: f.x,
        y: f.y,
        weights: f.weights,
      })),
    }),
  );
  return input;
}

function runChild(what: string, cmd: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): string {
  const res = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 28, env });
  if (res.status !== 0) throw new Error(`${what}: exited with ${res.status ?? res.signal}: ${res.stderr || res.error?.message}`);
  return res.stdout;
}

/** One fresh node process per size (see tsStepsProbe.ts for why). */
function runTs(input: string, size: number, env: NodeJS.ProcessEnv = process.env): TsResult {
  const out = runChild(`bench/tsStepsProbe.ts ${size}`, process.execPath, ['--import', 'tsx', join(here, 'tsStepsProbe.ts'), input, String(size)], env);
  return JSON.parse(out) as TsResult;
}

/**
 * NumPy in the configuration it is fastest in for these sizes: one BLAS thread (as the trainer
 * has; extra threads only add synchronisation at these sizes, and the machine has two cores), and
 * no OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE override, so OpenBLAS dispatches to its own kernel for
 * this CPU. Only this child's environment changes.
 */
function runNumpy(input: string): NumpyReport {
  const env: NodeJS.ProcessEnv = { ...process.env, OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1' };
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  return JSON.parse(runChild('bench/steps_numpy.py', 'python3', [join(here, 'steps_numpy.py'), input], env)) as NumpyReport;
}

/** Each size's and variant's best rate (with its final weights) from two NumPy reports. */
function fasterOf(a: NumpyReport, b: NumpyReport): NumpyReport {
  return {
    ...a,
    sizes: a.sizes.map((sa, i) => {
      const rates = { ...sa.rates };
      const finalWeights = { ...sa.finalWeights };
      for (const v of Object.keys(sa.rates) as Variant[]) {
        const rb = b.sizes[i].rates[v];
        if (rb && rb.best > (rates[v]?.best ?? 0)) {
          rates[v] = rb;
          finalWeights[v] = b.sizes[i].finalWeights[v];
        }
      }
      return { ...sa, rates, finalWeights };
    }),
  };
}

/** Is numpy importable? Without it the bench reports the TS rates alone (pip cannot reach PyPI on every machine). */
/** The clock os.cpus() reports, or /proc/cpuinfo's "cpu MHz" where that is 0 (some virtual machines); 0 if neither says. */
function clockMHz(): number {
  const speed = cpus()[0]?.speed ?? 0;
  if (speed > 0) return speed;
  try {
    const m = /^cpu MHz\s*:\s*([\d.]+)/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    return m ? Math.round(Number(m[1])) : 0;
  } catch {
    return 0;
  }
}

function numpyAvailable(): boolean {
  return spawnSync('python3', ['-c', 'import numpy'], { encoding: 'utf8' }).status === 0;
}

const fmt = (v: number) => (v >= 100 ? Math.round(v).toLocaleString('en-US') : v.toPrecision(3));

function printTable(header: readonly string[], rows: readonly (readonly string[])[]): void {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (cells: readonly string[]) => '| ' + cells.map((s, c) => s.padEnd(widths[c])).join(' | ') + ' |';
  console.log(line(header));
  console.log('|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|');
  for (const r of rows) console.log(line(r));
}

function main(): void {
  console.log(
    `dlncheck bench: node ${process.version}, ${cpus().length} cpus, load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  console.log(
    `timing: warm-up, then best of ${REPETITIONS} runs of ~${SECONDS} s, in fresh processes, best of ${ROUNDS} rounds; η = 0.1, logistic loss, no checkpoints or observers\n`,
  );
  const fixtures = BENCH_SIZES.map((s) => benchFixture(s, DEFAULT_SEED + s.seedOffset));
  const dir = mkdtempSync(join(tmpdir(), 'dlncheck-bench-'));
  try {
    const input = writeInput(fixtures, dir);
    const withNumpy = numpyAvailable();
    let ts = fixtures.map((_, i) => runTs(input, i));
    let np = withNumpy ? runNumpy(input) : null;
    // the split-rows sizes once more on one kernel thread (DLNCHECK_KERNEL_THREADS=1; the default 'auto' takes a second
    // thread in runs this long), best of the rounds too: one core against NumPy's one
    const oneThread = { ...process.env, DLNCHECK_KERNEL_THREADS: '1' };
    const splitSizes = ts.flatMap((t, i) => (t.kernel === 'split-rows' ? [i] : []));
    let ts1 = new Map(splitSizes.map((i) => [i, runTs(input, i, oneThread)]));
    for (let round = 1; round < ROUNDS; round++) {
      const again = fixtures.map((_, i) => runTs(input, i));
      ts = ts.map((t, i) => (again[i].rate.best > t.rate.best ? again[i] : t));
      ts1 = new Map(
        [...ts1].map(([i, t]) => {
          const r = runTs(input, i, oneThread);
          return [i, r.rate.best > t.rate.best ? r : t];
        }),
      );
      if (np) np = fasterOf(np, runNumpy(input));
    }
    if (!np) {
      console.log('numpy is not importable by python3: TS rates only, no ratios (install numpy to compare)\n');
      printTable(
        ['size', 'kernel', 'TS steps/s (median)'],
        fixtures.map((fx, i) => [fx.size.name, ts[i].kernel, `${fmt(ts[i].rate.best)} (${fmt(ts[i].rate.median)})`]),
      );
      return;
    }
    const threads = Object.keys(np.threadEnv).length ? JSON.stringify(np.threadEnv) : 'no thread variables';
    console.log(`numpy ${np.numpy}, BLAS ${np.blas}; at run time: ${np.blasRuntime}; ${np.cpus} cpus, ${threads}`);
    console.log(
      `load average now ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}\n`,
    );
    const variantsOf = (i: number) => Object.keys(np.sizes[i].rates) as Variant[];
    const rateOf = (i: number, v: Variant) => np.sizes[i].rates[v] as Rate;
    const fastest = (i: number) => variantsOf(i).reduce((a, b) => (rateOf(i, b).best > rateOf(i, a).best ? b : a));

    const busy = loadavg()[0] > cpus().length / 2;
    if (busy)
      console.log(
        `WARNING: machine busy (load ${loadavg()[0].toFixed(1)} on ${cpus().length} cpus): wall-clock rates are depressed and noisy; the CPU-time ratios are the better estimate\n`,
      );

    console.log('Steps per second: TS = gradientDescent as shipped; NumPy = its fastest variant of the same update, this run; met? judged on wall time');
    printTable(
      ['size', 'TS kernel', 'TS steps/s', 'NumPy steps/s (fastest variant)', 'ratio TS/NumPy', 'same, per CPU second', 'target', 'met?'],
      fixtures.map((fx, i) => {
        const base = fastest(i);
        const npRate = rateOf(i, base);
        const ratio = ts[i].rate.best / npRate.best;
        return [
          fx.size.name,
          ts[i].kernel,
          fmt(ts[i].rate.best),
          `${fmt(npRate.best)} (${base})`,
          `${fmt(ratio)}×`,
          `${fmt(ts[i].rate.cpuBest / npRate.cpuBest)}×`,
          `≥ ${fx.size.target}×`,
          ratio >= fx.size.target ? 'yes' : 'NO',
        ];
      }),
    );

    for (const [i, t] of ts1) {
      const npBest = rateOf(i, fastest(i));
      console.log(
        `\n${fixtures[i].size.name} with DLNCHECK_KERNEL_THREADS=1 (one kernel thread): ${fmt(t.rate.best)} steps/s, ` +
          `${(t.rate.best / npBest.best).toFixed(3)}× NumPy by wall time, ${(t.rate.cpuBest / npBest.cpuBest).toFixed(3)}× per CPU second ` +
          `(target ≥ ${fixtures[i].size.target}×: ${t.rate.best / npBest.best >= fixtures[i].size.target ? 'yes' : 'NO'})`,
      );
    }

    const tiny = ts[0];
    const nsPerStep = 1e9 / tiny.rate.best;
    if (!tiny.expRate || !tiny.moduleExpRate) throw new Error('tsStepsProbe: no exp timing for the tiny size');
    const nsExp = 1e9 / tiny.expRate.best;
    console.log(
      `\n${fixtures[0].size.name}: ${nsPerStep.toFixed(0)} ns/step; its ${tiny.expCalls} Math.exp calls take ${nsExp.toFixed(0)} ns in the same process: ` +
        `${(nsPerStep / nsExp).toFixed(2)}× (target ≤ ${EXP_FLOOR_TARGET}×: ${nsPerStep / nsExp <= EXP_FLOOR_TARGET ? 'yes' : 'NO'}); ` +
        `the module's e^x of the same ${tiny.expCalls} values (two at a time, as its step computes them) takes ${(1e9 / tiny.moduleExpRate.best).toFixed(0)} ns`,
    );

    // the ceiling of one core for the module's arithmetic: two 128-bit vector operations (a multiply and an add, or
    // two of either) per cycle, two doubles each; NumPy's OpenBLAS has wider vectors and fused multiply–adds
    const mhz = clockMHz();
    const ceiling = (4 * mhz) / 1000;
    console.log(
      `\nArithmetic rate, GFLOP/s (operations of the TS association, bench/flops.ts; a multiply–add counts 2), against one core's ceiling for 128-bit SIMD without fused multiply–add: 4 × ${mhz} MHz = ${ceiling.toFixed(1)} GFLOP/s`,
    );
    printTable(
      ['size', 'flops/step', 'TS GFLOP/s', 'share of ceiling', 'NumPy (fastest) GFLOP/s', 'NumPy share of the TS ceiling'],
      fixtures.map((fx, i) => {
        const f = flopsPerStep(fx.size);
        const tsRate = (ts[i].rate.best * f) / 1e9;
        const npRate = (rateOf(i, fastest(i)).best * f) / 1e9;
        return [
          fx.size.name,
          fmt(f),
          fmt(tsRate),
          ceiling ? `${((100 * tsRate) / ceiling).toFixed(0)} %` : '—',
          fmt(npRate),
          ceiling ? `${((100 * npRate) / ceiling).toFixed(0)} %` : '—',
        ];
      }),
    );

    const allVariants: Variant[] = ['backprop', 'e2e-prefix', 'e2e-vector'];
    const cell = (i: number, v: Variant, f: (r: Rate) => string) => (np.sizes[i].rates[v] ? f(rateOf(i, v)) : '—');
    const allHeader = ['size', 'TS', ...allVariants.map((v) => `NumPy ${v}`)];
    console.log('\nAll measurements, steps per wall second, best (median)');
    printTable(
      allHeader,
      fixtures.map((fx, i) => [
        fx.size.name,
        `${fmt(ts[i].rate.best)} (${fmt(ts[i].rate.median)})`,
        ...allVariants.map((v) => cell(i, v, (r) => `${fmt(r.best)} (${fmt(r.median)})`)),
      ]),
    );
    console.log('\nSteps per CPU second (process user + system time, all threads), best');
    printTable(
      allHeader,
      fixtures.map((fx, i) => [fx.size.name, fmt(ts[i].rate.cpuBest), ...allVariants.map((v) => cell(i, v, (r) => fmt(r.cpuBest)))]),
    );

    const tol = sameUpdateTolerance();
    console.log(`\nSame update: max_k max|W_k(TS) − W_k(other)| / max|W_k(TS)| after ${VERIFY_STEPS} steps, TS = shipped kernel (tolerance ${tol})`);
    let agree = true;
    printTable(
      ['size', ...allVariants.map((v) => `NumPy ${v}`), 'agree?'],
      fixtures.map((fx, i) => {
        const ref = ts[i].finalWeights;
        const diffs = variantsOf(i).map((v) => maxRelDiff(ref, np.sizes[i].finalWeights[v] as number[][][]));
        const ok = diffs.every((d) => d / tol <= 1);
        agree &&= ok;
        return [
          fx.size.name,
          ...allVariants.map((v) => (np.sizes[i].finalWeights[v] ? maxRelDiff(ref, np.sizes[i].finalWeights[v] as number[][][]).toExponential(2) : '—')),
          ok ? 'yes' : 'NO',
        ];
      }),
    );
    if (!agree) process.exitCode = 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  if (process.env.DLNCHECK_BENCH_SKIP_CLI) return;
  console.log('');
  benchCliTrain(fixtures[0]);
}

main();
