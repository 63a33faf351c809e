import type { Dataset } from '../../data/dataset.js';
import type { Loss, MarginLoss } from '../../losses/loss.js';
import { applyActivation } from '../../network/activation.js';
import type { Network } from '../../network/network.js';
import type { GradientWorkspace } from '../gradient.js';
import { gemmNN, gemmNT, gemmTN } from './dense.js';

/**
 * The same risk and gradient as linearRiskAndGradient / backpropRiskAndGradient in
 * gradient.ts (the reference, kept for small nets and for the differential test),
 * computed with the register-blocked products of dense.ts. Same associations,
 * different summation order inside each product: agreement to rounding.
 */

/**
 * Margin-loss data pass for d_L = 1, fused: for four samples at a time, f_i = ⟨P, x_i⟩
 * (one load of P feeds four accumulators), then c_i = ℓ'(y_i f_i) y_i / n, then
 * E += Σ c_i x_i while the four rows are still in cache. One read of the data per step.
 */
function marginPass(ws: GradientWorkspace, P: Float64Array, data: Dataset, loss: MarginLoss, E: Float64Array | null, wantRisk: boolean): number {
  const n = data.n;
  const d = data.d;
  const x = data.x;
  const y = data.y;
  const outputs = ws.outputs;
  const margins = ws.margins;
  const invN = 1 / n;
  let total = 0;
  if (E) for (let j = 0; j < d; j++) E[j] = 0;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o0 = i * d,
      o1 = o0 + d,
      o2 = o1 + d,
      o3 = o2 + d;
    let f0 = 0,
      f1 = 0,
      f2 = 0,
      f3 = 0;
    for (let j = 0; j < d; j++) {
      const p = P[j];
      f0 += p * x[o0 + j];
      f1 += p * x[o1 + j];
      f2 += p * x[o2 + j];
      f3 += p * x[o3 + j];
    }
    const y0 = y[i],
      y1 = y[i + 1],
      y2 = y[i + 2],
      y3 = y[i + 3];
    const m0 = y0 * f0,
      m1 = y1 * f1,
      m2 = y2 * f2,
      m3 = y3 * f3;
    outputs[i] = f0;
    outputs[i + 1] = f1;
    outputs[i + 2] = f2;
    outputs[i + 3] = f3;
    margins[i] = m0;
    margins[i + 1] = m1;
    margins[i + 2] = m2;
    margins[i + 3] = m3;
    if (wantRisk) total += loss.value(m0) + loss.value(m1) + loss.value(m2) + loss.value(m3);
    if (E) {
      const c0 = loss.derivative(m0) * y0 * invN,
        c1 = loss.derivative(m1) * y1 * invN,
        c2 = loss.derivative(m2) * y2 * invN,
        c3 = loss.derivative(m3) * y3 * invN;
      for (let j = 0; j < d; j++) E[j] += c0 * x[o0 + j] + c1 * x[o1 + j] + (c2 * x[o2 + j] + c3 * x[o3 + j]);
    }
  }
  for (; i < n; i++) {
    const o = i * d;
    let f = 0;
    for (let j = 0; j < d; j++) f += P[j] * x[o + j];
    const m = y[i] * f;
    outputs[i] = f;
    margins[i] = m;
    if (wantRisk) total += loss.value(m);
    if (E) {
      const c = loss.derivative(m) * y[i] * invN;
      for (let j = 0; j < d; j++) E[j] += c * x[o + j];
    }
  }
  return total;
}

/** Squared loss, any d_L: F = X Pᵀ (n × d_L) into outputs, residuals r/n into scratch, E = (r/n)ᵀ X. */
function squaredPass(ws: GradientWorkspace, P: Float64Array, dL: number, data: Dataset, E: Float64Array | null): number {
  const n = data.n;
  const d = data.d;
  const F = ws.outputs;
  gemmNT(data.x, P, F, n, d, dL);
  const y = data.y;
  const R = ws.delta[0];
  const invN = 1 / n;
  let total = 0;
  for (let i = 0; i < n * dL; i++) {
    const res = F[i] - y[i];
    total += 0.5 * res * res;
    R[i] = res * invN;
  }
  if (E) gemmTN(R, data.x, E, dL, n, d);
  return total;
}

