import fc from 'fast-check';
import { DEFAULT_SIZES } from './_internals/defaultSizes.js';
import { fail, integerIn, ordered, rejectUnknownKeys, sizeRange } from './_internals/constraints.js';
import { clean, fixedArray } from './_internals/fixedArray.js';
import { matMul } from '../linalg/nestedArrays.js';

export interface FactorizationTargetConstraints {
  /** rows m of M*: defaults 1 … DEFAULT_SIZES.maxWidth, fixed */
  minRows?: number;
  maxRows?: number;
  /** columns n of M*: defaults 1 … DEFAULT_SIZES.maxWidth, fixed */
  minCols?: number;
  maxCols?: number;
  /** rank r: defaults 1 … min(maxRows, maxCols); minRank ≤ min(minRows, minCols) */
  minRank?: number;
  maxRank?: number;
  /** free factor entries are integers in [−maxFactorEntry, maxFactorEntry] (default 2) */
  maxFactorEntry?: number;
}

/** M* = left · rightᵀ with rank exactly `rank` (docs/claims.md, DHL DHL.MF, DHL.Lem3.1). */
export interface FactorizationTarget {
  /** M*, m × n integers */
  target: number[][];
  rank: number;
  /** m × r integer factor of full column rank */
  left: number[][];
  /** n × r integer factor of full column rank */
  right: number[][];
}

const API = 'factorizationTarget';
const KNOWN = ['minRows', 'maxRows', 'minCols', 'maxCols', 'minRank', 'maxRank', 'maxFactorEntry'] as const;

/**
 * Integer matrices M* of a prescribed rank r, as M* = A Bᵀ. Each factor holds a
 * unit lower-triangular r×r block (diagonal ±1, zeros above) in r of its rows,
 * so it has full column rank whatever its other entries, and rank(A Bᵀ) = r
 * exactly. The block sits after a cyclic row shift, so it is not always the
 * top-left corner of M*.
 *
 * Shrinking: lowers m, n and r, removes the row shifts, sets diagonal signs to
 * +1 and free entries toward 0 — down to M* = [I_r 0; 0 0]. Never increases m,
 * n, r or Σ|A_ij| + Σ|B_ij|.
 */
export function factorizationTarget(constraints: FactorizationTargetConstraints = {}): fc.Arbitrary<FactorizationTarget> {
  rejectUnknownKeys(API, constraints, KNOWN);
  const sizes = DEFAULT_SIZES;
  const [minRows, maxRows] = sizeRange(API, constraints, 'Rows', sizes.maxWidth, 1024);
  const [minCols, maxCols] = sizeRange(API, constraints, 'Cols', sizes.maxWidth, 1024);
  const minRank = integerIn(API, 'constraints.minRank', constraints.minRank ?? 1, 1, 1024);
  if (minRank > Math.min(minRows, minCols))
    fail(
      API,
      'constraints.minRank',
      minRank,
      `exceeds min(minRows, minCols)=${Math.min(minRows, minCols)}, so some shapes cannot have that rank`,
      'raise minRows and minCols or lower minRank',
    );
  const maxRank = integerIn(API, 'constraints.maxRank', constraints.maxRank ?? Math.min(maxRows, maxCols), 1, 1024);
  if (maxRank > Math.min(maxRows, maxCols))
    fail(API, 'constraints.maxRank', maxRank, `exceeds min(maxRows, maxCols)=${Math.min(maxRows, maxCols)}`, 'lower maxRank or raise maxRows and maxCols');
  ordered(API, 'constraints.minRank', minRank, 'constraints.maxRank', maxRank);
  const c = integerIn(API, 'constraints.maxFactorEntry', constraints.maxFactorEntry ?? 2, 0, 1 << 10);

  const factor = (rows: number) =>
    fc.record({
      shift: fc.integer({ min: 0, max: rows - 1 }),
      negativeDiagonal: fixedArray(fc.boolean(), maxRank),
      entries: fixedArray(fixedArray(fc.integer({ min: -c, max: c }), maxRank), rows),
    });
  type RawFactor = { shift: number; negativeDiagonal: boolean[]; entries: number[][] };
  const build = (raw: RawFactor, rows: number, r: number): number[][] => {
    const logical = Array.from({ length: rows }, (_, i) =>
      Array.from({ length: r }, (_, j) => (i === j ? (raw.negativeDiagonal[j] ? -1 : 1) : i < r && j > i ? 0 : raw.entries[i][j])),
    );
    return Array.from({ length: rows }, (_, i) => logical[(i + raw.shift) % rows]);
  };
  return fc
    .record({
      m: fc.integer({ min: minRows, max: maxRows }),
      n: fc.integer({ min: minCols, max: maxCols }),
      rank: fc.integer({ min: minRank, max: maxRank }),
      left: factor(maxRows),
      right: factor(maxCols),
    })
    .map(({ m, n, rank: drawn, left, right }): FactorizationTarget => {
      const r = Math.min(drawn, m, n); // ≥ minRank because minRank ≤ min(minRows, minCols)
      const a = build(left, m, r);
      const b = build(right, n, r);
      const bt = Array.from({ length: r }, (_, j) => b.map((row) => row[j]));
      return { target: matMul(a, bt).map((row) => row.map(clean)), rank: r, left: a, right: b };
    });
}
