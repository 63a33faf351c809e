/**
 * Child process of cliTrain.bench.ts: does what `dlncheck train --spec <file>`
 * does, in a fresh (cold-JIT) process, and prints where the time goes as JSON.
 * Usage: npx tsx bench/cliTrainProbe.ts <spec.json>
 */
import { performance } from 'node:perf_hooks';

const specPath = process.argv[2];
if (!specPath) throw new RangeError('cliTrainProbe: argv[2] (spec path) is missing; run as `npx tsx bench/cliTrainProbe.ts <spec.json>`');

const t0 = performance.now();
const { readJson } = await import('../src/cli/io.js');
const { parseSpec } = await import('../src/spec/spec.js');
const { runSpec } = await import('../src/run/recordedRun.js');
const { gradientDescent } = await import('../src/trainer/gradientDescent.js');
const t1 = performance.now();
const setup = parseSpec(readJson(specPath, '--spec'));
const t2 = performance.now();
const result = runSpec(setup);
const t3 = performance.now();
const text = JSON.stringify(result, null, 2);
const t4 = performance.now();
// the trainer alone, on the same spec; second run, so the JIT is warm
gradientDescent({ network: setup.network, data: setup.data, loss: setup.loss, schedule: setup.schedule, steps: setup.spec.steps });
const t5 = performance.now();

process.stdout.write(
  JSON.stringify({
    // performance.now() counts from process start: node boot + tsx loader until this module ran
    startupMs: t0,
    importMs: t1 - t0,
    parseMs: t2 - t1,
    runSpecMs: t3 - t2,
    serializeMs: t4 - t3,
    trainerWarmMs: t5 - t4,
    diverged: result.diverged,
    bytes: text.length,
  }),
);
