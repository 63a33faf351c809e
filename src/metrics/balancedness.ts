import { matmul, transpose } from '../linalg/dense.js';

/** D_k = W_k W_kᵀ − W_{k+1}ᵀ W_{k+1} (d_k × d_k), k = 1..L−1 (docs/claims.md, Notation). */
export function balanceMatrices(weights: readonly Float64Array[], dims: readonly number[]): Float64Array[] {
  const out: Float64Array[] = [];
  for (let k = 1; k < weights.length; k++) {
    const dk = dims[k];
    const Wk = weights[k - 1];
    const Wn = weights[k];
    const a = matmul(Wk, transpose(Wk, dk, dims[k - 1]), dk, dims[k - 1], dk);
    const b = matmul(transpose(Wn, dims[k + 1], dk), Wn, dk, dims[k + 1], dk);
    for (let i = 0; i < a.length; i++) a[i] -= b[i];
    out.push(a);
  }
  return out;
}

/** ‖D_k(t) − D_k(0)‖_F for each k. */
export function balancednessDrift(current: readonly Float64Array[], initial: readonly Float64Array[]): number[] {
  return current.map((D, k) => {
    let s = 0;
    for (let i = 0; i < D.length; i++) {
      const e = D[i] - initial[k][i];
      s += e * e;
    }
    return Math.sqrt(s);
  });
}

/**
 * Per-neuron invariants (DHL.Thm2.1): for hidden layer k and neuron i,
 * ‖W_k[i,:]‖² − ‖W_{k+1}[:,i]‖². Returns one array per hidden layer.
 */
export function neuronInvariants(weights: readonly Float64Array[], dims: readonly number[]): Float64Array[] {
  const out: Float64Array[] = [];
  for (let k = 1; k < weights.length; k++) {
    const dk = dims[k];
    const cin = dims[k - 1];
    const rout = dims[k + 1];
    const v = new Float64Array(dk);
    for (let i = 0; i < dk; i++) {
      let a = 0;
      for (let j = 0; j < cin; j++) a += weights[k - 1][i * cin + j] ** 2;
      let b = 0;
      for (let r = 0; r < rout; r++) b += weights[k][r * dk + i] ** 2;
      v[i] = a - b;
    }
    out.push(v);
  }
  return out;
}
