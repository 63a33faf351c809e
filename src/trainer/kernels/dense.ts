/**
 * Register-blocked dense products on row-major Float64Arrays (the hot path of the
 * fast gradient kernel, hence hand-written: no library works in place on typed arrays
 * without allocating). Every loop walks rows contiguously and keeps several
 * independent accumulators, so the CPU overlaps the additions instead of waiting
 * on one chain.
 *
 * Determinism: the order of every sum depends only on the shapes (m, k, n), never
 * on the data or the machine, so a given spec gives the same bits on every run.
 * The order differs from a naive loop, so results agree with it to rounding only
 * (dense.test.ts bounds the difference).
 */

/** C = A·B: A is m×k, B is k×n, C is m×n (overwritten). */
export function gemmNN(A: Float64Array, B: Float64Array, C: Float64Array, m: number, k: number, n: number): void {
  for (let i = 0; i < m; i++) {
    const co = i * n;
    const ao = i * k;
    let p = 0;
    if (k >= 4) {
      // first four rows of B initialise C (no separate zeroing pass)
      const a0 = A[ao],
        a1 = A[ao + 1],
        a2 = A[ao + 2],
        a3 = A[ao + 3];
      const b0 = 0,
        b1 = n,
        b2 = 2 * n,
        b3 = 3 * n;
      for (let j = 0; j < n; j++) C[co + j] = a0 * B[b0 + j] + a1 * B[b1 + j] + (a2 * B[b2 + j] + a3 * B[b3 + j]);
      p = 4;
      for (; p + 4 <= k; p += 4) {
        const c0 = A[ao + p],
          c1 = A[ao + p + 1],
          c2 = A[ao + p + 2],
          c3 = A[ao + p + 3];
        const o0 = p * n,
          o1 = o0 + n,
          o2 = o1 + n,
          o3 = o2 + n;
        for (let j = 0; j < n; j++) C[co + j] += c0 * B[o0 + j] + c1 * B[o1 + j] + (c2 * B[o2 + j] + c3 * B[o3 + j]);
      }
    } else {
      for (let j = 0; j < n; j++) C[co + j] = 0;
    }
    for (; p < k; p++) {
      const a = A[ao + p];
      const o = p * n;
      for (let j = 0; j < n; j++) C[co + j] += a * B[o + j];
    }
  }
}

/**
 * C = A·Bᵀ: A is m×k, B is n×k, C is m×n (overwritten). Blocks of 2×2 entries of C,
 * each a dot product summed as two interleaved halves (even and odd p): eight
 * accumulators, four loads per four multiply-adds.
 */
export function gemmNT(A: Float64Array, B: Float64Array, C: Float64Array, m: number, k: number, n: number): void {
  const kEven = k & ~1;
  let i = 0;
  for (; i + 2 <= m; i += 2) {
    const a0 = i * k;
    const a1 = a0 + k;
    let j = 0;
    for (; j + 2 <= n; j += 2) {
      const b0 = j * k;
      const b1 = b0 + k;
      let s00 = 0,
        s01 = 0,
        s10 = 0,
        s11 = 0,
        t00 = 0,
        t01 = 0,
        t10 = 0,
        t11 = 0;
      for (let p = 0; p < kEven; p += 2) {
        const x0 = A[a0 + p],
          x1 = A[a1 + p],
          y0 = B[b0 + p],
          y1 = B[b1 + p];
        s00 += x0 * y0;
        s01 += x0 * y1;
        s10 += x1 * y0;
        s11 += x1 * y1;
        const u0 = A[a0 + p + 1],
          u1 = A[a1 + p + 1],
          v0 = B[b0 + p + 1],
          v1 = B[b1 + p + 1];
        t00 += u0 * v0;
        t01 += u0 * v1;
        t10 += u1 * v0;
        t11 += u1 * v1;
      }
      if (kEven < k) {
        const p = kEven;
        s00 += A[a0 + p] * B[b0 + p];
        s01 += A[a0 + p] * B[b1 + p];
        s10 += A[a1 + p] * B[b0 + p];
        s11 += A[a1 + p] * B[b1 + p];
      }
      C[i * n + j] = s00 + t00;
      C[i * n + j + 1] = s01 + t01;
      C[(i + 1) * n + j] = s10 + t10;
      C[(i + 1) * n + j + 1] = s11 + t11;
    }
    if (j < n) {
      const b0 = j * k;
      C[i * n + j] = dot(A, a0, B, b0, k);
      C[(i + 1) * n + j] = dot(A, a1, B, b0, k);
    }
  }
  if (i < m) {
    const a0 = i * k;
    for (let j = 0; j < n; j++) C[i * n + j] = dot(A, a0, B, j * k, k);
  }
}

/** Σ_p x[xo + p]·y[yo + p], as four interleaved partial sums ((s0 + s1) + (s2 + s3)) then the tail. */
export function dot(x: Float64Array, xo: number, y: Float64Array, yo: number, k: number): number {
  let s0 = 0,
    s1 = 0,
    s2 = 0,
    s3 = 0;
  let p = 0;
  for (; p + 4 <= k; p += 4) {
    s0 += x[xo + p] * y[yo + p];
    s1 += x[xo + p + 1] * y[yo + p + 1];
    s2 += x[xo + p + 2] * y[yo + p + 2];
    s3 += x[xo + p + 3] * y[yo + p + 3];
  }
  let s = s0 + s1 + (s2 + s3);
  for (; p < k; p++) s += x[xo + p] * y[yo + p];
  return s;
}

/**
 * C = Aᵀ·B: A is k×m, B is k×n, C is m×n (overwritten). Row i of C is the sum over
 * p of A[p, i]·(row p of B), taken four rows of B at a time.
 */
export function gemmTN(A: Float64Array, B: Float64Array, C: Float64Array, m: number, k: number, n: number): void {
  for (let i = 0; i < m; i++) {
    const co = i * n;
    let p = 0;
    if (k >= 4) {
      const a0 = A[i],
        a1 = A[m + i],
        a2 = A[2 * m + i],
        a3 = A[3 * m + i];
      const b1 = n,
        b2 = 2 * n,
        b3 = 3 * n;
      for (let j = 0; j < n; j++) C[co + j] = a0 * B[j] + a1 * B[b1 + j] + (a2 * B[b2 + j] + a3 * B[b3 + j]);
      p = 4;
      for (; p + 4 <= k; p += 4) {
        const c0 = A[p * m + i],
          c1 = A[(p + 1) * m + i],
          c2 = A[(p + 2) * m + i],
          c3 = A[(p + 3) * m + i];
        const o0 = p * n,
          o1 = o0 + n,
          o2 = o1 + n,
          o3 = o2 + n;
        for (let j = 0; j < n; j++) C[co + j] += c0 * B[o0 + j] + c1 * B[o1 + j] + (c2 * B[o2 + j] + c3 * B[o3 + j]);
      }
    } else {
      for (let j = 0; j < n; j++) C[co + j] = 0;
    }
    for (; p < k; p++) {
      const a = A[p * m + i];
      const o = p * n;
      for (let j = 0; j < n; j++) C[co + j] += a * B[o + j];
    }
  }
}

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
