import fc from 'fast-check';
import { checkArchitecture, integerIn, numberWhere, ordered, rejectUnknownKeys } from './_internals/constraints.js';
import { dyadicValue, gridNumerators } from './_internals/dyadic.js';
import { fixedArray } from './_internals/fixedArray.js';
import { outer } from '../linalg/nestedArrays.js';
import type { Architecture, Weights } from './types.js';

export interface AlignedRankOneInitConstraints {
  /** |c_k| ∈ [minScale, maxScale] for the layers k ≥ 2, and |a_i| ≤ maxScale (defaults 1/4, 1) */
  minScale?: number;
  maxScale?: number;
  /** integer direction entries lie in [−maxDirectionEntry, maxDirectionEntry] (default 1) */
  maxDirectionEntry?: number;
  /** c_k and a_i are multiples of 2^−gridBits (default 8) */
  gridBits?: number;
}

const API = 'alignedRankOneInit';
const KNOWN = ['minScale', 'maxScale', 'maxDirectionEntry', 'gridBits'] as const;

/**
 * The aligned rank-one initialization of RNBU.1D (docs/claims.md, RNBU): W_1 = u_1 aᵀ and
 * W_k = s_k u_k u_{k−1}ᵀ for k ≥ 2, with unit u_k and u_L = 1 when d_L = 1.
 *
 * Stored exactly: each u_k is a non-zero integer vector p_k scaled to unit length,
 * and the scales are absorbed, W_1 = p_1 aᵀ and W_k = c_k p_k p_{k−1}ᵀ with dyadic
 * a and c_k (so s_k = c_k‖p_k‖‖p_{k−1}‖ and the form's a is ‖p_1‖·a). Every entry
 * is an exact dyadic, so every W_k is exactly rank ≤ 1 (rank 1 unless a = 0, which
 * is allowed) and the row space of W_k is exactly the column space of W_{k−1}.
 *
 * Shrinking: a → 0, |c_k| → minScale, signs → +, directions → smaller integer
 * entries (a zero vector becomes e_1). Σ_k ‖W_k‖_F² never increases.
 */
export function alignedRankOneInit(arch: Architecture, constraints: AlignedRankOneInitConstraints = {}): fc.Arbitrary<Weights> {
  const dims = checkArchitecture(API, arch);
  rejectUnknownKeys(API, constraints, KNOWN);
  const minScale = numberWhere(API, 'constraints.minScale', constraints.minScale ?? 1 / 4, (v) => v > 0, 'must be > 0 (c_k = 0 breaks the chain)');
  const maxScale = numberWhere(API, 'constraints.maxScale', constraints.maxScale ?? 1, (v) => v > 0, 'must be > 0');
  ordered(API, 'constraints.minScale', minScale, 'constraints.maxScale', maxScale);
  const m = integerIn(API, 'constraints.maxDirectionEntry', constraints.maxDirectionEntry ?? 1, 1, 1 << 10);
  const bits = integerIn(API, 'constraints.gridBits', constraints.gridBits ?? 8, 0, 20);
  const fields = { min: 'constraints.minScale', max: 'constraints.maxScale', bits: 'constraints.gridBits' };
  const scaleGrid = gridNumerators(API, minScale, maxScale, bits, fields);
  const aGrid = gridNumerators(API, -maxScale, maxScale, bits, { ...fields, min: '−constraints.maxScale' });
  const L = dims.length - 1;
  const outDim = dims[L];

  // directions p_1 … p_L; p_L = [1] when d_L = 1
  const direction = (d: number): fc.Arbitrary<number[]> =>
    fixedArray(fc.integer({ min: -m, max: m }), d).map((p) => (p.every((v) => v === 0) ? p.map((_, i) => (i === 0 ? 1 : 0)) : p));
  const directions = dims.slice(1).map((d, i) => (i === L - 1 && outDim === 1 ? fc.constant([1]) : direction(d)));
  const signedScale = fc.tuple(dyadicValue(scaleGrid.lo, scaleGrid.hi, bits), fc.boolean()).map(([c, neg]) => (neg ? -c : c));

  return fc
    .record({
      a: fixedArray(dyadicValue(aGrid.lo, aGrid.hi, bits), dims[0]),
      scales: fixedArray(signedScale, L - 1),
      directions: fc.tuple(...directions),
    })
    .map(({ a, scales, directions: p }): Weights => dims.slice(1).map((_, k) => (k === 0 ? outer(p[0], a) : outer(p[k], p[k - 1], scales[k - 1]))));
}
