/**
 * End-to-end time of `dlncheck train` for 1e5 steps on the tiny net, as a child
 * process (wall time including process start), next to the start-up cost alone
 * and the in-process breakdown from cliTrainProbe.ts. Target: < 1 s.
 * Runs as part of `npm run bench`, or alone: npx tsx bench/cliTrain.bench.ts
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DEFAULT_SEED } from '../src/verify/seed.js';
import { BENCH_SIZES, benchFixture, type BenchFixture } from './benchFixture.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const STEPS = 100_000;
const REPETITIONS = 3;
const TARGET_SECONDS = 1;

interface Timed {
  /** wall seconds of each repetition, ascending */
  readonly seconds: number[];
  readonly ok: boolean;
  /** first stderr line of a failing run */
  readonly error: string;
  readonly stdout: string;
}

function timeCommand(cmd: string, args: readonly string[]): Timed {
  const seconds: number[] = [];
  let error = '';
  let stdout = '';
  for (let r = 0; r < REPETITIONS; r++) {
    const t0 = performance.now();
    const res = spawnSync(cmd, args, { cwd: root, encoding: 'utf8' });
    seconds.push((performance.now() - t0) / 1000);
    stdout = res.stdout;
    if (res.status !== 0) {
      error = `exit ${res.status ?? res.signal}: ${(res.stderr || res.error?.message || '').split('\n').find((l) => l.trim() !== '') ?? ''}`;
      break;
    }
  }
  return { seconds: seconds.sort((a, b) => a - b), ok: error === '', error, stdout };
}

const s = (v: number) => `${v.toFixed(3)} s`;

function describe(label: string, t: Timed, target?: number): void {
  const best = t.seconds[0];
  const median = t.seconds[Math.floor(t.seconds.length / 2)];
  const verdict = target === undefined ? '' : !t.ok ? '  met? NO (run failed)' : `  met? ${best < target ? 'yes' : 'NO'} (target < ${target} s)`;
  console.log(`${label.padEnd(58)} best ${s(best)}, median ${s(median)}${verdict}${t.ok ? '' : `\n    FAILED ${t.error}`}`);
}

/** Writes the spec of the brief for `fx` (default: the tiny size) and prints the timings. */
export function benchCliTrain(fx: BenchFixture = benchFixture(BENCH_SIZES[0], DEFAULT_SEED)): void {
  const dir = mkdtempSync(join(tmpdir(), 'dlncheck-cli-bench-'));
  try {
    const spec = join(dir, 'spec.json');
    const out = join(dir, 'out.json');
    writeFileSync(
      spec,
      JSON.stringify({
        data: { x: fx.x, y: fx.y },
        network: { weights: fx.weights, activation: 'linear' },
        loss: 'logistic',
        schedule: { kind: 'constant', eta: fx.size.eta },
        steps: STEPS,
        checkpoints: [0, STEPS],
      }),
    );
    console.log(`dlncheck train, ${STEPS.toExponential(0)} steps on ${fx.size.name}, wall time of the child process (best of ${REPETITIONS})`);
    // bin/dlncheck.mjs is the installed command and what `npm run dlncheck` runs: it bundles src/ with esbuild, then runs plain JavaScript
    const train = timeCommand('node', ['bin/dlncheck.mjs', 'train', '--spec', spec, '--out', out]);
    describe('node bin/dlncheck.mjs train --spec … --out … (bundle + run)', train, TARGET_SECONDS);
    if (train.ok) {
      const res = JSON.parse(readFileSync(out, 'utf8')) as { diverged: unknown; checkpoints: { step: number; risk: number }[] };
      const last = res.checkpoints[res.checkpoints.length - 1];
      console.log(`    result: diverged=${JSON.stringify(res.diverged)}, risk at step ${last?.step} = ${last?.risk}`);
    }
    describe('npm run dlncheck -- train … (adds npm start-up)', timeCommand('npm', ['run', '-s', 'dlncheck', '--', 'train', '--spec', spec, '--out', out]));
    describe(
      'npx tsx src/cli/main.ts train … (through the TypeScript loader)',
      timeCommand('npx', ['tsx', 'src/cli/main.ts', 'train', '--spec', spec, '--out', out]),
    );
    describe('start-up only: npx tsx -e 0 (npx + node + tsx, no project code)', timeCommand('npx', ['tsx', '-e', '0']));
    describe('start-up only: node -e 0', timeCommand('node', ['-e', '0']));

    const probe = timeCommand('npx', ['tsx', 'bench/cliTrainProbe.ts', spec]);
    if (!probe.ok) {
      console.log(`in-process breakdown: FAILED ${probe.error}`);
      return;
    }
    const p = JSON.parse(probe.stdout) as Record<string, number>;
    const ms = (v: number) => `${v.toFixed(0)} ms`;
    console.log(
      `in-process (fresh process, bench/cliTrainProbe.ts, last of ${REPETITIONS}): node+tsx boot ${ms(p.startupMs)}, import src ${ms(p.importMs)}, ` +
        `parse spec ${ms(p.parseMs)}, runSpec ${ms(p.runSpecMs)} (training + max-margin QP + 2 checkpoints, cold JIT), ` +
        `serialize ${ms(p.serializeMs)}; gradientDescent alone, warm: ${ms(p.trainerWarmMs)}`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) benchCliTrain();
