import type { Dataset } from '../data/dataset.js';
import { applyActivation } from '../network/activation.js';
import type { Network } from '../network/network.js';
import type { Loss } from '../losses/loss.js';

/**
 * Preallocated buffers for risk and gradient evaluation. Hand-written kernel
 * (the hot path): plain loops over row-major Float64Arrays, nothing allocated
 * per call.
 */
export interface GradientWorkspace {
  readonly dims: readonly number[];
  readonly n: number;
  /** y_i f(x_i) (classification) after the last evaluation; undefined entries for regression */
  readonly margins: Float64Array;
  /** f(x_i), n × d_L, after the last evaluation */
  readonly outputs: Float64Array;
  /** linear path: prefix[k] = W_k ⋯ W_1 (d_k × d_0), prefix[0] = I */
  readonly prefix: Float64Array[];
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
  const prefix = dims.map((dk) => new Float64Array(dk * d0));
  for (let i = 0; i < d0; i++) prefix[0][i * d0 + i] = 1;
  return {
    dims: [...dims],
    n,
    margins: new Float64Array(n),
    outputs: new Float64Array(n * dims[L]),
    prefix,
    E: new Float64Array(dims[L] * d0),
    h: [new Float64Array(maxD * d0), new Float64Array(maxD * d0)],
    acts: dims.map((dk) => new Float64Array(n * dk)),
    dphi: dims.map((dk) => new Float64Array(n * dk)),
    delta: [new Float64Array(n * maxD), new Float64Array(n * maxD)],
  };
}

/** A function computing R(W) and writing ∂R/∂W_k into grads[k]; returns the risk. */
export type GradientFn = (ws: GradientWorkspace, net: Network, data: Dataset, loss: Loss, grads: Float64Array[]) => number;

export function checkCompatible(net: Network, data: Dataset, loss: Loss): void {
  const L = net.dims.length - 1;
  if (net.dims[0] !== data.d)
    throw new RangeError(`network.weights[0]: has ${net.dims[0]} columns but data.x has d=${data.d} features; they must match`);
  if (net.dims[L] !== data.outDim)
    throw new RangeError(
      `network.weights[${L - 1}]: has ${net.dims[L]} rows but the targets have dimension ${data.outDim}; the last layer must output ${data.outDim}`,
    );
  if (loss.kind === 'squared' && data.task !== 'regression' && data.outDim !== 1)
    throw new RangeError('loss=squared: targets must be numeric');
  if (loss.kind === 'margin' && data.task !== 'classification')
    throw new RangeError(`loss=${loss.name}: a margin loss needs ±1 labels (data.y of length n), not regression targets`);
}

/** Risk and gradient; dispatches to the end-to-end form for linear nets (F1). */
export const riskAndGradient: GradientFn = (ws, net, data, loss, grads) =>
  net.activation.kind === 'linear' ? linearRiskAndGradient(ws, net, data, loss, grads) : backpropRiskAndGradient(ws, net, data, loss, grads);

/** Risk only (same forward pass; gradient buffers untouched). */
export function risk(ws: GradientWorkspace, net: Network, data: Dataset, loss: Loss): number {
  return net.activation.kind === 'linear' ? linearRiskAndGradient(ws, net, data, loss, null) : backpropRiskAndGradient(ws, net, data, loss, null);
}

/**
 * Linear net: P = W_L⋯W_1, E = ∂R/∂P, then G_k = A_kᵀ E B_kᵀ (CLAIMS F1) by a
 * backward sweep H_L = E, G_k = H_k prefix[k−1]ᵀ, H_{k−1} = W_kᵀ H_k. Cost per
 * call O(Σ d_k d_{k−1} d_0 + n d_0 d_L) instead of O(n Σ d_k d_{k−1}).
 */
export function linearRiskAndGradient(
  ws: GradientWorkspace,
  net: Network,
  data: Dataset,
  loss: Loss,
  grads: Float64Array[] | null,
): number {
  const dims = net.dims;
  const L = dims.length - 1;
  const d0 = dims[0];
  const W = net.weights;
  const prefix = ws.prefix;
  // prefix[k] = W_k prefix[k−1]
  for (let k = 1; k <= L; k++) {
    const rows = dims[k];
    const inner = dims[k - 1];
    const Wk = W[k - 1];
    const prev = prefix[k - 1];
    const out = prefix[k];
    if (k === 1) {
      out.set(Wk);
      continue;
    }
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
  const P = prefix[L];
  const dL = dims[L];
  const n = data.n;
  const x = data.x;
  const y = data.y;
  const E = ws.E;
  const invN = 1 / n;
  let total = 0;
  E.fill(0);
  if (loss.kind === 'margin') {
    for (let i = 0; i < n; i++) {
      const xo = i * d0;
      let f = 0;
      for (let j = 0; j < d0; j++) f += P[j] * x[xo + j];
      ws.outputs[i] = f;
      const m = y[i] * f;
      ws.margins[i] = m;
      total += loss.value(m);
      if (grads) {
        const c = loss.derivative(m) * y[i] * invN;
        for (let j = 0; j < d0; j++) E[j] += c * x[xo + j];
      }
    }
  } else {
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
  }
  if (grads) {
    let H = ws.h[0];
    let Hn = ws.h[1];
    H.set(E);
    for (let k = L; k >= 1; k--) {
      const rows = dims[k];
      const cols = dims[k - 1];
      const G = grads[k - 1];
      const B = prefix[k - 1];
      // G_k = H (rows × d0) · Bᵀ (d0 × cols)
      for (let i = 0; i < rows; i++) {
        const ho = i * d0;
        for (let c = 0; c < cols; c++) {
          const bo = c * d0;
          let s = 0;
          for (let j = 0; j < d0; j++) s += H[ho + j] * B[bo + j];
          G[i * cols + c] = s;
        }
      }
      if (k > 1) {
        // Hn = W_kᵀ H: (cols × d0)
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
  }
  return total * invN;
}

/**
 * Any activation: batched forward pass storing post-activations and φ', then
 * back-propagation δ_{k−1} = (δ_k W_k) ⊙ φ'(pre_{k−1}), G_k = δ_kᵀ a_{k−1}.
 */
export function backpropRiskAndGradient(
  ws: GradientWorkspace,
  net: Network,
  data: Dataset,
  loss: Loss,
  grads: Float64Array[] | null,
): number {
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
      total += loss.value(m);
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
      G.fill(0);
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
  return total * invN;
}

export function zerosLike(net: Pick<Network, 'weights'>): Float64Array[] {
  return net.weights.map((W) => new Float64Array(W.length));
}

export function squaredNorm(grads: readonly Float64Array[]): number {
  let s = 0;
  for (const G of grads) for (let i = 0; i < G.length; i++) s += G[i] * G[i];
  return s;
}