export function blockedLinearRiskAndGradient(
  ws: GradientWorkspace,
  net: Network,
  data: Dataset,
  loss: Loss,
  grads: Float64Array[] | null,
  wantRisk = true,
): number {
  const dims = net.dims;
  const L = dims.length - 1;
  const d0 = dims[0];
  const dL = dims[L];
  const W = net.weights;
  const outputSide = dL <= d0;
  const P = ws.P;
  if (outputSide) {
    // suffix[k−1] = suffix[k] W_k (d_L × d_{k−1}); suffix[L−1] = W_L
    for (let k = L; k >= 1; k--) {
      const out = k === 1 ? P : ws.suffix[k - 1];
      if (k === L) out.set(W[k - 1]);
      else gemmNN(ws.suffix[k], W[k - 1], out, dL, dims[k], dims[k - 1]);
    }
  } else {
    // prefix[k] = W_k prefix[k−1] (d_k × d_0); prefix[1] = W_1
    for (let k = 1; k <= L; k++) {
      const out = k === L ? P : ws.prefix[k];
      if (k === 1) out.set(W[0]);
      else gemmNN(W[k - 1], ws.prefix[k - 1], out, dims[k], dims[k - 1], d0);
    }
  }
  const E = grads ? ws.E : null;
  const total = loss.kind === 'margin' ? marginPass(ws, P, data, loss, E, wantRisk) : squaredPass(ws, P, dL, data, E);
  if (grads) {
    let C = ws.h[0];
    let Cn = ws.h[1];
    if (outputSide) {
      // C_1 = E; G_k = suffix[k]ᵀ C_k; C_{k+1} = C_k W_kᵀ; G_L = C_L
      C.set(ws.E);
      for (let k = 1; k <= L; k++) {
        const rows = dims[k];
        const cols = dims[k - 1];
        if (k === L) {
          grads[k - 1].set(C.subarray(0, rows * cols));
          break;
        }
        gemmTN(ws.suffix[k], C, grads[k - 1], rows, dL, cols);
        gemmNT(C, W[k - 1], Cn, dL, cols, rows);
        const t = C;
        C = Cn;
        Cn = t;
      }
    } else {
      // H_L = E; G_k = H_k prefix[k−1]ᵀ; H_{k−1} = W_kᵀ H_k; G_1 = H_1
      C.set(ws.E);
      for (let k = L; k >= 1; k--) {
        const rows = dims[k];
        const cols = dims[k - 1];
        if (k === 1) {
          grads[0].set(C.subarray(0, rows * cols));
          break;
        }
        gemmNT(C, ws.prefix[k - 1], grads[k - 1], rows, d0, cols);
        gemmTN(W[k - 1], C, Cn, cols, rows, d0);
        const t = C;
        C = Cn;
        Cn = t;
      }
    }
  }
  return wantRisk || loss.kind === 'squared' ? total * (1 / data.n) : NaN;
}

/** Back-propagation with blocked products: pre = a_{k−1} W_kᵀ, G_k = δ_kᵀ a_{k−1}, δ_{k−1} = (δ_k W_k) ⊙ φ'. */
export function blockedBackpropRiskAndGradient(
  ws: GradientWorkspace,
  net: Network,
  data: Dataset,
  loss: Loss,
  grads: Float64Array[] | null,
  wantRisk = true,
): number {
  const dims = net.dims;
  const L = dims.length - 1;
  const N = data.n;
  const W = net.weights;
  const acts = ws.acts;
  for (let k = 1; k <= L; k++) {
    const rows = dims[k];
    const cols = dims[k - 1];
    const dst = k === L ? ws.outputs : acts[k];
    gemmNT(k === 1 ? data.x : acts[k - 1], W[k - 1], dst, N, cols, rows);
    if (k < L) applyActivation(net.activation, dst, dst, ws.dphi[k], N * rows);
  }
  const dL = dims[L];
  const out = ws.outputs;
  const y = data.y;
  const invN = 1 / N;
  let delta = ws.delta[0];
  let deltaNext = ws.delta[1];
  let total = 0;
  if (loss.kind === 'margin') {
    for (let i = 0; i < N; i++) {
      const m = y[i] * out[i];
      ws.margins[i] = m;
      if (wantRisk) total += loss.value(m);
      delta[i] = loss.derivative(m) * y[i] * invN;
    }
  } else {
    for (let i = 0; i < N * dL; i++) {
      const res = out[i] - y[i];
      total += 0.5 * res * res;
      delta[i] = res * invN;
    }
  }
  if (grads) {
    for (let k = L; k >= 1; k--) {
      const rows = dims[k];
      const cols = dims[k - 1];
      gemmTN(delta, k === 1 ? data.x : acts[k - 1], grads[k - 1], rows, N, cols);
      if (k > 1) {
        gemmNN(delta, W[k - 1], deltaNext, N, rows, cols);
        const dphi = ws.dphi[k - 1];
        for (let i = 0; i < N * cols; i++) deltaNext[i] *= dphi[i];
        const t = delta;
        delta = deltaNext;
        deltaNext = t;
      }
    }
  }
  return wantRisk || loss.kind === 'squared' ? total * invN : NaN;
}
