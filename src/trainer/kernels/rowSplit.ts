import { availableParallelism } from 'node:os';
import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from 'node:worker_threads';
import type { Dataset } from '../../data/dataset.js';
import type { Loss } from '../../losses/loss.js';
import type { Network } from '../../network/network.js';
import type { GradientWorkspace } from '../gradient.js';
import { builtinLossCode, EXP_CONSTANTS_BYTES } from './moduleTables.js';
import { denseModule, instantiate } from './simd.js';

/**
 * Back-propagation over two blocks of rows, one per core: a ReLU or leaky-ReLU net with many samples spends its step
 * in products whose work is proportional to n, and one core's 128-bit arithmetic is already nearly saturated
 * (bench/README.md), so the second core is the way to go faster. The sample is cut at a fixed row h (even, about n/2),
 * each block runs rowHalfGradient (wasm/rowHalf.ts: the SIMD kernel's products on its rows) on a module instance of
 * its own, and G_k = G_k(first block) + G_k(second block).
 *
 * The cut and the sum depend on the shape alone, never on whether a second thread is there: with one thread the main
 * thread runs both blocks, and the bits are the same (kernelThreads says when the worker is used).
 * They differ from the single-block SIMD kernel's in rounding only (the unit test bounds the difference against the
 * reference kernel as kernels.test.ts does).
 *
 * The second block lives in a worker thread that owns a copy of the block's memory. Per step the main thread writes
 * W_k into a shared buffer and raises a flag; the worker copies them in, runs its block and writes its G_k, outputs and
 * margins back. Both spin on the flag for 20,000 reads (tens of microseconds; a step takes ~100–200 µs and a futex
 * wake-up tens of microseconds), then sleep on it, so an idle worker costs nothing.
 */

/** Smallest per-step work (multiply–adds n·Σ d_k d_{k−1}) worth splitting: below it the hand-off costs more than it saves. */
export const SPLIT_MIN_WORK = 1 << 18;
/** Smallest sample split (each block gets at least half of it). */
export const SPLIT_MIN_ROWS = 64;

/** Whether a shape, activation and loss take the split-rows kernel (chosen from these alone, so the bits never depend on the machine). */
export function rowSplitApplies(net: Network, n: number, loss: Loss): boolean {
  const act = net.activation.kind;
  if ((act !== 'relu' && act !== 'leaky') || builtinLossCode(loss) === 0 || n < SPLIT_MIN_ROWS) return false;
  let work = 0;
  for (let k = 1; k < net.dims.length; k++) work += net.dims[k] * net.dims[k - 1];
  return work * n >= SPLIT_MIN_WORK;
}

/**
 * Threads the kernel may use, from DLNCHECK_KERNEL_THREADS: 1, 2, or 'auto' (unset or "auto", the default).
 * - 1: the main thread runs both blocks.
 * - 2: a worker thread runs the second block from the first step.
 * - 'auto': a run planned for at least AUTO_MIN_STEPS steps on a machine with a second core tries the worker after
 *   its first steps and keeps it only when its steps got faster (autoKeepsWorker). Short runs never start it: the
 *   thorough profile on one vitest worker took 498 s with the worker on every run against 380 s without.
 * Where other workers already fill the cores (vitest's workers, `reproduce --jobs` ≥ 2) the runner sets 1.
 */
export type KernelThreads = 1 | 2 | 'auto';

export function kernelThreads(env: NodeJS.ProcessEnv = process.env): KernelThreads {
  const raw = env.DLNCHECK_KERNEL_THREADS;
  if (raw === undefined || raw === '' || raw === 'auto') return 'auto';
  if (raw === '1') return 1;
  if (raw === '2') return 2;
  throw new RangeError(`DLNCHECK_KERNEL_THREADS=${raw}: must be 1, 2 or auto`);
}

/** steps after the worker gets a block before its lateness counts (the fallback in rowSplitRun) */
export const WORKER_WARM_STEPS = 256;
/**
 * 'auto': only runs planned for this many steps try the worker. The worker boots while this thread keeps stepping, so a
 * try costs little; at the bench's ReLU size a 2,000-step run took 428–544 ms with 'auto' against 448–508 ms on one
 * thread (same process, after a warm-up run), and a 20,000-step run 2.5 s against 4.4 s.
 */
