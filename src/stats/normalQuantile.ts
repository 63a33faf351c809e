/**
 * Standard normal tail and quantile, for gaussianInit. The quantile is accurate to
 * ~1e-13 relative (checked in normalQuantile.test.ts), far below what any
 * statistical claim can resolve.
 */

const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

export function normalDensity(z: number): number {
  return INV_SQRT_2PI * Math.exp(-0.5 * z * z);
}

/**
 * Upper tail Q(z) = P(Z > z) for z ≥ 0.
 * Below 3: Q = 1/2 − φ(z)·Σ_{n≥0} z^{2n+1}/(2n+1)!!, a series of one-signed
 * terms (no cancellation inside; the final subtraction is harmless while Q ≥ 1e-3).
 * From 3 on: Laplace's continued fraction Q = φ(z)/(z + 1/(z + 2/(z + 3/(z + …)))),
 * evaluated bottom-up, which keeps full relative accuracy in the tail.
 */
export function normalUpperTail(z: number): number {
  if (z < 0) return 1 - normalUpperTail(-z);
  if (z >= 3) {
    let tail = z;
    for (let n = 200; n >= 1; n--) tail = z + n / tail;
    return normalDensity(z) / tail;
  }
  let term = z;
  let sum = z;
  const z2 = z * z;
  for (let n = 1; n < 500; n++) {
    term *= z2 / (2 * n + 1);
    sum += term;
    if (Math.abs(term) <= 1e-17 * Math.abs(sum)) break;
  }
  return 0.5 - normalDensity(z) * sum;
}

/**
 * The z with Q(z) = q, for 0 < q ≤ 1/2. Start from the rational approximation of
 * Abramowitz & Stegun, Handbook of Mathematical Functions, eq. 26.2.23
 * (absolute error < 4.5e-4), then Newton steps on Q, which converge
 * quadratically from there.
 */
export function normalUpperQuantile(q: number): number {
  if (!(q > 0 && q <= 0.5)) throw new RangeError(`normalUpperQuantile: q=${q} must be in (0, 1/2]`);
  if (q === 0.5) return 0;
  const t = Math.sqrt(-2 * Math.log(q));
  let z = t - (2.515517 + t * (0.802853 + t * 0.010328)) / (1 + t * (1.432788 + t * (0.189269 + t * 0.001308)));
  for (let i = 0; i < 8; i++) {
    const step = (normalUpperTail(z) - q) / normalDensity(z);
    z += step;
    if (Math.abs(step) <= 1e-15 * Math.max(1, z)) break;
  }
  return z;
}

/**
 * The level-k point of a discretised N(0, 1): the mid-point quantile of the k-th
 * of 2K+1 equiprobable cells, k ∈ [−K, K]. Odd in k (exactly), increasing in
 * |k|, 0 at k = 0; |z| ≤ the quantile of 1/(2(2K+1)).
 */
export function normalLevel(k: number, levels: number): number {
  if (k === 0) return 0;
  const q = (levels - Math.abs(k) + 0.5) / (2 * levels + 1);
  const z = normalUpperQuantile(q);
  return k < 0 ? -z : z;
}
