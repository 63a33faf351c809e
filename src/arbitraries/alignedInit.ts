import fc from 'fast-check';
import { fraction } from 'mathjs';
import { matmul, toFloat, transpose, zeros, type FractionMatrix } from '../exact/fractionMatrix.js';
import { basisFloat, basisFractions, type RationalBasis } from '../exact/rationalBasis.js';

/**
 * Aligned initializations (RNBU.Def2): W_k = U_k Σ_k U_{k−1}ᵀ with rational
 * orthogonal bases U_0..U_L (signed permutations, optionally a Householder
 * reflection of an integer vector) and rectangular-diagonal Σ_k with entries
 * numerator/denominator. Everything is exact in rationals, so a test can run
 * the same case in Fractions and in floating point (weights rounded once,
 * entrywise, from the exact product). Shrinks toward the identity basis,
 * small depth and width, and small numerators.
 */
export interface AlignedInit {
  readonly dims: readonly number[];
  /** U_0..U_L */
  readonly bases: readonly RationalBasis[];
  /** numerators of diag(Σ_k), k = 1..L; sigmas[k−1] has min(d_k, d_{k−1}) entries */
  readonly sigmas: readonly (readonly number[])[];
  readonly denominator: number;
}

export interface AlignedInitConstraints {
  /** fixed layer sizes d_0..d_L; otherwise generated from depth and width ranges */
  readonly dims?: readonly number[];
  readonly minDepth?: number;
  readonly maxDepth?: number;
  readonly minWidth?: number;
  readonly maxWidth?: number;
  /** σ numerators are integers in [−maxNumerator, maxNumerator] (default 8) */
  readonly maxNumerator?: number;
  /** σ = numerator/denominator (default 8: dyadic) */
  readonly denominator?: number;
  /** σ numerators in [1, maxNumerator] instead (no zero or negative singular values) */
  readonly positive?: boolean;
  /** Householder vector entries in [−householderRange, householderRange]; 0 gives signed permutations only (default 2) */
  readonly householderRange?: number;
  /** U_L = U_0 (autoencoding: the output lives in the input space) */
  readonly sameEnds?: boolean;
  /** |σ_{k,j}| non-increasing in j for every layer (with data scales also sorted, the bottleneck keeps the largest directions) */
  readonly descending?: boolean;
  /** one σ_j per index shared by all layers (a balanced aligned init) */
  readonly balanced?: boolean;
}

function checkRange(where: string, name: string, v: number, min: number): void {
  if (!Number.isInteger(v) || v < min) throw new RangeError(`alignedInit constraints.${name}=${v} must be an integer ≥ ${min}${where}`);
}

/** A signed permutation (Lehmer code, shrinking to the identity) times an optional integer Householder reflection. */
export function rationalBasis(size: number, householderRange = 2): fc.Arbitrary<RationalBasis> {
  checkRange('', 'size', size, 1);
  checkRange('', 'householderRange', householderRange, 0);
  const lehmer = fc.tuple(...Array.from({ length: size }, (_, i) => fc.integer({ min: 0, max: size - 1 - i })));
  const signs = fc.array(fc.constantFrom<1 | -1>(1, -1), { minLength: size, maxLength: size });
  const house =
    householderRange === 0 || size === 1
      ? fc.constant(null)
      : fc.option(
          fc
            .array(fc.integer({ min: -householderRange, max: householderRange }), { minLength: size, maxLength: size })
            .map((v) => (v.every((x) => x === 0) ? null : v)),
          { nil: null, freq: 2 },
        );
  return fc.record({ code: lehmer, signs, householder: house }).map(({ code, signs, householder }) => {
    const pool = Array.from({ length: size }, (_, i) => i);
    const perm = code.map((c) => pool.splice(c, 1)[0]);
    return { size, perm, signs, householder };
  });
}