export const AUTO_MIN_STEPS = 2000;
/**
 * 'auto': after AUTO_WARM_STEPS steps the worker is started and AUTO_WINDOW_STEPS steps are timed on this thread; once
 * it has booted it gets the second block, AUTO_WARM_STEPS more steps pass untimed (its code is cold at first) and
 * AUTO_WINDOW_STEPS are timed with it.
 */
export const AUTO_WARM_STEPS = 200;
export const AUTO_WINDOW_STEPS = 200;

/**
 * 'auto' keeps the worker when the timed steps with it took at most 0.9 of the same number of steps on one thread: a
 * gain below 10 % is within this machine's step-to-step noise, and the worker then only adds load.
 */
export function autoKeepsWorker(aloneMs: number, withWorkerMs: number): boolean {
  return withWorkerMs <= 0.9 * aloneMs;
}

interface RowHalfExports {
  rowHalfGradient(table: number): void;
  storeExpConstants(at: number): void;
  allFinite(at: number, len: number): number;
  /** x += y over len doubles (byte offsets) */
  addInPlace(x: number, y: number, len: number): void;
  /** as stepSums.ts's functions of the same names, on byte offsets: the same bits */
  sumOfSquares(a: number, len: number): number;
  stepAndSumOfSquares(w: number, g: number, eta: number, len: number): number;
}

/** One block's memory: the table, its rows of x and y, and every buffer rowHalfGradient reads or writes. */
interface Block {
  readonly memory: WebAssembly.Memory;
  readonly fn: RowHalfExports;
  readonly rows: number;
  /** byte offsets and lengths (in doubles) of the contiguous spans W_1..W_L, G_1..G_L, the outputs a_L and the margins */
  readonly wAt: number;
  readonly wLen: number;
  readonly gAt: number;
  readonly gLen: number;
  /** where the first block receives the second block's G span (for the sum, in the module) */
  readonly gOtherAt: number;
  readonly outAt: number;
  readonly outLen: number;
  readonly marginsAt: number;
  readonly bytes: number;
  /** offsets of W_k and G_k within their spans (doubles) */
  readonly layerAt: number[];
}

const DIMS = 16;

