/**
 * How far a fast kernel's array is from the reference kernel's: max_i |a_i − b_i| / max_i |b_i|, the measure of the
 * differential tests (kernels.test.ts, rowSplit.test.ts). Relative to the largest reference entry because the
 * summation-order error of every entry scales with the terms, not with the entry itself. 0 when both are all zero,
 * ∞ when only the reference is.
 */
export function kernelDisagreement(a: Float64Array, b: Float64Array): number {
  if (a.length !== b.length) throw new RangeError(`kernelDisagreement: arrays of lengths ${a.length} and ${b.length}; they must match`);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return scale === 0 ? (diff === 0 ? 0 : Infinity) : diff / scale;
}
