import type { Dataset } from '../../data/dataset.js';
import type { Loss } from '../../losses/loss.js';
import type { Network } from '../../network/network.js';
import type { GradientWorkspace } from '../gradient.js';
import { builtinLossCode, EXP_CONSTANTS_BYTES } from './moduleTables.js';
import { instantiate } from './simd.js';

/**
 * A narrow linear net's whole descent step in WebAssembly (wasm/marginVector.ts): the reference kernel
 * marginVectorGradient of gradient.ts, operation for operation, with e^x computed as Math.exp computes it, so the
 * bits are the reference kernel's; the update and its sums of squares as stepSums.ts sums them. For a tiny net
 * ([2,2,2,2,1], n = 20) the step is ~300 operations and 20 exponentials: what the module saves is the JavaScript
 * around them (a loss closure per sample, bounds checks, one call per product).
 *
 * Applies to linear nets with one output, the built-in logistic or exponential loss, and every width below
 * FAST_MIN_WIDTH (wider nets take the SIMD kernels); other losses have no module twin.
 */

interface MarginVectorExports {
  marginVectorGradient(table: number): number;
  marginVectorStep(table: number, eta: number): number;
  marginVectorDescend(table: number, eta: number, steps: number): number;
  storeExpConstants(at: number): void;
}

/** The module's code for a margin loss it computes itself (logistic 1, exponential 2), or 0. */
function lossCode(loss: Loss): number {
  const code = builtinLossCode(loss);
  return code === 3 ? 0 : code;
}

export function marginVectorApplies(net: Network, loss: Loss): boolean {
  return net.activation.kind === 'linear' && net.dims[net.dims.length - 1] === 1 && lossCode(loss) !== 0;
}

/** One run's weights, gradients and buffers in the module's memory; evaluate and step are one call each. */
export interface MarginVectorRun {
  readonly weights: Float64Array[];
  readonly grads: Float64Array[];
  /** R(W) when wantRisk (else NaN) and G_k into grads; the workspace's margins, outputs, P, E and suffixes are filled when wantRisk */
  evaluate(wantRisk: boolean): number;
  /** Σ_k ‖G_k‖²_F of the last evaluation */
  gradSquared(): number;
  /** W_k ← W_k − η G_k for every k; returns max_k ‖W_k‖²_F */
  step(eta: number): number;
  /** `steps` unobserved steps with constant η (see Descended), the energy S continued from `energy` */
  descend(eta: number, steps: number, energy: number): Descended;
}

/** What a run of unobserved steps did: steps completed, S after them, and why it stopped early if it did. */
export interface Descended {
  readonly done: number;
  readonly energy: number;
  /** max_k ‖W_k‖²_F after the last update */
  readonly most: number;
  /** 'gradient': Σ‖G_k‖² was not finite at the step after the last completed one; 'weight': that step's update made a weight non-finite */
  readonly stopped: null | 'gradient' | 'weight';
}

