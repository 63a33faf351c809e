import { datasetFromArrays, type Dataset } from '../data/dataset.js';
import type { GradientFn } from './gradient.js';

/**
 * Matrix sensing for a deep linear net (RNBU.Thm1's third invariant case):
 * R = (1/n) Σ_j ½(⟨A_j, P⟩ − b_j)², P = W_L⋯W_1, so E = ∂R/∂P = (1/n) Σ_j r_j A_j
 * with r_j = ⟨A_j, P⟩ − b_j, and G_k = A_kᵀ E B_kᵀ (F1 in docs/claims.md).
 *
 * The trainer takes a Dataset, which cannot hold measurement matrices, so a
 * sensing problem is run through gradientDescent's `gradient` option with a
 * shape-only carrier dataset (one zero sample of the right sizes) that the
 * gradient ignores. Its exact counterpart is exactGradientStep's sensing problem (src/exact/exactStep.ts).
 */
export interface SensingProblem {
  readonly dims: readonly number[];
  /** A_j, d_L × d_0 row-major */
  readonly measurements: readonly Float64Array[];
  readonly targets: Float64Array;
}

export function checkSensingProblem(p: SensingProblem, where = 'sensing'): void {
  const d0 = p.dims[0];
  const dL = p.dims[p.dims.length - 1];
  if (p.measurements.length === 0) throw new RangeError(`${where}.measurements is empty; give at least one measurement`);
  if (p.targets.length !== p.measurements.length)
    throw new RangeError(`${where}.targets has length ${p.targets.length}; it must equal the number of measurements n=${p.measurements.length}`);
  p.measurements.forEach((A, j) => {
    if (A.length !== dL * d0) throw new RangeError(`${where}.measurements[${j}] has ${A.length} entries; it must be d_L×d_0 = ${dL}×${d0}`);
    if (!A.every(Number.isFinite)) throw new RangeError(`${where}.measurements[${j}] has a non-finite entry`);
  });
  if (!p.targets.every(Number.isFinite)) throw new RangeError(`${where}.targets has a non-finite entry`);
}

/** A dataset of one zero sample with input size d_0 and output size d_L: lets gradientDescent check shapes. */
export function sensingCarrier(dims: readonly number[]): Dataset {
  return datasetFromArrays([new Array<number>(dims[0]).fill(0)], [new Array<number>(dims[dims.length - 1]).fill(0)], 'regression', 'sensingCarrier');
}

/**
 * The sensing risk and gradient as a GradientFn (the dataset argument is
 * ignored). Buffers are allocated once; `E` holds ∂R/∂P of the last call.
 */
export function sensingGradient(p: SensingProblem): GradientFn & { readonly E: Float64Array } {
  checkSensingProblem(p);
  const dims = p.dims;
  const L = dims.length - 1;
  const d0 = dims[0];
  const dL = dims[L];
  const n = p.measurements.length;
  const prefix = dims.map((dk) => new Float64Array(dk * d0));
  const maxD = Math.max(...dims);
  const E = new Float64Array(dL * d0);
  let H = new Float64Array(maxD * d0);
  let Hn = new Float64Array(maxD * d0);
  const fn: GradientFn = (_ws, net, _data, _loss, grads) => {
    const W = net.weights;
    // prefix[k] = W_k ⋯ W_1 (d_k × d_0), prefix[0] = I
    prefix[0].fill(0);
    for (let i = 0; i < d0; i++) prefix[0][i * d0 + i] = 1;
    for (let k = 1; k <= L; k++) {
      const rows = dims[k];
      const inner = dims[k - 1];
      const Wk = W[k - 1];
      const prev = prefix[k - 1];
      const out = prefix[k];
      out.fill(0);
      for (let i = 0; i < rows; i++)
        for (let m = 0; m < inner; m++) {
          const a = Wk[i * inner + m];
          for (let j = 0; j < d0; j++) out[i * d0 + j] += a * prev[m * d0 + j];
        }
    }
    const P = prefix[L];
    E.fill(0);
    let total = 0;
    for (let j = 0; j < n; j++) {
      const A = p.measurements[j];
      let s = 0;
      for (let i = 0; i < A.length; i++) s += A[i] * P[i];
      const r = s - p.targets[j];
      total += 0.5 * r * r;
      const c = r / n;
      for (let i = 0; i < A.length; i++) E[i] += c * A[i];
    }
    if (grads) {
      H.set(E);
      for (let k = L; k >= 1; k--) {
        const rows = dims[k];
        const cols = dims[k - 1];
        const G = grads[k - 1];
        const B = prefix[k - 1];
        for (let i = 0; i < rows; i++)
          for (let c = 0; c < cols; c++) {
            let s = 0;
            for (let j = 0; j < d0; j++) s += H[i * d0 + j] * B[c * d0 + j];
            G[i * cols + c] = s;
          }
        if (k > 1) {
          const Wk = W[k - 1];
          Hn.fill(0, 0, cols * d0);
          for (let i = 0; i < rows; i++)
            for (let c = 0; c < cols; c++) {
              const a = Wk[i * cols + c];
              for (let j = 0; j < d0; j++) Hn[c * d0 + j] += a * H[i * d0 + j];
            }
          const t = H;
          H = Hn;
          Hn = t;
        }
      }
    }
    return total / n;
  };
  return Object.assign(fn, { E });
}
