import type { Activation } from './activation.js';

/**
 * Layers W_1 (applied first) … W_L; W_k is dims[k] × dims[k-1], row-major.
 * f(x) = W_L φ(W_{L-1} ⋯ φ(W_1 x)). No biases: the theorems have none.
 */
export interface Network {
  /** d_0 = input dimension, …, d_L = output dimension */
  readonly dims: readonly number[];
  readonly weights: Float64Array[];
  readonly activation: Activation;
}

export function depth(net: Pick<Network, 'dims'>): number {
  return net.dims.length - 1;
}

export function networkFromArrays(weights: readonly (readonly (readonly number[])[])[], activation: Activation, where = 'network.weights'): Network {
  if (weights.length === 0) throw new RangeError(`${where}: length 0; give at least one layer`);
  const dims: number[] = [];
  const flat: Float64Array[] = [];
  weights.forEach((W, k) => {
    const rows = W.length;
    if (rows === 0) throw new RangeError(`${where}[${k}]: has no rows; every layer needs at least one`);
    const cols = W[0].length;
    if (cols === 0) throw new RangeError(`${where}[${k}][0]: has no columns; every layer needs at least one`);
    if (k === 0) dims.push(cols);
    else if (cols !== dims[k])
      throw new RangeError(
        `${where}[${k}]: has ${cols} columns but layer ${k - 1} has ${dims[k]} rows; W_${k + 1} must be d_${k + 1}×d_${k} with d_${k}=${dims[k]}`,
      );
    dims.push(rows);
    const buf = new Float64Array(rows * cols);
    for (let i = 0; i < rows; i++) {
      if (W[i].length !== cols) throw new RangeError(`${where}[${k}][${i}]: length ${W[i].length} must equal ${cols} (ragged array)`);
      for (let j = 0; j < cols; j++) {
        const v = W[i][j];
        if (!Number.isFinite(v)) throw new RangeError(`${where}[${k}][${i}][${j}]=${v} must be a finite number`);
        buf[i * cols + j] = v;
      }
    }
    flat.push(buf);
  });
  return { dims, weights: flat, activation };
}

export function weightsToArrays(net: Pick<Network, 'dims' | 'weights'>): number[][][] {
  return net.weights.map((W, k) => {
    const rows = net.dims[k + 1];
    const cols = net.dims[k];
    return Array.from({ length: rows }, (_, i) => Array.from(W.subarray(i * cols, (i + 1) * cols)));
  });
}

export function cloneNetwork(net: Network): Network {
  return { dims: [...net.dims], weights: net.weights.map((W) => W.slice()), activation: net.activation };
}

export function allFinite(weights: readonly Float64Array[]): boolean {
  for (const W of weights) for (let i = 0; i < W.length; i++) if (!Number.isFinite(W[i])) return false;
  return true;
}
