/** Small dense helpers for checkpoint metrics (allocate freely: not the step loop). */

/** C = A (r×m) · B (m×c), row-major. */
export function matmul(A: Float64Array, B: Float64Array, r: number, m: number, c: number): Float64Array {
  const C = new Float64Array(r * c);
  for (let i = 0; i < r; i++)
    for (let k = 0; k < m; k++) {
      const a = A[i * m + k];
      if (a === 0) continue;
      for (let j = 0; j < c; j++) C[i * c + j] += a * B[k * c + j];
    }
  return C;
}

/** Aᵀ for A r×c. */
export function transpose(A: Float64Array, r: number, c: number): Float64Array {
  const T = new Float64Array(r * c);
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) T[j * r + i] = A[i * c + j];
  return T;
}

export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

export function norm2(a: ArrayLike<number>): number {
  return Math.sqrt(dot(a, a));
}

export function sub(a: Float64Array, b: Float64Array): Float64Array {
  const c = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) c[i] = a[i] - b[i];
  return c;
}

/** P = W_L ⋯ W_1 (dims[L] × dims[0]). */
export function endToEnd(weights: readonly Float64Array[], dims: readonly number[]): Float64Array {
  let P: Float64Array = weights[0].slice();
  for (let k = 1; k < weights.length; k++) P = matmul(weights[k], P, dims[k + 1], dims[k], dims[0]);
  return P;
}

/** ‖W‖_F², the plain sum of squares (no rescaling: callers bound its rounding as a sum of m products). */
export function frobeniusSquared(W: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < W.length; i++) s += W[i] * W[i];
  return s;
}