export function alignedInit(c: AlignedInitConstraints = {}): fc.Arbitrary<AlignedInit> {
  const maxNumerator = c.maxNumerator ?? 8;
  const denominator = c.denominator ?? 8;
  const h = c.householderRange ?? 2;
  checkRange('', 'maxNumerator', maxNumerator, 1);
  checkRange('', 'denominator', denominator, 1);
  const dimsArb: fc.Arbitrary<number[]> = c.dims
    ? fc.constant([...c.dims])
    : (() => {
        const minDepth = c.minDepth ?? 1;
        const maxDepth = c.maxDepth ?? 3;
        const minWidth = c.minWidth ?? 1;
        const maxWidth = c.maxWidth ?? 4;
        checkRange('', 'minDepth', minDepth, 1);
        checkRange('', 'minWidth', minWidth, 1);
        if (maxDepth < minDepth) throw new RangeError(`alignedInit constraints.maxDepth=${maxDepth} must be ≥ minDepth=${minDepth}`);
        if (maxWidth < minWidth) throw new RangeError(`alignedInit constraints.maxWidth=${maxWidth} must be ≥ minWidth=${minWidth}`);
        return fc
          .integer({ min: minDepth, max: maxDepth })
          .chain((L) => fc.array(fc.integer({ min: minWidth, max: maxWidth }), { minLength: L + 1, maxLength: L + 1 }))
          .map((d) => (c.sameEnds ? [...d.slice(0, -1), d[0]] : d));
      })();
  if (c.dims) {
    if (c.dims.length < 2) throw new RangeError(`alignedInit constraints.dims=${JSON.stringify(c.dims)} needs at least two sizes (one layer)`);
    c.dims.forEach((d, k) => checkRange(` (dims[${k}])`, 'dims', d, 1));
    if (c.sameEnds && c.dims[0] !== c.dims[c.dims.length - 1])
      throw new RangeError(`alignedInit constraints.sameEnds needs d_0 = d_L, got dims=${JSON.stringify(c.dims)}`);
  }
  const numerator = c.positive ? fc.integer({ min: 1, max: maxNumerator }) : fc.integer({ min: -maxNumerator, max: maxNumerator });
  return dimsArb.chain((dims) => {
    const L = dims.length - 1;
    const sizes = dims.slice(1).map((d, k) => Math.min(d, dims[k]));
    const order = (s: number[]): number[] => (c.descending ? [...s].sort((a, b) => Math.abs(b) - Math.abs(a)) : s);
    const widest = Math.max(...sizes);
    const sorted: fc.Arbitrary<number[][]> = c.balanced
      ? fc.array(numerator, { minLength: widest, maxLength: widest }).map((s) => sizes.map((m) => order(s).slice(0, m)))
      : fc.tuple(...sizes.map((m) => fc.array(numerator, { minLength: m, maxLength: m }).map(order)));
    const bases = fc.tuple(...dims.map((d) => rationalBasis(d, h))).map((bs) => (c.sameEnds ? [...bs.slice(0, L), bs[0]] : bs));
    return fc.record({ dims: fc.constant(dims), bases, sigmas: sorted, denominator: fc.constant(denominator) });
  });
}

/** Σ_k as a rectangular-diagonal Fraction matrix. */
export function sigmaFractions(init: AlignedInit, k: number): FractionMatrix {
  const rows = init.dims[k + 1];
  const cols = init.dims[k];
  const S = zeros(rows, cols);
  init.sigmas[k].forEach((s, j) => (S[j][j] = fraction(s, init.denominator)));
  return S;
}

/** W_k = U_k Σ_k U_{k−1}ᵀ exactly. */
export function alignedInitFractions(init: AlignedInit): FractionMatrix[] {
  const U = init.bases.map((b, k) => basisFractions(b, `init.bases[${k}]`));
  return init.sigmas.map((_, k) => matmul(matmul(U[k + 1], sigmaFractions(init, k)), transpose(U[k])));
}

/** The exact W_k rounded entrywise to doubles (row-major). */
export function alignedInitWeights(init: AlignedInit): Float64Array[] {
  return alignedInitFractions(init).map(toFloat);
}

/** U_0..U_L rounded to doubles (columns are basis vectors). */
export function alignedInitBases(init: AlignedInit): Float64Array[] {
  return init.bases.map((b, k) => basisFloat(b, `init.bases[${k}]`));
}

/** σ_{k,j} as doubles. */
export function alignedInitSigmas(init: AlignedInit): number[][] {
  return init.sigmas.map((s) => s.map((v) => v / init.denominator));
}
