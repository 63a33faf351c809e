import type { Dataset } from '../data/dataset.js';
import { applyActivation } from '../network/activation.js';
import type { Network } from '../network/network.js';
import type { Loss, MarginLoss } from '../losses/loss.js';
import { simdBackpropRiskAndGradient, simdLinearRiskAndGradient } from './kernels/simd.js';

/**
 * Preallocated buffers for risk and gradient evaluation. Hand-written kernel
 * (the hot path): plain loops over row-major Float64Arrays, nothing allocated
 * per call.
 */
export interface GradientWorkspace {
  readonly n: number;
  /** y_i f(x_i) after the last evaluation with a margin loss */
  readonly margins: Float64Array;
  /** f(x_i), n × d_L, after the last evaluation */
  readonly outputs: Float64Array;
  /** linear path, input side (d_L > d_0): prefix[k] = W_k ⋯ W_1 (d_k × d_0) for 1 ≤ k < L; prefix[0] and prefix[L] are unused */
  readonly prefix: Float64Array[];
  /** linear path, output side (d_L ≤ d_0): suffix[k] = W_L ⋯ W_{k+1} (d_L × d_k) for 1 ≤ k < L; suffix[0] and suffix[L] are unused */
  readonly suffix: Float64Array[];
  /** P = W_L ⋯ W_1 (d_L × d_0), linear path */
  readonly P: Float64Array;
  /** E = ∂R/∂P (d_L × d_0), linear path */
  readonly E: Float64Array;
  readonly h: [Float64Array, Float64Array];
  /** nonlinear path: post-activations acts[k] (n × d_k), acts[0] unused (x is read directly) */
  readonly acts: Float64Array[];
  readonly dphi: Float64Array[];
  readonly delta: [Float64Array, Float64Array];
}

export function createWorkspace(dims: readonly number[], n: number): GradientWorkspace {
  const L = dims.length - 1;
  const d0 = dims[0];
  const maxD = Math.max(...dims);
  const dL = dims[L];
  const prefix = dims.map((dk) => new Float64Array(dk * d0));
  const suffix = dims.map((dk) => new Float64Array(dL * dk));
  return {
    n,
    margins: new Float64Array(n),
    outputs: new Float64Array(n * dims[L]),
    prefix,
    suffix,
    P: new Float64Array(dL * d0),
    E: new Float64Array(dims[L] * d0),
    h: [new Float64Array(maxD * Math.max(d0, dL)), new Float64Array(maxD * Math.max(d0, dL))],
    acts: dims.map((dk) => new Float64Array(n * dk)),
    dphi: dims.map((dk) => new Float64Array(n * dk)),
    delta: [new Float64Array(n * maxD), new Float64Array(n * maxD)],
  };
}

/**
 * A function computing R(W) and writing ∂R/∂W_k into grads[k]; returns the risk. With wantRisk = false it may
 * skip the loss values (the trainer's steps between checkpoints) and return NaN.
 */
export type GradientFn = (ws: GradientWorkspace, net: Network, data: Dataset, loss: Loss, grads: Float64Array[], wantRisk?: boolean) => number;

export function checkCompatible(net: Network, data: Dataset, loss: Loss): void {
  const L = net.dims.length - 1;
  if (net.dims[0] !== data.d) throw new RangeError(`network.weights[0]: has ${net.dims[0]} columns but data.x has d=${data.d} features; they must match`);
  if (net.dims[L] !== data.outDim)
    throw new RangeError(
      `network.weights[${L - 1}]: has ${net.dims[L]} rows but the targets have dimension ${data.outDim}; the last layer must output ${data.outDim}`,
    );
  if (loss.kind === 'margin' && data.task !== 'classification')
    throw new RangeError(`loss=${loss.name}: a margin loss needs ±1 labels (data.y of length n), not regression targets`);
}

/**
 * Which implementation riskAndGradient runs: 'reference' (the plain loops of this file) or 'simd'
 * (kernels/simd.ts: WebAssembly with 128-bit SIMD). A register-blocked JavaScript kernel was measured too and was
 * slower than SIMD at every width ≥ 10 (bench/README.md), so it is not kept.
 */
export type KernelChoice = 'reference' | 'simd';

