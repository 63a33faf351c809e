/**
 * Exact rescaling by powers of two. Norms and Gram matrices square their entries, so data near 1e±155 over- or
 * underflow in them; multiplying by 2^k first moves the data into a safe range without rounding anything (unless
 * an entry becomes subnormal), and a scale-invariant result computed from the scaled data is then bit for bit the
 * one the unscaled data would give in exact range.
 */

/** x·2^k, exact unless the result is subnormal or overflows; split in two factors so that no factor overflows (|k| ≤ 2046). */
export function timesPowerOfTwo(x: number, k: number): number {
  const half = Math.trunc(k / 2);
  return x * 2 ** half * 2 ** (k - half);
}

/** The e with 2^e ≤ max_i |a_i| < 2^{e+1}; 0 for an all-zero array. */
export function unitRangeExponent(a: ArrayLike<number>): number {
  let maxAbs = 0;
  for (let i = 0; i < a.length; i++) maxAbs = Math.max(maxAbs, Math.abs(a[i]));
  if (maxAbs === 0) return 0;
  // log2 is correctly rounded at best, so it can round up to the next integer just below a power of two
  // (log2(Number.MAX_VALUE) = 1024): one exact comparison puts it right.
  const e = Math.floor(Math.log2(maxAbs));
  return timesPowerOfTwo(1, e) > maxAbs ? e - 1 : e;
}

/** 2^{−e}·a with e = unitRangeExponent(a): the largest |entry| lands in [1, 2). */
export function scaleToUnitRange(a: ArrayLike<number>): { scaled: Float64Array; exponent: number } {
  const exponent = unitRangeExponent(a);
  const scaled = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) scaled[i] = timesPowerOfTwo(a[i], -exponent);
  return { scaled, exponent };
}
