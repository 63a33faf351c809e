import fc from 'fast-check';
import { integerIn, numberWhere, ordered, rejectUnknownKeys } from './_internals/constraints.js';
import { dyadicValue, fittingBits, gridNumerators } from './_internals/dyadic.js';

export interface StepSizeConstraints {
  /** smallest step, > 0 (default 2^−10) */
  min?: number;
  /** largest step (default 1) */
  max?: number;
  /** steps are multiples of 2^−gridBits (default: 16, or finer when min < 2^−12) */
  gridBits?: number;
}

const KNOWN = ['min', 'max', 'gridBits'] as const;

/**
 * Step sizes η ∈ [min, max]: dyadic (k/2^gridBits with k ≥ 1), so never 0, NaN or
 * ∞ (min = max gives that constant). Shrinking moves toward min and toward round
 * steps (1, 1/2, 1/4, …).
 */
export function stepSize(constraints: StepSizeConstraints = {}): fc.Arbitrary<number> {
  return stepSizeFor('stepSize', 'constraints', constraints);
}

/** stepSize for another arbitrary's nested constraints; errors name `${api} ${path}.field`. */
export function stepSizeFor(api: string, path: string, constraints: StepSizeConstraints): fc.Arbitrary<number> {
  rejectUnknownKeys(api, constraints, KNOWN, path);
  const f = (name: string) => `${path}.${name}`;
  const min = numberWhere(api, f('min'), constraints.min ?? 2 ** -10, (v) => v > 0, 'must be > 0 (a step of 0 never moves)');
  const max = numberWhere(api, f('max'), constraints.max ?? 1, (v) => v > 0, 'must be > 0');
  ordered(api, f('min'), min, f('max'), max);
  if (min === max) return fc.constant(min);
  const preferred = Math.max(16, Math.ceil(-Math.log2(min)) + 4);
  const bits = constraints.gridBits === undefined ? fittingBits(max, preferred) : integerIn(api, f('gridBits'), constraints.gridBits, -960, 1000);
  const { lo, hi } = gridNumerators(api, min, max, bits, { min: f('min'), max: f('max'), bits: f('gridBits') });
  // lo ≥ 1 because min > 0, so 0 is not on offer
  return dyadicValue(lo, hi, bits);
}
