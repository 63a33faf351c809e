import { applyActivation } from '../network/activation.js';
import type { Network } from '../network/network.js';

/**
 * The last hidden layer's output φ(W_{L−1} ⋯ φ(W_1 x)) for one input, by a
 * plain forward pass (for plotting: it allocates, unlike the trainer's kernel).
 */
export function lastHiddenFeatures(net: Network, x: ArrayLike<number>): Float64Array {
  let a = Float64Array.from(x);
  for (let k = 0; k < net.weights.length - 1; k++) {
    const rows = net.dims[k + 1];
    const cols = net.dims[k];
    const W = net.weights[k];
    const pre = new Float64Array(rows);
    for (let r = 0; r < rows; r++) {
      let s = 0;
      for (let c = 0; c < cols; c++) s += W[r * cols + c] * a[c];
      pre[r] = s;
    }
    applyActivation(net.activation, pre, pre, new Float64Array(rows), rows);
    a = pre;
  }
  return a;
}

/** f(x) for a net with one output. */
export function networkOutput(net: Network, x: ArrayLike<number>): number {
  const h = lastHiddenFeatures(net, x);
  const W = net.weights[net.weights.length - 1];
  let s = 0;
  for (let j = 0; j < h.length; j++) s += W[j] * h[j];
  return s;
}
