/**
 * The descent step's own sums on Float64Arrays: ‖W‖² and the update W ← W − ηG fused with it, each as four
 * interleaved partial sums so the CPU overlaps the additions. The summation order depends only on the length, so a
 * spec gives the same bits on every run and machine; it differs from a plain loop, so the two agree to rounding only.
 */

/** Σ a[i]², as four interleaved partial sums ((s0 + s1) + (s2 + s3)) then the tail: four independent addition chains instead of one. */
export function sumOfSquares(a: Float64Array): number {
  const len = a.length;
  let s0 = 0,
    s1 = 0,
    s2 = 0,
    s3 = 0;
  let i = 0;
  for (; i + 4 <= len; i += 4) {
    const v0 = a[i],
      v1 = a[i + 1],
      v2 = a[i + 2],
      v3 = a[i + 3];
    s0 += v0 * v0;
    s1 += v1 * v1;
    s2 += v2 * v2;
    s3 += v3 * v3;
  }
  let s = s0 + s1 + (s2 + s3);
  for (; i < len; i++) s += a[i] * a[i];
  return s;
}

/** The gradient step W ← W − η G in place; returns Σ W[i]² of the new W, summed as in sumOfSquares. */
export function stepAndSumOfSquares(W: Float64Array, G: Float64Array, eta: number): number {
  const len = W.length;
  let s0 = 0,
    s1 = 0,
    s2 = 0,
    s3 = 0;
  let i = 0;
  for (; i + 4 <= len; i += 4) {
    const v0 = W[i] - eta * G[i],
      v1 = W[i + 1] - eta * G[i + 1],
      v2 = W[i + 2] - eta * G[i + 2],
      v3 = W[i + 3] - eta * G[i + 3];
    W[i] = v0;
    W[i + 1] = v1;
    W[i + 2] = v2;
    W[i + 3] = v3;
    s0 += v0 * v0;
    s1 += v1 * v1;
    s2 += v2 * v2;
    s3 += v3 * v3;
  }
  let s = s0 + s1 + (s2 + s3);
  for (; i < len; i++) {
    const v = W[i] - eta * G[i];
    W[i] = v;
    s += v * v;
  }
  return s;
}