/**
 * Chosen from the shape alone, so one spec always runs the same code and gives the same bits on
 * every run and machine. The SIMD kernel pays off once some layer is at least FAST_MIN_WIDTH wide
 * (bench/README.md has the measurements); below that its fixed costs (copies, calls into the
 * module) outweigh the products and the plain loops of this file are faster.
 */
export const FAST_MIN_WIDTH = 10;

export function kernelFor(dims: readonly number[]): KernelChoice {
  let widest = 0;
  for (const d of dims) if (d > widest) widest = d;
  return widest >= FAST_MIN_WIDTH ? 'simd' : 'reference';
}

/** Risk and gradient; dispatches to the end-to-end form for linear nets (F1), and by shape (kernelFor) to the SIMD kernels. */
export const riskAndGradient: GradientFn = (ws, net, data, loss, grads, wantRisk = true) => evaluate(ws, net, data, loss, grads, wantRisk);

/** Risk only (same forward pass and kernel choice; gradient buffers untouched). */
export function risk(ws: GradientWorkspace, net: Network, data: Dataset, loss: Loss): number {
  return evaluate(ws, net, data, loss, null, true);
}

function evaluate(ws: GradientWorkspace, net: Network, data: Dataset, loss: Loss, grads: Float64Array[] | null, wantRisk: boolean): number {
  const linearNet = net.activation.kind === 'linear';
  if (kernelFor(net.dims) === 'simd')
    return linearNet ? simdLinearRiskAndGradient(ws, net, data, loss, grads, wantRisk) : simdBackpropRiskAndGradient(ws, net, data, loss, grads, wantRisk);
  return linearNet ? linearRiskAndGradient(ws, net, data, loss, grads, wantRisk) : backpropRiskAndGradient(ws, net, data, loss, grads, wantRisk);
}

/**
 * Linear net: P = W_L⋯W_1, E = ∂R/∂P, then G_k = A_kᵀ E B_kᵀ (F1 in docs/claims.md) with
 * A_k = W_L⋯W_{k+1}, B_k = W_{k−1}⋯W_1. The products are taken from the
 * narrower end: with few outputs (d_L ≤ d_0, e.g. classification) suffixes
 * A_k and C_k = E B_kᵀ cost O(d_L Σ d_k d_{k−1}); otherwise prefixes B_k and
 * H_k = A_kᵀE cost O(d_0 Σ d_k d_{k−1}). One pass over the data either way.
 */
export function linearRiskAndGradient(ws: GradientWorkspace, net: Network, data: Dataset, loss: Loss, grads: Float64Array[] | null, wantRisk = true): number {
  const dims = net.dims;
  const L = dims.length - 1;
  const d0 = dims[0];
  const dL = dims[L];
  const W = net.weights;
  // a margin loss needs ±1 labels (checkCompatible), so d_L = 1 there: the vector form
  if (loss.kind === 'margin') return marginVectorGradient(ws, W, dims, data, loss, grads, wantRisk);
  const outputSide = dL <= d0;
  const P = ws.P;
  if (outputSide) {
    // suffix[k−1] = suffix[k] W_k; suffix[L−1] = W_L
    const suffix = ws.suffix;
    for (let k = L; k >= 1; k--) {
      const rows = dims[k];
      const cols = dims[k - 1];
      const Wk = W[k - 1];
      const out = k === 1 ? P : suffix[k - 1];
      if (k === L) {
        copyInto(out, Wk, Wk.length);
        continue;
      }
      const S = suffix[k];
      for (let r = 0; r < dL; r++) {
        const oo = r * cols;
        for (let c = 0; c < cols; c++) out[oo + c] = 0;
        for (let m = 0; m < rows; m++) {
          const a = S[r * rows + m];
          if (a === 0) continue;
          const wo = m * cols;
          for (let c = 0; c < cols; c++) out[oo + c] += a * Wk[wo + c];
        }
      }
    }
  } else {
    // prefix[k] = W_k prefix[k−1]; prefix[1] = W_1
    const prefix = ws.prefix;
    for (let k = 1; k <= L; k++) {
      const rows = dims[k];
      const inner = dims[k - 1];
      const Wk = W[k - 1];
      const out = k === L ? P : prefix[k];
      if (k === 1) {
        copyInto(out, Wk, Wk.length);
        continue;
      }
      const prev = prefix[k - 1];
      for (let i = 0; i < rows; i++) {
        const ro = i * d0;
        for (let j = 0; j < d0; j++) out[ro + j] = 0;
        for (let m = 0; m < inner; m++) {
          const a = Wk[i * inner + m];
          if (a === 0) continue;
          const pm = m * d0;
          for (let j = 0; j < d0; j++) out[ro + j] += a * prev[pm + j];
        }
      }
    }
  }
  const n = data.n;
  const x = data.x;
  const y = data.y;
  const E = ws.E;
  const invN = 1 / n;
  let total = 0;
  for (let j = 0; j < E.length; j++) E[j] = 0;
  // squared loss (margin losses returned above)
  for (let i = 0; i < n; i++) {
    const xo = i * d0;
    for (let r = 0; r < dL; r++) {
      let f = 0;
      const po = r * d0;
      for (let j = 0; j < d0; j++) f += P[po + j] * x[xo + j];
      ws.outputs[i * dL + r] = f;
      const res = f - y[i * dL + r];
      total += 0.5 * res * res;
      if (grads) {
        const c = res * invN;
        for (let j = 0; j < d0; j++) E[po + j] += c * x[xo + j];
      }
    }
  }
  if (grads) {
    if (outputSide) backwardFromOutput(ws, W, dims, grads);
    else backwardFromInput(ws, W, dims, grads);
  }
  return total * invN;
}

