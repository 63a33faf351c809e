import fc from 'fast-check';
import { checkArchitecture, integerIn, numberWhere, oneOf, ordered, rejectUnknownKeys } from './_internals/constraints.js';
import { dyadicValue, gridNumerators } from './_internals/dyadic.js';
import { clean, fixedArray } from './_internals/fixedArray.js';
import { householder, matMul, zeros } from '../linalg/nestedArrays.js';
import type { Architecture, Weights } from './types.js';

/**
 * 'dyadic': frames are signed permutations and, in layers of width ≥ 4,
 * reflections I − vvᵀ/2 with four ±1 entries in v — every entry of every
 * product is an exact dyadic, so each D_k is exactly 0.0 in float64.
 * 'rational': frames are reflections I − 2vvᵀ/‖v‖² for any integer v ∈ [−2, 2]^d —
 * generic bases; D_k = 0 in exact arithmetic and to a few ulps·s² in float64.
 */
export type BalancedFrames = 'dyadic' | 'rational';

export interface BalancedInitConstraints {
  /** per-path singular values s_j ∈ [minScale, maxScale], 0 < minScale (defaults 1/4, 1) */
  minScale?: number;
  maxScale?: number;
  /** the s_j are multiples of 2^−gridBits (default 8) */
  gridBits?: number;
  /** default 'dyadic' */
  frames?: BalancedFrames;
}

const API = 'balancedInit';
const KNOWN = ['minScale', 'maxScale', 'gridBits', 'frames'] as const;
const FRAMES: readonly BalancedFrames[] = ['dyadic', 'rational'];

/**
 * Exactly balanced weights: D_k = W_k W_kᵀ − W_{k+1}ᵀ W_{k+1} = 0 for k = 1…L−1
 * (docs/claims.md, Notation; DHL.Thm2.2, ACH.Thm1; balanced implies aligned, RNBU.Def2).
 *
 * Construction: W_k = H_k W̃_k H_{k−1} with orthogonal symmetric frames H_k (one
 * per layer of units, k = 0…L) and W̃_k a scaled signed partial permutation that
 * carries a ≤ min_k d_k "paths": path j goes through unit (o_k + j) mod d_k of
 * every layer with the same magnitude s_j and its own sign per layer. Then
 * W̃_k W̃_kᵀ = W̃_{k+1}ᵀ W̃_{k+1} = Σ_j s_j² e_{u_j} e_{u_j}ᵀ over the path units u_j of layer k, and the
 * frames carry the identity over. With 1-d output a = 1: a rank-one chain.
 *
 * Shrinking: fewer paths, smaller and rounder s_j, offsets → 0, signs → +, frames →
 * identity. Σ_k ‖W_k‖_F² = L·Σ_j s_j² never increases, and D_k stays 0.
 */
export function balancedInit(arch: Architecture, constraints: BalancedInitConstraints = {}): fc.Arbitrary<Weights> {
  const dims = checkArchitecture(API, arch);
  rejectUnknownKeys(API, constraints, KNOWN);
  const minScale = numberWhere(API, 'constraints.minScale', constraints.minScale ?? 1 / 4, (v) => v > 0, 'must be > 0 (a zero path is not a path)');
  const maxScale = numberWhere(API, 'constraints.maxScale', constraints.maxScale ?? 1, (v) => v > 0, 'must be > 0');
  ordered(API, 'constraints.minScale', minScale, 'constraints.maxScale', maxScale);
  const bits = integerIn(API, 'constraints.gridBits', constraints.gridBits ?? 8, 0, 20);
  const frames = oneOf(API, 'constraints.frames', constraints.frames ?? 'dyadic', FRAMES);
  const { lo, hi } = gridNumerators(API, minScale, maxScale, bits, { min: 'constraints.minScale', max: 'constraints.maxScale', bits: 'constraints.gridBits' });
  const L = dims.length - 1;
  const maxPaths = Math.min(...dims);

  const frame = (d: number): fc.Arbitrary<number[][]> =>
    frames === 'dyadic'
      ? fc.record({ on: fc.boolean(), offset: fc.integer({ min: 0, max: d - 1 }), negative: fixedArray(fc.boolean(), 4) }).map(({ on, offset, negative }) => {
          const v = new Array<number>(d).fill(0);
          // ‖v‖² = 4, so I − 2vvᵀ/‖v‖² = I − vvᵀ/2 has entries in {0, ±1/2, 1}
          if (on && d >= 4) negative.forEach((neg, i) => (v[(offset + i) % d] = neg ? -1 : 1));
          return householder(v);
        })
      : fixedArray(fc.integer({ min: -2, max: 2 }), d).map(householder);

  return fc
    .record({
      paths: fc.integer({ min: 1, max: maxPaths }),
      scales: fixedArray(dyadicValue(lo, hi, bits), maxPaths),
      offsets: fc.tuple(...dims.map((d) => fc.integer({ min: 0, max: d - 1 }))),
      negative: fixedArray(fixedArray(fc.boolean(), maxPaths), L),
      frames: fc.tuple(...dims.map(frame)),
    })
    .map(
      ({ paths, scales, offsets, negative, frames: h }): Weights =>
        dims.slice(1).map((rows, k) => {
          // layer k+1 in the papers' numbering: d_{k+1} × d_k
          const core = zeros(rows, dims[k]);
          for (let j = 0; j < paths; j++) core[(offsets[k + 1] + j) % rows][(offsets[k] + j) % dims[k]] = (negative[k][j] ? -1 : 1) * scales[j];
          return matMul(matMul(h[k + 1], core), h[k]).map((row) => row.map(clean));
        }),
    );
}