/** Lays out the module's memory for one run (net's shape, data) and copies in x, y and net's weights. */
export function marginVectorRun(ws: GradientWorkspace, net: Network, data: Dataset, loss: Loss): MarginVectorRun {
  const code = lossCode(loss);
  if (loss.kind !== 'margin' || !marginVectorApplies(net, loss))
    throw new RangeError(
      `marginVectorRun: needs a linear net with one output and the logistic or exponential loss, got ${net.activation.kind}, dims [${net.dims.join(',')}], loss ${loss.name}`,
    );
  const dims = net.dims;
  const L = dims.length - 1;
  const n = data.n;
  const d0 = dims[0];
  const maxD = Math.max(...dims);
  // the table (i32 words, layout in wasm/marginVector.ts), e^x's constants, then the f64 regions (16-byte aligned
  // where the module reads pairs: x rows, y, outputs, margins, c)
  const DIMS = 20;
  const words = DIMS + (L + 1) + L + L + (L + 1);
  const constantsAt = Math.ceil(words / 4) * 16;
  const sizes = [n * d0, n, n, n, n, d0, d0, maxD, maxD];
  for (let k = 1; k <= L; k++) sizes.push(dims[k] * dims[k - 1]);
  for (let k = 1; k <= L; k++) sizes.push(dims[k] * dims[k - 1]);
  for (let k = 0; k <= L; k++) sizes.push(dims[k]);
  const offsets: number[] = [];
  let bytes = constantsAt + EXP_CONSTANTS_BYTES;
  for (const s of sizes) {
    offsets.push(bytes);
    bytes += Math.ceil(s / 2) * 16;
  }
  const { memory, fn: exports } = instantiate(bytes);
  const fn = exports as unknown as MarginVectorExports;
  const table = new Int32Array(memory.buffer, 0, words);
  const view = (i: number) => new Float64Array(memory.buffer, offsets[i], sizes[i]);
  table.set([L, n, d0, code], 0);
  for (let i = 0; i < 9; i++) table[4 + i] = offsets[i];
  table[13] = constantsAt;
  fn.storeExpConstants(constantsAt);
  for (let k = 0; k <= L; k++) table[DIMS + k] = dims[k];
  const wAt = DIMS + L + 1;
  for (let k = 0; k < L; k++) table[wAt + k] = offsets[9 + k];
  for (let k = 0; k < L; k++) table[wAt + L + k] = offsets[9 + L + k];
  for (let k = 0; k <= L; k++) table[wAt + 2 * L + k] = offsets[9 + 2 * L + k];
  view(0).set(data.x);
  view(1).set(data.y);
  const weights = dims.slice(1).map((_, k) => view(9 + k));
  const grads = dims.slice(1).map((_, k) => view(9 + L + k));
  for (let k = 0; k < L; k++) weights[k].set(net.weights[k]);
  const outputs = view(2);
  const margins = view(3);
  const P = view(5);
  const E = view(6);
  const suffix = dims.map((_, k) => view(9 + 2 * L + k));
  const invN = 1 / n;
  const results = new Float64Array(memory.buffer, 56, 3);
  const status = new Int32Array(memory.buffer, 64, 1);
  let g2 = NaN;
  return {
    weights,
    grads,
    evaluate(wantRisk) {
      g2 = fn.marginVectorGradient(0);
      if (!wantRisk) return NaN;
      // what the reference kernel leaves in the workspace, for observers; and the risk, summed as it sums it
      ws.outputs.set(outputs);
      ws.margins.set(margins);
      ws.P.set(P);
      ws.E.set(E);
      for (let k = 1; k < L; k++) ws.suffix[k].set(suffix[k]);
      let total = 0;
      for (let i = 0; i < n; i++) total += loss.value(margins[i]);
      return total * invN;
    },
    gradSquared: () => g2,
    step: (eta) => fn.marginVectorStep(0, eta),
    descend(eta, steps, energy) {
      results[0] = energy;
      const done = fn.marginVectorDescend(0, eta, steps);
      return { done, energy: results[0], most: results[2], stopped: status[0] === 0 ? null : status[0] === 1 ? 'gradient' : 'weight' };
    },
  };
}

/**
 * The module's e^x on a copy of xs, both forms (fdlibmExp one at a time, expPair two at a time), for the test that
 * they give Math.exp's bits. Allocates a module instance: not for the step loop.
 */
export function moduleExp(xs: Float64Array): { scalar: Float64Array; pairs: Float64Array } {
  const len = xs.length;
  const region = Math.ceil(len / 2) * 16;
  const { memory, fn: exports } = instantiate(EXP_CONSTANTS_BYTES + 2 * region);
  const fn = exports as unknown as MarginVectorExports & { fdlibmExp(x: number): number; expInto(src: number, out: number, len: number, K: number): void };
  fn.storeExpConstants(0);
  new Float64Array(memory.buffer, EXP_CONSTANTS_BYTES, len).set(xs);
  fn.expInto(EXP_CONSTANTS_BYTES, EXP_CONSTANTS_BYTES + region, len, 0);
  return { scalar: xs.map((x) => fn.fdlibmExp(x)), pairs: new Float64Array(memory.buffer, EXP_CONSTANTS_BYTES + region, len).slice() };
}

/**
 * For the benchmark: a function that computes e^x of xs (copied in once) in the module as a step does, two at a time
 * (expInto over expPair), and returns the first result so the work cannot be dropped.
 */
export function moduleExpTimer(xs: Float64Array): () => number {
  const len = xs.length;
  const region = Math.ceil(len / 2) * 16;
  const { memory, fn: exports } = instantiate(EXP_CONSTANTS_BYTES + 2 * region);
  const fn = exports as unknown as MarginVectorExports & { expInto(src: number, out: number, len: number, K: number): void };
  fn.storeExpConstants(0);
  new Float64Array(memory.buffer, EXP_CONSTANTS_BYTES, len).set(xs);
  const out = new Float64Array(memory.buffer, EXP_CONSTANTS_BYTES + region, 1);
  return () => {
    fn.expInto(EXP_CONSTANTS_BYTES, EXP_CONSTANTS_BYTES + region, len, 0);
    return out[0];
  };
}
