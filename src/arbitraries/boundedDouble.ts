import fc from 'fast-check';
import { integerIn, numberWhere, ordered, rejectUnknownKeys } from './_internals/constraints.js';
import { dyadicValue, fittingBits, gridNumerators } from './_internals/dyadic.js';

export interface BoundedDoubleConstraints {
  /** lower bound, included (default −1) */
  min?: number;
  /** upper bound, included (default 1) */
  max?: number;
  /**
   * values are multiples of 2^−gridBits (default: 16, or fewer when needed to
   * keep max(|min|, |max|)·2^gridBits below 2^31; negative means a grid coarser than 1)
   */
  gridBits?: number;
}

const API = 'boundedDouble';
const KNOWN = ['min', 'max', 'gridBits'] as const;

/**
 * Finite doubles in [min, max], never NaN, ±∞ or −0. Values are dyadic
 * (k·2^−gridBits), and shrinking moves toward the value of [min, max] nearest 0
 * and toward coarser grids (integers, halves, quarters, …), never toward subnormals.
 * min = max gives that constant.
 */
export function boundedDouble(constraints: BoundedDoubleConstraints = {}): fc.Arbitrary<number> {
  rejectUnknownKeys(API, constraints, KNOWN);
  const min = numberWhere(API, 'constraints.min', constraints.min ?? -1, () => true, '');
  const max = numberWhere(API, 'constraints.max', constraints.max ?? 1, () => true, '');
  ordered(API, 'constraints.min', min, 'constraints.max', max);
  if (min === max) return fc.constant(min + 0);
  const maxAbs = Math.max(Math.abs(min), Math.abs(max));
  const bits = constraints.gridBits === undefined ? fittingBits(maxAbs, 16) : integerIn(API, 'constraints.gridBits', constraints.gridBits, -960, 60);
  const { lo, hi } = gridNumerators(API, min, max, bits);
  return dyadicValue(lo, hi, bits);
}