/**
 * linearRiskAndGradient for one output and a margin loss (every classification net), with the loops of the general
 * form written for d_L = 1: the suffixes are vectors, each G_k an outer product. The same operations in the same
 * order (zero terms skipped alike), so the same bits; a small function, so the engine inlines the loss's derivative
 * into the data pass, which the general form is too large for (tiny nets spend their step there).
 */
function marginVectorGradient(
  ws: GradientWorkspace,
  W: readonly Float64Array[],
  dims: readonly number[],
  data: Dataset,
  loss: MarginLoss,
  grads: Float64Array[] | null,
  wantRisk: boolean,
): number {
  const L = dims.length - 1;
  const d0 = dims[0];
  const suffix = ws.suffix;
  const P = ws.P;
  // suffix[k−1] = suffix[k] W_k (a row vector), suffix[L−1] = W_L, P = suffix[0]
  copyInto(L === 1 ? P : suffix[L - 1], W[L - 1], dims[L - 1]);
  for (let k = L - 1; k >= 1; k--) {
    const rows = dims[k];
    const cols = dims[k - 1];
    const S = suffix[k];
    const Wk = W[k - 1];
    const out = k === 1 ? P : suffix[k - 1];
    for (let c = 0; c < cols; c++) out[c] = 0;
    for (let m = 0; m < rows; m++) {
      const a = S[m];
      if (a === 0) continue;
      const wo = m * cols;
      for (let c = 0; c < cols; c++) out[c] += a * Wk[wo + c];
    }
  }
  const n = data.n;
  const x = data.x;
  const y = data.y;
  const outputs = ws.outputs;
  const margins = ws.margins;
  const c = ws.delta[0];
  const invN = 1 / n;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const xo = i * d0;
    let f = 0;
    for (let j = 0; j < d0; j++) f += P[j] * x[xo + j];
    outputs[i] = f;
    const m = y[i] * f;
    margins[i] = m;
    if (wantRisk) total += loss.value(m);
    if (grads) c[i] = loss.derivative(m) * y[i] * invN;
  }
  const E = ws.E;
  if (!grads) {
    E.fill(0);
    return wantRisk ? total * invN : NaN;
  }
  // C_1 = E = Σ_i c_i x_i, one register sum per column
  let C = ws.h[0];
  let Cn = ws.h[1];
  for (let j = 0; j < d0; j++) {
    let e = 0;
    for (let i = 0, xo = j; i < n; i++, xo += d0) e += c[i] * x[xo];
    C[j] = e;
    E[j] = e;
  }
  // G_k = suffix[k]ᵀ C_k, C_{k+1} = C_k W_kᵀ; G_L = C_L
  for (let k = 1; k < L; k++) {
    const rows = dims[k];
    const cols = dims[k - 1];
    const G = grads[k - 1];
    const S = suffix[k];
    for (let i = 0; i < rows; i++) {
      const a = S[i];
      const go = i * cols;
      if (a === 0) for (let q = 0; q < cols; q++) G[go + q] = 0;
      else for (let q = 0; q < cols; q++) G[go + q] = 0 + a * C[q];
    }
    const Wk = W[k - 1];
    for (let i = 0; i < rows; i++) {
      const wo = i * cols;
      let acc = 0;
      for (let q = 0; q < cols; q++) acc += C[q] * Wk[wo + q];
      Cn[i] = acc;
    }
    const t = C;
    C = Cn;
    Cn = t;
  }
  copyInto(grads[L - 1], C, dims[L - 1]);
  return wantRisk ? total * invN : NaN;
}