function layoutBlock(net: Network, data: Dataset, from: number, to: number, loss: Loss, invN: number): Block {
  const dims = net.dims;
  const L = dims.length - 1;
  const d0 = dims[0];
  const dL = dims[L];
  const rows = to - from;
  const maxD = Math.max(...dims);
  // dims, W, G, a, φ', the masks of a and of δ, and L + 1 words of scratch (layout in wasm/rowHalf.ts)
  const words = DIMS + (L + 1) + 3 * L + 3 * (L - 1) + (L + 1);
  let bytes = Math.ceil(words / 4) * 16;
  const take = (doubles: number) => {
    const at = bytes;
    bytes += Math.ceil(doubles / 2) * 16;
    return at;
  };
  const K = take(EXP_CONSTANTS_BYTES / 8);
  const xAt = take(rows * d0);
  const yAt = take(rows * dL);
  const marginsAt = take(rows);
  const d0At = take(rows * maxD);
  const d1At = take(rows * maxD);
  // W and G spans: each layer 16-byte aligned inside its span
  const layerAt: number[] = [];
  let span = 0;
  for (let k = 1; k <= L; k++) {
    layerAt.push(span);
    span += Math.ceil((dims[k] * dims[k - 1]) / 2) * 2;
  }
  const wAt = take(span);
  const gAt = take(span);
  const gOtherAt = take(span);
  const aAt: number[] = [];
  for (let k = 1; k <= L; k++) aAt.push(take(rows * dims[k]));
  const pAt: number[] = [];
  for (let k = 1; k < L; k++) pAt.push(take(rows * dims[k]));
  const aMaskAt: number[] = [];
  for (let k = 1; k < L; k++) aMaskAt.push(take(rows * Math.ceil(dims[k] / 64)));
  const dMaskAt: number[] = [];
  for (let k = 1; k < L; k++) dMaskAt.push(take(rows * Math.ceil(dims[k] / 64)));
  let widest = 0;
  for (let k = 1; k <= L; k++) widest = Math.max(widest, dims[k] * dims[k - 1]);
  const wtAt = take(widest);
  const { memory, fn: exports } = instantiate(bytes);
  const fn = exports as unknown as RowHalfExports;
  const table = new Int32Array(memory.buffer, 0, words);
  table.set([L, rows, builtinLossCode(loss), xAt, yAt, marginsAt, K, d0At, d1At]);
  const f64 = new Float64Array(memory.buffer);
  f64[5] = net.activation.kind === 'leaky' ? net.activation.slope : 0;
  f64[6] = invN;
  for (let k = 0; k <= L; k++) table[DIMS + k] = dims[k];
  const wWord = DIMS + L + 1;
  for (let k = 0; k < L; k++) {
    table[wWord + k] = wAt + layerAt[k] * 8;
    table[wWord + L + k] = gAt + layerAt[k] * 8;
    table[wWord + 2 * L + k] = aAt[k];
  }
  for (let k = 0; k < L - 1; k++) {
    table[wWord + 3 * L + k] = pAt[k];
    table[wWord + 3 * L + (L - 1) + k] = aMaskAt[k];
    table[wWord + 3 * L + 2 * (L - 1) + k] = dMaskAt[k];
  }
  table[9] = net.activation.kind === 'relu' ? 0 : 1;
  table[14] = wtAt;
  fn.storeExpConstants(K);
  f64.set(data.x.subarray(from * d0, to * d0), xAt / 8);
  f64.set(data.y.subarray(from * dL, to * dL), yAt / 8);
  table[15] = fn.allFinite(xAt, rows * d0);
  return { memory, fn, rows, wAt, wLen: span, gAt, gLen: span, gOtherAt, outAt: aAt[L - 1], outLen: rows * dL, marginsAt, bytes, layerAt };
}

/** The worker's program: wait for a command, run the block, hand back G, outputs and margins. Plain JavaScript, no imports of ours. */
const WORKER_SOURCE = `
const { workerData, receiveMessageOnPort } = require('node:worker_threads');
const flag = new Int32Array(workerData.flag);
const port = workerData.port;
Atomics.store(flag, 2, 1);
let fn = null, f64 = null, stage = null, lay = null, delayUs = 0;
for (;;) {
  let cmd, spins = 0;
  while ((cmd = Atomics.load(flag, 0)) === 0) if (++spins > 20000) { Atomics.wait(flag, 0, 0); spins = 0; }
  if (cmd === 3) break;
  try {
    if (cmd === 4) throw new Error('failure requested by failWorkerOnce');
    if (cmd === 5) delayUs = Atomics.load(flag, 3);
    else if (cmd === 1) {
      const m = receiveMessageOnPort(port).message;
      const memory = new WebAssembly.Memory({ initial: m.pages });
      new Uint8Array(memory.buffer).set(new Uint8Array(m.image));
      fn = new WebAssembly.Instance(m.module, { env: { memory } }).exports;
      f64 = new Float64Array(memory.buffer);
      stage = new Float64Array(m.stage);
      lay = m.layout;
      lay.w = f64.subarray(lay.wAt / 8, lay.wAt / 8 + lay.wLen);
      lay.sw = stage.subarray(0, lay.wLen);
      lay.g = f64.subarray(lay.gAt / 8, lay.gAt / 8 + lay.gLen);
      lay.out = f64.subarray(lay.outAt / 8, lay.outAt / 8 + lay.outLen);
      lay.margins = f64.subarray(lay.marginsAt / 8, lay.marginsAt / 8 + lay.rows);
    } else {
      if (delayUs > 0) for (const until = performance.now() + delayUs / 1000; performance.now() < until; );
      lay.w.set(lay.sw);
      fn.rowHalfGradient(0);
      stage.set(lay.g, lay.wLen);
      stage.set(lay.out, lay.wLen + lay.gLen);
      stage.set(lay.margins, lay.wLen + lay.gLen + lay.outLen);
    }
  } catch (e) {
    // reported, not thrown: the main thread waits on the flag and would never hear of a dead worker
    Atomics.store(flag, 1, 1);
    port.postMessage(String(e && e.stack || e));
  }
  Atomics.store(flag, 0, 0);
  Atomics.notify(flag, 0);
}
`;

