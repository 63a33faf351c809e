/**
 * Dyadic numbers k·2^−bits built from integers. fast-check's `double` shrinks
 * toward subnormals and emits NaN/±∞ unless told otherwise (STYLE.md §5); an
 * integer numerator shrinks toward 0 and stays on the grid.
 */
import fc from 'fast-check';
import { fail } from './constraints.js';

/** Largest numerator magnitude handed to fc.integer (int32, so every path is safe). */
export const MAX_NUMERATOR = 2 ** 31 - 1;

/** Integer numerators of the grid points of [min, max] on the 2^−bits grid. */
export function gridNumerators(
  api: string,
  min: number,
  max: number,
  bits: number,
  fields = { min: 'constraints.min', max: 'constraints.max', bits: 'constraints.gridBits' },
): { lo: number; hi: number } {
  const unit = 2 ** bits;
  const lo = Math.ceil(min * unit);
  const hi = Math.floor(max * unit);
  if (lo > hi) fail(api, `${fields.min}, ${fields.max}`, [min, max], `contain no multiple of 2^${-bits}`, `widen the interval or raise ${fields.bits}`);
  if (Math.max(Math.abs(lo), Math.abs(hi)) > MAX_NUMERATOR)
    fail(api, fields.bits, bits, `puts ${Math.max(Math.abs(min), Math.abs(max))}·2^${bits} beyond 2^31−1`, `lower ${fields.bits}`);
  return { lo, hi };
}

/** The finest grid (≤ preferred bits) whose numerators for |v| ≤ maxAbs fit fc.integer's int32 range. */
export function fittingBits(maxAbs: number, preferred: number): number {
  if (maxAbs === 0) return preferred;
  return Math.min(preferred, Math.floor(Math.log2(MAX_NUMERATOR / maxAbs)));
}

/**
 * Numerators k ∈ [lo, hi] of a 2^−bits grid that also shrink toward coarser
 * grids ("round numbers"): a second integer, the fineness f ∈ [0, bits], keeps
 * only f fractional bits by truncating k toward 0. Truncation never increases
 * |k|; if it leaves [lo, hi] (possible only when 0 ∉ [lo, hi]) the in-range
 * numerator nearest 0 is used, so |k| never grows while shrinking either
 * component.
 */
export function dyadicNumerator(lo: number, hi: number, bits: number): fc.Arbitrary<number> {
  const maxFineness = Math.max(0, bits);
  const anchor = lo > 0 ? lo : hi < 0 ? hi : 0;
  return fc.tuple(fc.integer({ min: lo, max: hi }), fc.integer({ min: 0, max: maxFineness })).map(([k, fineness]) => {
    const step = 2 ** (maxFineness - fineness);
    const t = Math.trunc(k / step) * step + 0;
    return t >= lo && t <= hi ? t : anchor;
  });
}

/** Dyadic values in [min, max] (already validated) on the 2^−bits grid. */
export function dyadicValue(lo: number, hi: number, bits: number): fc.Arbitrary<number> {
  const scale = 2 ** -bits;
  return dyadicNumerator(lo, hi, bits).map((k) => k * scale + 0);
}
