import fc from 'fast-check';
import { DEFAULT_SIZES } from './_internals/defaultSizes.js';
import { fail, integerIn, numberWhere, rejectUnknownKeys, sizeRange } from './_internals/constraints.js';
import { clean, fixedArray } from './_internals/fixedArray.js';
import { householder, reflect } from '../linalg/nestedArrays.js';
import type { ClassificationData } from './types.js';

export interface SeparableDatasetConstraints {
  /** number of points n: defaults 1 … DEFAULT_SIZES.maxSamples, fixed */
  minSamples?: number;
  maxSamples?: number;
  /** input dimension d: defaults 1 … DEFAULT_SIZES.maxWidth, fixed */
  minDim?: number;
  maxDim?: number;
  /** every point has y_i⟨u*, x_i⟩ > minMargin; in (0, 1), default 1/16 */
  minMargin?: number;
  /** coordinates in the planted frame are multiples of 2^−gridBits (default 4) */
  gridBits?: number;
}

export interface SeparableDataset extends ClassificationData {
  /** the planted unit direction u* (rational; unit to rounding in float64) */
  direction: number[];
  /** the planted margin min_i y_i⟨u*, x_i⟩, exact in real arithmetic; > constraints.minMargin */
  margin: number;
}

const API = 'separableDataset';
const KNOWN = ['minSamples', 'maxSamples', 'minDim', 'maxDim', 'minMargin', 'gridBits'] as const;
/** entries of the integer reflection vector v of the planted frame */
const FRAME_ENTRY = 2;

/**
 * Datasets separable through the origin with a planted direction and margin
 * (docs/claims.md, Notation: ‖x_i‖ ≤ 1, labels ±1).
 *
 * Construction: each point is drawn in an orthonormal frame whose last axis is
 * u*, as x̃ = (p_1, …, p_{d−1}, y·a) with dyadic a ∈ (minMargin, a_max] and
 * dyadic p in a box; then x = Q x̃ with Q = I − 2vvᵀ/‖v‖² for an integer v
 * (Q = I when v = 0), so u* = Q e_d and y⟨u*, x⟩ = a exactly. No point is ever
 * inside the margin band, so nothing is rejected and no filter can starve. The
 * box bounds are fixed by maxDim, so ‖x̃‖² < 1 by at least 4^−gridBits, which
 * absorbs the rounding of Q.
 *
 * Shrinking: drops points, lowers d, moves v → 0 (u* → e_d and x = x̃ dyadic),
 * labels → +1, a → its smallest grid value and p → 0. Every shrink keeps the
 * promise (it is a property of the construction) and never increases n, d or
 * Σ_i ‖x_i‖².
 */
export function separableDataset(constraints: SeparableDatasetConstraints = {}): fc.Arbitrary<SeparableDataset> {
  rejectUnknownKeys(API, constraints, KNOWN);
  const sizes = DEFAULT_SIZES;
  const [minSamples, maxSamples] = sizeRange(API, constraints, 'Samples', sizes.maxSamples, 4096);
  const [minDim, maxDim] = sizeRange(API, constraints, 'Dim', sizes.maxWidth, 1024);
  const minMargin = numberWhere(API, 'constraints.minMargin', constraints.minMargin ?? 1 / 16, (v) => v > 0 && v < 1, 'must be in (0, 1)');
  const bits = integerIn(API, 'constraints.gridBits', constraints.gridBits ?? 4, 1, 12);
  const unit = 2 ** bits;

  // a ranges over numerators [aLo, aHi]: aLo/unit is the first grid value above
  // minMargin by more than 2^−20·2^−bits (slack for the rounding of Q x̃).
  const aLo = Math.floor(minMargin * unit + 2 ** -20) + 1;
  if (aLo >= unit)
    fail(API, 'constraints.minMargin', minMargin, `leaves no multiple of 2^${-bits} in (minMargin, 1)`, 'lower minMargin or raise constraints.gridBits');
  let aHi: number;
  let perp: number;
  if (maxDim === 1) {
    aHi = unit - 1;
    perp = 0;
  } else {
    // half the squared-norm budget goes to the margin coordinate, the rest to the box
    aHi = Math.floor(unit / Math.SQRT2);
    while (2 * aHi * aHi > unit * unit) aHi--;
    aHi = Math.max(aHi, aLo);
    perp = Math.floor(Math.sqrt((unit * unit - 1 - aHi * aHi) / (maxDim - 1)));
    while (perp > 0 && aHi * aHi + (maxDim - 1) * perp * perp >= unit * unit) perp--;
  }
  const scale = 1 / unit;

  const point = fc.record({
    perp: fixedArray(fc.integer({ min: -perp, max: perp }), maxDim - 1),
    a: fc.integer({ min: aLo, max: aHi }),
    negative: fc.boolean(),
  });
  return fc
    .record({
      points: fc.array(point, { minLength: minSamples, maxLength: maxSamples, size: 'max' }),
      d: fc.integer({ min: minDim, max: maxDim }),
      frame: fixedArray(fc.integer({ min: -FRAME_ENTRY, max: FRAME_ENTRY }), maxDim),
    })
    .map(({ points, d, frame }): SeparableDataset => {
      const v = frame.slice(0, d);
      const q = householder(v);
      const x = points.map((pt) => reflect(v, [...pt.perp.slice(0, d - 1).map((k) => k * scale), (pt.negative ? -pt.a : pt.a) * scale]));
      return {
        x,
        y: points.map((pt) => (pt.negative ? -1 : 1)),
        direction: q.map((row) => clean(row[d - 1])),
        margin: Math.min(...points.map((pt) => pt.a)) * scale,
      };
    });
}