const SETUP = 1;
const RUN = 2;
/** a command the worker answers with an error (for the test that errors reach the main thread) */
const FAIL = 4;
/** a command that makes the worker's later steps slower (for the tests of a late worker) */
const SLOW = 5;

interface Helper {
  readonly worker: Worker;
  readonly flag: Int32Array;
  readonly port: MessagePort;
  /** the block the worker holds now (a run re-sends its own when another run took the worker) */
  owner: object | null;
}

let helper: Helper | null | undefined;

/** The process's worker thread, started on first use; null when worker threads cannot start. */
function helperThread(): Helper | null {
  if (helper !== undefined) return helper;
  try {
    const flag = new Int32Array(new SharedArrayBuffer(16));
    const { port1, port2 } = new MessageChannel();
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { flag: flag.buffer, port: port2 }, transferList: [port2] });
    // the process may exit while the worker waits; errors would leave the flag raised, so the wait below checks for them
    worker.unref();
    worker.on('error', () => {
      helper = null;
    });
    helper = { worker, flag, port: port1, owner: null };
  } catch {
    helper = null;
  }
  return helper;
}

/**
 * Wait until the worker lowers the flag: spin a little (the two blocks take about the same time, so the worker is
 * usually done within microseconds of the main thread), then sleep on the flag, so that a machine busy with other work
 * costs a wake-up per step rather than a spinning core.
 */
function awaitWorker(h: Helper): void {
  let spins = 0;
  for (let state = Atomics.load(h.flag, 0); state !== 0; state = Atomics.load(h.flag, 0)) {
    if (++spins < 20000) continue;
    if (Atomics.wait(h.flag, 0, state, 1000) === 'timed-out' && helper !== h)
      throw new Error('split-rows kernel: the worker thread stopped (see its error above)');
  }
  if (Atomics.load(h.flag, 1) !== 0) {
    // the worker caught an error and said why; later runs compute both blocks on this thread
    const why = receiveMessageOnPort(h.port)?.message;
    helper = null;
    throw new Error(`split-rows kernel: the worker thread failed (DLNCHECK_KERNEL_THREADS=1 avoids it): ${why}`);
  }
}

/**
 * Makes the worker fail its next command, as a worker error would, and returns the main thread's error: the unit test's
 * check that a failing worker is reported (not waited on forever) and that later runs compute both blocks here.
 */
export function failWorkerOnce(): Error | null {
  const h = helperThread();
  if (!h) return null;
  h.owner = null;
  Atomics.store(h.flag, 0, FAIL);
  Atomics.notify(h.flag, 0);
  try {
    awaitWorker(h);
  } catch (e) {
    return e as Error;
  }
  return null;
}

/**
 * Makes every later step of the worker take at least `us` more microseconds (0: back to normal), as a machine busy
 * with other work would: the unit tests' way to reach the late-worker fallback and 'auto' dropping the worker. False
 * when there is no worker thread.
 */
export function slowWorker(us: number): boolean {
  const h = helperThread();
  if (!h) return false;
  Atomics.store(h.flag, 3, us);
  Atomics.store(h.flag, 0, SLOW);
  Atomics.notify(h.flag, 0);
  awaitWorker(h);
  return true;
}

/** Where a block's G span, outputs, margins and W span are read or written. */
type BlockResults = Record<'g' | 'out' | 'margins' | 'w', Float64Array>;

/** The worker a run uses, with the shared buffer its block's results come back through and the block's memory image. */
interface Link {
  readonly helper: Helper;
  readonly stage: Float64Array;
  readonly remote: BlockResults;
  readonly image: ArrayBuffer;
}

/** One descent run on the split-rows kernel: W_k live in the first block's memory; G_k are the two blocks' sum. */
export interface RowSplitRun {
  /** whether a worker thread runs the second block now (else this thread runs both) */
  readonly usesWorker: boolean;
  /** whether this thread computes both blocks at the next step: no worker, or a late worker's pause */
  readonly bothBlocksHere: boolean;
  readonly weights: Float64Array[];
  readonly grads: Float64Array[];
  evaluate(wantRisk: boolean): number;
  gradSquared(): number;
  step(eta: number): number;
}

