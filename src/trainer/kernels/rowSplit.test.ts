import { afterAll, afterEach, describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { datasetFromArrays, type Dataset } from '../../data/dataset.js';
import { exponential } from '../../losses/exponential.js';
import { logistic } from '../../losses/logistic.js';
import { squared, type Loss } from '../../losses/loss.js';
import type { Activation } from '../../network/activation.js';
import { networkFromArrays, type Network } from '../../network/network.js';
import { backpropRiskAndGradient, createWorkspace, zerosLike } from '../gradient.js';
import { gradientDescent } from '../gradientDescent.js';
import { stepKernelChoice } from '../stepKernel.js';
import {
  AUTO_MIN_STEPS,
  AUTO_WARM_STEPS,
  AUTO_WINDOW_STEPS,
  autoKeepsWorker,
  failWorkerOnce,
  kernelThreads,
  rowSplitApplies,
  rowSplitRun,
  slowWorker,
  WORKER_WARM_STEPS,
} from './rowSplit.js';
import { kernelDisagreement } from './kernelAgreement.js';

const unit = fc.noBias(fc.integer({ min: -(2 ** 30), max: 2 ** 30 })).map((k) => k / 2 ** 30);
const matrix = (r: number, c: number) => fc.array(fc.array(unit, { minLength: c, maxLength: c }), { minLength: r, maxLength: r });

/** Random data and weights for a shape that takes the split-rows kernel (widths and n odd on purpose). */
function caseFor(dims: number[], n: number, act: Activation, loss: Loss) {
  const dL = dims[dims.length - 1];
  return fc
    .record({
      x: matrix(n, dims[0]),
      y: loss.kind === 'squared' ? matrix(n, dL) : fc.array(fc.constantFrom(-1, 1), { minLength: n, maxLength: n }),
      w: fc.tuple(...dims.slice(1).map((d, k) => matrix(d, dims[k]))),
    })
    .map(({ x, y, w }) => {
      const data = datasetFromArrays(x, y, loss.kind === 'squared' ? 'regression' : 'classification');
      const net = networkFromArrays(w, act);
      expect(rowSplitApplies(net, n, loss)).toBe(true);
      return { data, net };
    });
}

const shapes: { dims: number[]; n: number; act: Activation; loss: Loss }[] = [
  { dims: [32, 32, 32, 1], n: 256, act: { kind: 'relu' }, loss: logistic },
  { dims: [33, 41, 27, 1], n: 131, act: { kind: 'leaky', slope: 0.1 }, loss: exponential },
  { dims: [29, 45, 3], n: 201, act: { kind: 'relu' }, loss: squared },
];

const worst = new Map<string, number>();
afterAll(() => {
  // the report quotes these: the largest disagreement with the reference kernel seen per shape in this run
  for (const [shape, v] of worst) console.log(`split-rows vs reference, max relative disagreement, ${shape}: ${v.toExponential(2)}`);
});

const saved = process.env.DLNCHECK_KERNEL_THREADS;
afterEach(() => {
  if (saved === undefined) delete process.env.DLNCHECK_KERNEL_THREADS;
  else process.env.DLNCHECK_KERNEL_THREADS = saved;
});

describe('split-rows kernel', () => {
  test('applies to ReLU and leaky-ReLU nets with built-in losses and enough work per step, and only there', () => {
    const net = (act: Activation) => networkFromArrays([Array.from({ length: 32 }, () => new Array(32).fill(0.1)), [new Array(32).fill(0.1)]], act);
    expect(rowSplitApplies(net({ kind: 'relu' }), 256, logistic)).toBe(true);
    expect(rowSplitApplies(net({ kind: 'leaky', slope: 0.2 }), 256, squared)).toBe(true);
    expect(rowSplitApplies(net({ kind: 'tanh' }), 256, logistic)).toBe(false);
    expect(rowSplitApplies(net({ kind: 'linear' }), 256, logistic)).toBe(false);
    expect(rowSplitApplies(net({ kind: 'relu' }), 63, logistic)).toBe(false);
    // 1056 multiply–adds per sample: 248 samples are below 2^18 per step
    expect(rowSplitApplies(net({ kind: 'relu' }), 248, logistic)).toBe(false);
    expect(rowSplitApplies(net({ kind: 'relu' }), 256, { ...logistic })).toBe(false);
    expect(stepKernelChoice(net({ kind: 'relu' }), logistic, 256)).toBe('split-rows');
  });

  test('DLNCHECK_KERNEL_THREADS: auto (the default), 1 or 2, anything else is an error naming it', () => {
    expect(kernelThreads({})).toBe('auto');
    expect(kernelThreads({ DLNCHECK_KERNEL_THREADS: 'auto' })).toBe('auto');
    expect(kernelThreads({ DLNCHECK_KERNEL_THREADS: '1' })).toBe(1);
    expect(kernelThreads({ DLNCHECK_KERNEL_THREADS: '2' })).toBe(2);
    expect(() => kernelThreads({ DLNCHECK_KERNEL_THREADS: '3' })).toThrow(/DLNCHECK_KERNEL_THREADS=3: must be 1, 2 or auto/);
    // the test runner's workers fill the cores, so tests run on one kernel thread unless told otherwise (vitest.setup.ts)
    expect(kernelThreads()).toBe(saved === undefined || saved === '1' ? 1 : kernelThreads({ DLNCHECK_KERNEL_THREADS: saved }));
  });

  test("'auto' keeps the worker only when its timed steps took at most 0.9 of the steps on one thread", () => {
    expect(autoKeepsWorker(100, 60)).toBe(true);
    expect(autoKeepsWorker(100, 90)).toBe(true);
    expect(autoKeepsWorker(100, 90.01)).toBe(false);
    expect(autoKeepsWorker(100, 130)).toBe(false);
  });

  test("'auto': a short run never starts the worker; a long one tries it after its first steps; the bits are those of one thread", () => {
    const [c] = fc.sample(caseFor(shapes[0].dims, shapes[0].n, shapes[0].act, shapes[0].loss), { numRuns: 1, seed: 11 }) as { data: Dataset; net: Network }[];
    const one = rowSplitRun(createWorkspace(c.net.dims, c.data.n), c.net, c.data, logistic, 1);
    const short = rowSplitRun(createWorkspace(c.net.dims, c.data.n), c.net, c.data, logistic, 'auto', AUTO_MIN_STEPS - 1);
    const long = rowSplitRun(createWorkspace(c.net.dims, c.data.n), c.net, c.data, logistic, 'auto', AUTO_MIN_STEPS);
    let shortUsed = false;
    let longUsed = -1;
    // the trial starts once the worker has booted (tens of milliseconds), so allow a few thousand steps for it
    for (let t = 0; t < 3000 && (longUsed < 0 || t < longUsed + 20); t++) {
      const want = t % 97 === 0 || t === longUsed + 10;
      const r = one.evaluate(want);
      expect(Object.is(short.evaluate(want), r)).toBe(true);
      expect(Object.is(long.evaluate(want), r)).toBe(true);
      shortUsed ||= short.usesWorker;
      if (longUsed < 0 && long.usesWorker) longUsed = t;
      if (want) one.grads.forEach((g, k) => expect(Array.from(long.grads[k])).toEqual(Array.from(g)));
      const s = one.step(0.01);
      expect(Object.is(short.step(0.01), s)).toBe(true);
      expect(Object.is(long.step(0.01), s)).toBe(true);
    }
    expect(shortUsed).toBe(false);
    // not before the AUTO_WARM_STEPS + AUTO_WINDOW_STEPS steps timed on this thread
    expect(longUsed).toBeGreaterThanOrEqual(AUTO_WARM_STEPS + AUTO_WINDOW_STEPS);
  });

  test.each(shapes)('agrees with the reference kernel to 1e-12 relative: $act.kind, $loss.name, dims $dims, n=$n', ({ dims, n, act, loss }) => {
    // the bound of kernels.test.ts (sums of ≤ n terms in another order; the split adds one more addition per entry)
    fc.assert(
      fc.property(caseFor(dims, n, act, loss), ({ data, net }) => {
        const ws = createWorkspace(net.dims, data.n);
        const run = rowSplitRun(ws, net, data, loss, 1);
        const r = run.evaluate(true);
        const ref = zerosLike(net);
        const wr = createWorkspace(net.dims, data.n);
        const rr = backpropRiskAndGradient(wr, net, data, loss, ref, true);
        let seen = kernelDisagreement(Float64Array.of(r), Float64Array.of(rr));
        for (let k = 0; k < ref.length; k++) seen = Math.max(seen, kernelDisagreement(run.grads[k], ref[k]));
        seen = Math.max(seen, kernelDisagreement(ws.outputs, wr.outputs));
        const key = `${act.kind}, ${loss.name}, [${dims.join(',')}] n=${n}`;
        worst.set(key, Math.max(worst.get(key) ?? 0, seen));
        expect(seen).toBeLessThanOrEqual(1e-12);
      }),
      { numRuns: 5 },
    );
  });

  test.each(shapes)('gives the same bits with one thread and with two: $act.kind, $loss.name, dims $dims, n=$n', ({ dims, n, act, loss }) => {
    fc.assert(
      fc.property(caseFor(dims, n, act, loss), ({ data, net }) => {
        const one = rowSplitRun(createWorkspace(net.dims, data.n), net, data, loss, 1);
        const two = rowSplitRun(createWorkspace(net.dims, data.n), net, data, loss, 2);
        expect([one.usesWorker, two.usesWorker]).toEqual([false, true]);
        for (let t = 0; t < 6; t++) {
          const want = t % 3 === 0;
          expect(Object.is(one.evaluate(want), two.evaluate(want))).toBe(true);
          one.grads.forEach((g, k) => expect(Array.from(two.grads[k])).toEqual(Array.from(g)));
          expect(Object.is(one.step(0.05), two.step(0.05))).toBe(true);
        }
      }),
      { numRuns: 3 },
    );
  });

  test('a descent run gives the same result with DLNCHECK_KERNEL_THREADS 1 and 2, interleaved with another split run (the worker changes hands)', () => {
    const [a, b] = fc.sample(caseFor(shapes[0].dims, shapes[0].n, shapes[0].act, shapes[0].loss), { numRuns: 2, seed: 7 }) as { data: Dataset; net: Network }[];
    const descend = (c: { data: Dataset; net: Network }, onCheckpoint?: () => void) =>
      gradientDescent({
        network: c.net,
        data: c.data,
        loss: logistic,
        schedule: { kind: 'constant', eta: 0.5 },
        steps: 30,
        checkpoints: [10, 20],
        onCheckpoint,
      });
    process.env.DLNCHECK_KERNEL_THREADS = '1';
    const alone = descend(a);
    process.env.DLNCHECK_KERNEL_THREADS = '2';
    // a second run at each checkpoint of the first takes the worker; the first must hand it its own block again
    const together = descend(a, () => void descend(b));
    expect(together.finalRisk).toBe(alone.finalRisk);
    together.network.weights.forEach((w, k) => expect(Array.from(w)).toEqual(Array.from(alone.network.weights[k])));
  });

  /** Runs `run` and a one-thread run of the same case in step, checking every risk, gradient and update bit for bit; `watch` sees the run after each step. */
  function lockstep(c: { data: Dataset; net: Network }, run: ReturnType<typeof rowSplitRun>, steps: number, watch: (t: number) => void) {
    const one = rowSplitRun(createWorkspace(c.net.dims, c.data.n), c.net, c.data, logistic, 1);
    for (let t = 0; t < steps; t++) {
      const want = t % 50 === 0;
      expect(Object.is(run.evaluate(want), one.evaluate(want))).toBe(true);
      if (want) one.grads.forEach((g, k) => expect(Array.from(run.grads[k])).toEqual(Array.from(g)));
      expect(Object.is(run.step(0.01), one.step(0.01))).toBe(true);
      watch(t);
    }
  }

  test('a worker that keeps arriving late: from its 257th step with a block, eight late steps in a row hand both blocks to this thread; the bits do not change', () => {
    const [c] = fc.sample(caseFor(shapes[0].dims, shapes[0].n, shapes[0].act, shapes[0].loss), { numRuns: 1, seed: 5 }) as { data: Dataset; net: Network }[];
    const two = rowSplitRun(createWorkspace(c.net.dims, c.data.n), c.net, c.data, logistic, 2);
    // 1 ms per step: far more than twice this thread's block (~0.1 ms), as a worker waiting for a busy core
    expect(slowWorker(1000)).toBe(true);
    let firstHere = -1;
    try {
      lockstep(c, two, WORKER_WARM_STEPS + 40, (t) => {
        if (firstHere < 0 && two.bothBlocksHere) firstHere = t;
      });
    } finally {
      slowWorker(0);
    }
    // steps 0 … WORKER_WARM_STEPS − 1 are not judged; the next eight are late, and after the eighth this thread takes
    // over (later if a busy machine stretched one of this thread's own blocks past half the worker's delay)
    expect(firstHere).toBeGreaterThanOrEqual(WORKER_WARM_STEPS + 7);
    expect(firstHere).toBeLessThan(WORKER_WARM_STEPS + 40);
    expect(two.usesWorker).toBe(true);
  });

  test("'auto' drops a worker whose steps are slower than this thread's, and keeps the bits", () => {
    const [c] = fc.sample(caseFor(shapes[0].dims, shapes[0].n, shapes[0].act, shapes[0].loss), { numRuns: 1, seed: 6 }) as { data: Dataset; net: Network }[];
    const auto = rowSplitRun(createWorkspace(c.net.dims, c.data.n), c.net, c.data, logistic, 'auto', AUTO_MIN_STEPS);
    // 2 ms per worker step: its timed steps take far more than 0.9 of this thread's even on a busy machine
    expect(slowWorker(2000)).toBe(true);
    let tried = -1;
    let dropped = -1;
    try {
      // the worker has booted in an earlier test, so the trial starts right after the steps timed here
      lockstep(c, auto, 2 * (AUTO_WARM_STEPS + AUTO_WINDOW_STEPS) + 10, (t) => {
        if (tried < 0 && auto.usesWorker) tried = t;
        if (tried >= 0 && dropped < 0 && !auto.usesWorker) dropped = t;
      });
    } finally {
      slowWorker(0);
    }
    expect(tried).toBe(AUTO_WARM_STEPS + AUTO_WINDOW_STEPS);
    expect(dropped).toBe(tried + AUTO_WARM_STEPS + AUTO_WINDOW_STEPS);
  });

  // last: afterwards this process has no worker thread
  test('a worker that fails is reported as an error naming DLNCHECK_KERNEL_THREADS, and later runs compute both blocks on the main thread', () => {
    const error = failWorkerOnce();
    expect(error?.message).toMatch(/worker thread failed \(DLNCHECK_KERNEL_THREADS=1 avoids it\): Error: failure requested by failWorkerOnce/);
    const [c] = fc.sample(caseFor(shapes[0].dims, shapes[0].n, shapes[0].act, shapes[0].loss), { numRuns: 1, seed: 3 }) as { data: Dataset; net: Network }[];
    const run = rowSplitRun(createWorkspace(c.net.dims, c.data.n), c.net, c.data, logistic, 2);
    expect(run.usesWorker).toBe(false);
    expect(Number.isFinite(run.evaluate(true))).toBe(true);
  });
});
