import { fraction } from 'mathjs';
import { matmul, toFloat, zeros, type FractionMatrix } from './fractionMatrix.js';

/**
 * An orthogonal basis of ℝ^size with rational entries, as plain data (so a
 * shrunk counterexample prints readably): U = H(v) Π, where Π is the signed
 * permutation with column j = signs[j]·e_{perm[j]}, and H(v) = I − 2vvᵀ/(vᵀv) is
 * the Householder reflection of an integer vector v (omitted when null).
 * Columns of U are the basis vectors u_1 … u_size. With vᵀv a power of two
 * (e.g. v = (1,1,1,1)) every entry is dyadic and exact in floating point.
 */
export interface RationalBasis {
  readonly size: number;
  readonly perm: readonly number[];
  readonly signs: readonly (1 | -1)[];
  readonly householder: readonly number[] | null;
}

export function checkRationalBasis(b: RationalBasis, where = 'basis'): void {
  const { size, perm, signs, householder } = b;
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`${where}.size=${size} must be a positive integer`);
  if (perm.length !== size || signs.length !== size)
    throw new RangeError(`${where}: perm (length ${perm.length}) and signs (length ${signs.length}) must both have length size=${size}`);
  const seen = new Set(perm);
  if (seen.size !== size || perm.some((p) => !Number.isInteger(p) || p < 0 || p >= size))
    throw new RangeError(`${where}.perm=${JSON.stringify(perm)} must be a permutation of 0..${size - 1}`);
  if (signs.some((s) => s !== 1 && s !== -1)) throw new RangeError(`${where}.signs=${JSON.stringify(signs)} must contain only 1 and -1`);
  if (householder !== null) {
    if (householder.length !== size) throw new RangeError(`${where}.householder has length ${householder.length}; it must have length size=${size} or be null`);
    if (householder.some((v) => !Number.isInteger(v))) throw new RangeError(`${where}.householder=${JSON.stringify(householder)} must contain integers`);
    if (householder.every((v) => v === 0)) throw new RangeError(`${where}.householder is the zero vector; use null for no reflection`);
  }
}

/** The identity basis of ℝ^size. */
export function standardBasis(size: number): RationalBasis {
  return { size, perm: Array.from({ length: size }, (_, i) => i), signs: Array.from({ length: size }, () => 1 as const), householder: null };
}

/** U as exact rationals (columns are the basis vectors). */
export function basisFractions(b: RationalBasis, where = 'basis'): FractionMatrix {
  checkRationalBasis(b, where);
  const n = b.size;
  const P = zeros(n, n);
  for (let j = 0; j < n; j++) P[b.perm[j]][j] = fraction(b.signs[j]);
  if (b.householder === null) return P;
  const v = b.householder;
  const vv = v.reduce((s, x) => s + x * x, 0);
  const H = zeros(n, n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) H[i][j] = fraction(i === j ? 1 : 0).sub(fraction(2 * v[i] * v[j], vv));
  return matmul(H, P);
}

/** U rounded entrywise to the nearest doubles, row-major (columns are the basis vectors). */
export function basisFloat(b: RationalBasis, where = 'basis'): Float64Array {
  return toFloat(basisFractions(b, where));
}

/** True when every entry of U is a dyadic rational, i.e. U is exact in floating point. */
export function isDyadicBasis(b: RationalBasis): boolean {
  return basisFractions(b).every((row) => row.every((x) => (x.d & (x.d - 1n)) === 0n));
}