export function rowSplitRun(
  ws: GradientWorkspace,
  net: Network,
  data: Dataset,
  loss: Loss,
  threads: KernelThreads = kernelThreads(),
  plannedSteps = 0,
): RowSplitRun {
  if (!rowSplitApplies(net, data.n, loss))
    throw new RangeError(`rowSplitRun: dims [${net.dims.join(',')}], n=${data.n}, ${net.activation.kind}, loss ${loss.name} do not take the split-rows kernel`);
  const dims = net.dims;
  const L = dims.length - 1;
  const n = data.n;
  const dL = dims[L];
  const invN = 1 / n;
  const cut = (n >> 2) << 1;
  const a = layoutBlock(net, data, 0, cut, loss, invN);
  const b = layoutBlock(net, data, cut, n, loss, invN);
  const view = (blk: Block, at: number, len: number) => new Float64Array(blk.memory.buffer, at, len);
  const weights = dims.slice(1).map((_, k) => view(a, a.wAt + a.layerAt[k] * 8, dims[k + 1] * dims[k]));
  for (let k = 0; k < L; k++) weights[k].set(net.weights[k]);
  // G_k: the first block's G_k, to which the second block's are added in place each evaluation
  const grads = dims.slice(1).map((_, k) => view(a, a.gAt + a.layerAt[k] * 8, dims[k + 1] * dims[k]));
  const gOther = view(a, a.gOtherAt, a.gLen);
  const wSpanA = view(a, a.wAt, a.wLen);
  const outA = view(a, a.outAt, a.outLen);
  const marginsA = view(a, a.marginsAt, a.rows);
  // the second block's results: in its own memory when this thread ran it, in `stage` when the worker did
  const local: BlockResults = { g: view(b, b.gAt, b.gLen), out: view(b, b.outAt, b.outLen), margins: view(b, b.marginsAt, b.rows), w: view(b, b.wAt, b.wLen) };
  const owner = {};
  let link: Link | null = null;
  const attach = (helper: Helper) => {
    const stage = new Float64Array(new SharedArrayBuffer(8 * (b.wLen + b.gLen + b.outLen + b.rows)));
    const remote: BlockResults = {
      g: stage.subarray(b.wLen, b.wLen + b.gLen),
      out: stage.subarray(b.wLen + b.gLen, b.wLen + b.gLen + b.outLen),
      margins: stage.subarray(b.wLen + b.gLen + b.outLen),
      w: stage.subarray(0, b.wLen),
    };
    link = { helper, stage, remote, image: b.memory.buffer.slice(0, b.bytes) };
  };
  if (threads === 2) {
    const forced = helperThread();
    if (forced) attach(forced);
  }
  // 'auto': after AUTO_WARM_STEPS evaluations the worker is started and AUTO_WINDOW_STEPS are timed here; once it is
  // ready, as many with it; then autoKeepsWorker decides for the rest of the run
  const tryAuto = threads === 'auto' && plannedSteps >= AUTO_MIN_STEPS && availableParallelism() >= 2;
  let evals = 0;
  let aloneMs = 0;
  let withMs = 0;
  let trialFrom = -1;
  // when the worker is late (the machine is busy with other work, so it waits for a core), this thread runs both
  // blocks for a while: a late worker costs a scheduler time slice per step. The bits do not depend on who runs a block.
  let late = 0;
  let alone = 0;
  let sinceSetup = 0;
  let g2 = NaN;
  let decided = !tryAuto;
  const autoStep = (ms: number) => {
    evals++;
    const timedFrom = AUTO_WARM_STEPS;
    if (evals < timedFrom) return;
    if (evals === timedFrom) {
      // started now, so that it boots while the next steps are timed here
      if (!helperThread()) decided = true;
    } else if (evals <= timedFrom + AUTO_WINDOW_STEPS) aloneMs += ms;
    else if (trialFrom < 0) {
      const helperNow = helperThread();
      if (!helperNow) decided = true;
      else if (Atomics.load(helperNow.flag, 2) === 1) {
        attach(helperNow);
        trialFrom = evals;
      }
    } else if (evals > trialFrom + AUTO_WARM_STEPS) {
      // the trial's first evaluation sends the worker its block, and the worker's code warms up: not timed
      withMs += ms;
      if (evals === trialFrom + AUTO_WARM_STEPS + AUTO_WINDOW_STEPS) {
        decided = true;
        if (!autoKeepsWorker(aloneMs, withMs)) link = null;
      }
    }
  };
  const run: RowSplitRun = {
    get usesWorker() {
      return link !== null;
    },
    get bothBlocksHere() {
      return link === null || alone > 0;
    },
    weights,
    grads,
    evaluate(wantRisk) {
      const began = decided ? 0 : performance.now();
      let B = local;
      const ln = link;
      if (ln && alone === 0) {
        const hh = ln.helper;
        B = ln.remote;
        B.w.set(wSpanA);
        if (hh.owner !== owner) {
          hh.port.postMessage({
            image: ln.image,
            pages: Math.ceil(b.bytes / 65536),
            module: denseModule(),
            stage: ln.stage.buffer,
            layout: { wAt: b.wAt, wLen: b.wLen, gAt: b.gAt, gLen: b.gLen, outAt: b.outAt, outLen: b.outLen, marginsAt: b.marginsAt, rows: b.rows },
          });
          Atomics.store(hh.flag, 0, SETUP);
          Atomics.notify(hh.flag, 0);
          awaitWorker(hh);
          hh.owner = owner;
          sinceSetup = 0;
        }
        Atomics.store(hh.flag, 0, RUN);
        Atomics.notify(hh.flag, 0);
        const start = performance.now();
        a.fn.rowHalfGradient(0);
        const ownBlock = performance.now() - start;
        awaitWorker(hh);
        // late: waited longer than this thread's own block took; eight late steps in a row hand both blocks to this thread
        // for 1,024 steps. Not in the worker's first WORKER_WARM_STEPS steps after it got the block: its code and caches
        // are cold then, and one late start would otherwise cost a thousand steps on one thread.
        if (++sinceSetup > WORKER_WARM_STEPS) late = performance.now() - start > 2 * ownBlock ? late + 1 : 0;
        if (late >= 8) {
          alone = 1024;
          late = 0;
        }
      } else {
        if (alone > 0) alone--;
        B.w.set(wSpanA);
        a.fn.rowHalfGradient(0);
        b.fn.rowHalfGradient(0);
      }
      // G_k = the first block's + the second's, added in the module (the spans have the same layout), with Σ‖G_k‖²
      // summed as stepSums.ts sums it
      gOther.set(B.g);
      a.fn.addInPlace(a.gAt, a.gOtherAt, a.gLen);
      g2 = 0;
      for (let k = 0; k < L; k++) g2 += a.fn.sumOfSquares(a.gAt + a.layerAt[k] * 8, grads[k].length);
      if (!decided) autoStep(performance.now() - began);
      if (!wantRisk && loss.kind !== 'squared') return NaN;
      // outputs and margins in sample order, and the risk summed over them in that order (as the SIMD kernel sums it)
      const outputs = ws.outputs;
      outputs.set(outA, 0);
      outputs.set(B.out, cut * dL);
      let total = 0;
      if (loss.kind === 'squared') {
        const y = data.y;
        for (let i = 0; i < n * dL; i++) {
          const res = outputs[i] - y[i];
          total += 0.5 * res * res;
        }
      } else {
        const margins = ws.margins;
        margins.set(marginsA, 0);
        margins.set(B.margins, cut);
        for (let i = 0; i < n; i++) total += loss.value(margins[i]);
      }
      return total * invN;
    },
    gradSquared: () => g2,
    step(eta) {
      let most = 0;
      for (let k = 0; k < L; k++) {
        const s = a.fn.stepAndSumOfSquares(a.wAt + a.layerAt[k] * 8, a.gAt + a.layerAt[k] * 8, eta, grads[k].length);
        if (s > most) most = s;
      }
      return most;
    },
  };
  return run;
}