/** Output side: C_1 = E, G_k = suffix[k]ᵀ C_k (d_k × d_{k−1}), C_{k+1} = C_k W_kᵀ (d_L × d_k). */
function backwardFromOutput(ws: GradientWorkspace, W: readonly Float64Array[], dims: readonly number[], grads: Float64Array[]): void {
  const L = dims.length - 1;
  const dL = dims[L];
  let C = ws.h[0];
  let Cn = ws.h[1];
  copyInto(C, ws.E, ws.E.length);
  for (let k = 1; k <= L; k++) {
    const rows = dims[k];
    const cols = dims[k - 1];
    const G = grads[k - 1];
    if (k === L) {
      // suffix[L] = I: G_L = C_L
      for (let i = 0; i < rows * cols; i++) G[i] = C[i];
      break;
    }
    const S = ws.suffix[k];
    for (let i = 0; i < G.length; i++) G[i] = 0;
    for (let r = 0; r < dL; r++) {
      const co = r * cols;
      for (let i = 0; i < rows; i++) {
        const a = S[r * rows + i];
        if (a === 0) continue;
        const go = i * cols;
        for (let c = 0; c < cols; c++) G[go + c] += a * C[co + c];
      }
    }
    // Cn = C W_kᵀ: (d_L × rows)
    const Wk = W[k - 1];
    for (let r = 0; r < dL; r++) {
      const co = r * cols;
      for (let i = 0; i < rows; i++) {
        const wo = i * cols;
        let acc = 0;
        for (let c = 0; c < cols; c++) acc += C[co + c] * Wk[wo + c];
        Cn[r * rows + i] = acc;
      }
    }
    const t = C;
    C = Cn;
    Cn = t;
  }
}

/** Input side: H_L = E, G_k = H_k prefix[k−1]ᵀ (G_1 = H_1), H_{k−1} = W_kᵀ H_k. */
function backwardFromInput(ws: GradientWorkspace, W: readonly Float64Array[], dims: readonly number[], grads: Float64Array[]): void {
  const L = dims.length - 1;
  const d0 = dims[0];
  let H = ws.h[0];
  let Hn = ws.h[1];
  copyInto(H, ws.E, ws.E.length);
  for (let k = L; k >= 1; k--) {
    const rows = dims[k];
    const cols = dims[k - 1];
    const G = grads[k - 1];
    if (k === 1) {
      // prefix[0] = I: G_1 = H_1
      for (let i = 0; i < rows * cols; i++) G[i] = H[i];
      break;
    }
    const B = ws.prefix[k - 1];
    for (let i = 0; i < rows; i++) {
      const ho = i * d0;
      for (let c = 0; c < cols; c++) {
        const bo = c * d0;
        let acc = 0;
        for (let j = 0; j < d0; j++) acc += H[ho + j] * B[bo + j];
        G[i * cols + c] = acc;
      }
    }
    const Wk = W[k - 1];
    for (let c = 0; c < cols * d0; c++) Hn[c] = 0;
    for (let i = 0; i < rows; i++) {
      const ho = i * d0;
      for (let c = 0; c < cols; c++) {
        const a = Wk[i * cols + c];
        if (a === 0) continue;
        const no = c * d0;
        for (let j = 0; j < d0; j++) Hn[no + j] += a * H[ho + j];
      }
    }
    const t = H;
    H = Hn;
    Hn = t;
  }
}

