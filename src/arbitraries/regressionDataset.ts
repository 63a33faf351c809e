import fc from 'fast-check';
import { DEFAULT_SIZES } from './_internals/defaultSizes.js';
import { booleanValue, fail, integerIn, numberWhere, rejectUnknownKeys, sizeRange } from './_internals/constraints.js';
import { clean, fixedArray } from './_internals/fixedArray.js';
import type { RegressionData } from './types.js';

export interface RegressionDatasetConstraints {
  /** number of samples n: defaults 1 … DEFAULT_SIZES.maxSamples, fixed */
  minSamples?: number;
  maxSamples?: number;
  /** input dimension d: defaults 1 … DEFAULT_SIZES.maxWidth, fixed */
  minDim?: number;
  maxDim?: number;
  /** target dimension k: defaults 1 … DEFAULT_SIZES.maxWidth, fixed */
  minOutputDim?: number;
  maxOutputDim?: number;
  /**
   * integer x and y of small magnitude, for exact rational arithmetic; ‖x_i‖ ≤ 1 is
   * then NOT imposed (default false)
   */
  integerValued?: boolean;
  /** integerValued only: |x_ij| ≤ maxEntry, an integer (default 3) */
  maxEntry?: number;
  /** |y_ij| ≤ maxTarget (default 1; integer, default 3, when integerValued) */
  maxTarget?: number;
  /** real-valued only: entries are multiples of 2^−gridBits (default 4) */
  gridBits?: number;
}

const API = 'regressionDataset';
const KNOWN = ['minSamples', 'maxSamples', 'minDim', 'maxDim', 'minOutputDim', 'maxOutputDim', 'integerValued', 'maxEntry', 'maxTarget', 'gridBits'] as const;

/**
 * Squared-loss data (docs/claims.md, Notation): X n×d, Y n×k as arrays of rows. Real-valued
 * (default): dyadic inputs in a box of half-side ⌊2^gridBits/√maxDim⌋·2^−gridBits,
 * so ‖x_i‖ ≤ 1 exactly, and dyadic targets in [−maxTarget, maxTarget].
 * integerValued: integers, |x_ij| ≤ maxEntry and |y_ij| ≤ maxTarget.
 *
 * Shrinking: drops samples, lowers d and k, moves entries toward 0; never
 * increases n, d, k or Σ|x_ij| + Σ|y_ij|.
 */
export function regressionDataset(constraints: RegressionDatasetConstraints = {}): fc.Arbitrary<RegressionData> {
  rejectUnknownKeys(API, constraints, KNOWN);
  const sizes = DEFAULT_SIZES;
  const [minSamples, maxSamples] = sizeRange(API, constraints, 'Samples', sizes.maxSamples, 4096);
  const [minDim, maxDim] = sizeRange(API, constraints, 'Dim', sizes.maxWidth, 1024);
  const [minOut, maxOut] = sizeRange(API, constraints, 'OutputDim', sizes.maxWidth, 1024);
  const integerValued = booleanValue(API, 'constraints.integerValued', constraints.integerValued ?? false);

  let xMax: number;
  let yMax: number;
  let scale: number;
  if (integerValued) {
    if (constraints.gridBits !== undefined)
      fail(API, 'constraints.gridBits', constraints.gridBits, 'applies only to real-valued data', 'drop it, or set integerValued=false');
    xMax = integerIn(API, 'constraints.maxEntry', constraints.maxEntry ?? 3, 0, 1 << 20);
    yMax = integerIn(API, 'constraints.maxTarget', constraints.maxTarget ?? 3, 0, 1 << 20);
    scale = 1;
  } else {
    if (constraints.maxEntry !== undefined)
      fail(API, 'constraints.maxEntry', constraints.maxEntry, 'applies only with integerValued=true', 'real-valued inputs are bounded by ‖x_i‖ ≤ 1 instead');
    const bits = integerIn(API, 'constraints.gridBits', constraints.gridBits ?? 4, 1, 20);
    const unit = 2 ** bits;
    xMax = Math.floor(unit / Math.sqrt(maxDim));
    while (maxDim * xMax * xMax > unit * unit) xMax--;
    const maxTarget = numberWhere(
      API,
      'constraints.maxTarget',
      constraints.maxTarget ?? 1,
      (v) => v >= 0 && v * unit < 2 ** 31,
      'must be ≥ 0 and < 2^(31−gridBits)',
    );
    yMax = Math.floor(maxTarget * unit);
    scale = 1 / unit;
  }

  const sample = fc.record({
    x: fixedArray(fc.integer({ min: -xMax, max: xMax }), maxDim),
    y: fixedArray(fc.integer({ min: -yMax, max: yMax }), maxOut),
  });
  return fc
    .record({
      samples: fc.array(sample, { minLength: minSamples, maxLength: maxSamples, size: 'max' }),
      d: fc.integer({ min: minDim, max: maxDim }),
      k: fc.integer({ min: minOut, max: maxOut }),
    })
    .map(({ samples, d, k }) => ({
      x: samples.map((s) => s.x.slice(0, d).map((v) => clean(v * scale))),
      y: samples.map((s) => s.y.slice(0, k).map((v) => clean(v * scale))),
    }));
}