/**
 * Any activation: batched forward pass storing post-activations and φ', then
 * back-propagation δ_{k−1} = (δ_k W_k) ⊙ φ'(pre_{k−1}), G_k = δ_kᵀ a_{k−1}.
 */
export function backpropRiskAndGradient(ws: GradientWorkspace, net: Network, data: Dataset, loss: Loss, grads: Float64Array[] | null, wantRisk = true): number {
  const dims = net.dims;
  const L = dims.length - 1;
  const n = data.n;
  const W = net.weights;
  const acts = ws.acts;
  // forward: pre = a_{k−1} W_kᵀ, stored into acts[k] then activated in place
  for (let k = 1; k <= L; k++) {
    const rows = dims[k];
    const cols = dims[k - 1];
    const src = k === 1 ? data.x : acts[k - 1];
    const dst = k === L ? ws.outputs : acts[k];
    const Wk = W[k - 1];
    for (let i = 0; i < n; i++) {
      const so = i * cols;
      const dO = i * rows;
      for (let r = 0; r < rows; r++) {
        const wo = r * cols;
        let s = 0;
        for (let c = 0; c < cols; c++) s += Wk[wo + c] * src[so + c];
        dst[dO + r] = s;
      }
    }
    if (k < L) applyActivation(net.activation, dst, dst, ws.dphi[k], n * rows);
  }
  const dL = dims[L];
  const out = ws.outputs;
  const y = data.y;
  const invN = 1 / n;
  let delta = ws.delta[0];
  let deltaNext = ws.delta[1];
  let total = 0;
  if (loss.kind === 'margin') {
    for (let i = 0; i < n; i++) {
      const m = y[i] * out[i];
      ws.margins[i] = m;
      if (wantRisk) total += loss.value(m);
      delta[i] = loss.derivative(m) * y[i] * invN;
    }
  } else {
    for (let i = 0; i < n * dL; i++) {
      const res = out[i] - y[i];
      total += 0.5 * res * res;
      delta[i] = res * invN;
    }
  }
  if (grads) {
    for (let k = L; k >= 1; k--) {
      const rows = dims[k];
      const cols = dims[k - 1];
      const src = k === 1 ? data.x : acts[k - 1];
      const G = grads[k - 1];
      for (let j = 0; j < G.length; j++) G[j] = 0;
      for (let i = 0; i < n; i++) {
        const dO = i * rows;
        const so = i * cols;
        for (let r = 0; r < rows; r++) {
          const dv = delta[dO + r];
          if (dv === 0) continue;
          const go = r * cols;
          for (let c = 0; c < cols; c++) G[go + c] += dv * src[so + c];
        }
      }
      if (k > 1) {
        const Wk = W[k - 1];
        const dphi = ws.dphi[k - 1];
        // row i of δ_k W_k, accumulated row by row of W_k so memory is read contiguously
        for (let i = 0; i < n; i++) {
          const dO = i * rows;
          const no = i * cols;
          for (let c = 0; c < cols; c++) deltaNext[no + c] = 0;
          for (let r = 0; r < rows; r++) {
            const dv = delta[dO + r];
            if (dv === 0) continue;
            const wo = r * cols;
            for (let c = 0; c < cols; c++) deltaNext[no + c] += dv * Wk[wo + c];
          }
          for (let c = 0; c < cols; c++) deltaNext[no + c] *= dphi[no + c];
        }
        const t = delta;
        delta = deltaNext;
        deltaNext = t;
      }
    }
  }
  return wantRisk || loss.kind === 'squared' ? total * invN : NaN;
}

/**
 * dst[i] = src[i] for i < len. A plain loop: at the reference kernel's sizes (a few entries) the fixed cost of a
 * call to TypedArray.prototype.set or fill is larger than the copy itself.
 */
function copyInto(dst: Float64Array, src: Float64Array, len: number): void {
  for (let i = 0; i < len; i++) dst[i] = src[i];
}

export function zerosLike(net: Pick<Network, 'weights'>): Float64Array[] {
  return net.weights.map((W) => new Float64Array(W.length));
}

export function squaredNorm(grads: readonly Float64Array[]): number {
  let s = 0;
  for (const G of grads) for (let i = 0; i < G.length; i++) s += G[i] * G[i];
  return s;
}
