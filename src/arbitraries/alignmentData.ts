import fc from 'fast-check';
import { fraction } from 'mathjs';
import { datasetFromArrays, type Dataset } from '../data/dataset.js';
import { diagonal, identity, matmul, offDiagonalNonzeros, scale, toFloat, transpose, zeros, type FractionMatrix } from '../exact/fractionMatrix.js';
import type { ExactProblem } from '../exact/exactStep.js';
import { sensingCarrier, sensingGradient } from '../trainer/sensingGradient.js';
import { basisFractions, type RationalBasis } from '../exact/rationalBasis.js';
import type { GradientFn } from '../trainer/gradient.js';
import { rationalBasis } from './alignedInit.js';

/**
 * Squared-loss data that meet RNBU.Thm1's invariance conditions for given
 * bases U_0 (input) and U_L (output), or break them (generic). With X the
 * d_0 × n matrix of samples, Λ = U_0ᵀXXᵀU_0 and Γ = U_LᵀYXᵀU_0:
 * - autoencoding: X = U_0 S Vᵀ (S rectangular-diagonal, V an n×n rational basis), Y = X: Λ = Γ = SSᵀ diagonal;
 * - factorization: X = I (n = d_0), Y = U_L D U_0ᵀ: Λ = I, Γ = D;
 * - sensing: measurements A_j = U_L D_j U_0ᵀ (D_j diagonal) with targets b_j;
 * - generic: X, Y with free integer entries (the CEX: Λ, Γ not diagonal).
 * Entries are numerator/denominator, exact in rationals; scales are kept so
 * that every sample has ‖x_i‖ ≤ 1. Shrinks toward few samples and small numerators.
 */
export type AlignmentData =
  | {
      readonly kind: 'autoencoding';
      readonly input: RationalBasis;
      readonly mixing: RationalBasis;
      readonly scales: readonly number[];
      readonly denominator: number;
    }
  | {
      readonly kind: 'factorization';
      readonly input: RationalBasis;
      readonly output: RationalBasis;
      readonly target: readonly number[];
      readonly denominator: number;
    }
  | {
      readonly kind: 'sensing';
      readonly input: RationalBasis;
      readonly output: RationalBasis;
      readonly measurements: readonly (readonly number[])[];
      readonly targets: readonly number[];
      readonly denominator: number;
    }
  | { readonly kind: 'generic'; readonly x: readonly (readonly number[])[]; readonly y: readonly (readonly number[])[]; readonly denominator: number };

export type AlignmentDataKind = AlignmentData['kind'];

export interface AlignmentDataConstraints {
  readonly kind: AlignmentDataKind;
  /** U_0 (its size is d_0) */
  readonly input: RationalBasis;
  /** U_L (its size is d_L); autoencoding needs output = input */
  readonly output: RationalBasis;
  /** samples (measurements for sensing); factorization always has n = d_0. Default 1..4 */
  readonly minSamples?: number;
  readonly maxSamples?: number;
  /** entries are integers in [−maxNumerator, maxNumerator] over the denominator (default 4) */
  readonly maxNumerator?: number;
  /** |autoencoding scales| and |factorization targets| non-increasing in j, so a bottleneck (which keeps the leading indices) keeps the largest directions: the stable ordering */
  readonly descending?: boolean;
  /** scales, targets and measurement diagonals in [0, maxNumerator] (with a positive init: no index has to cross zero) */
  readonly nonnegative?: boolean;
  /** Householder range of the autoencoding mixing basis V (default 2) */
  readonly householderRange?: number;
}

function sameBasis(a: RationalBasis, b: RationalBasis): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export function alignmentData(c: AlignmentDataConstraints): fc.Arbitrary<AlignmentData> {
  const d0 = c.input.size;
  const dL = c.output.size;
  const m = c.maxNumerator ?? 4;
  const minN = c.minSamples ?? 1;
  const maxN = c.maxSamples ?? 4;
  if (!Number.isInteger(m) || m < 1) throw new RangeError(`alignmentData constraints.maxNumerator=${m} must be a positive integer`);
  if (!Number.isInteger(minN) || minN < 1 || maxN < minN)
    throw new RangeError(`alignmentData constraints: minSamples=${minN}, maxSamples=${maxN} must be integers with 1 ≤ minSamples ≤ maxSamples`);
  const num = fc.integer({ min: c.nonnegative ? 0 : -m, max: m });
  const vec = (len: number) => fc.array(num, { minLength: len, maxLength: len });
  switch (c.kind) {
    case 'autoencoding': {
      if (!sameBasis(c.input, c.output))
        throw new RangeError(
          'alignmentData kind=autoencoding: output basis must equal input basis (Y = X lives in the input space); use alignedInit({ sameEnds: true })',
        );
      return fc.integer({ min: minN, max: maxN }).chain((n) =>
        fc.record({
          kind: fc.constant('autoencoding' as const),
          input: fc.constant(c.input),
          mixing: rationalBasis(n, c.householderRange ?? 2),
          scales: vec(Math.min(d0, n)).map((s) => (c.descending ? [...s].sort((a, b) => Math.abs(b) - Math.abs(a)) : s)),
          // |x_i| ≤ ‖X‖_2 = max|scale| ≤ 1
          denominator: fc.constant(m),
        }),
      );
    }
    case 'factorization':
      return fc.record({
        kind: fc.constant('factorization' as const),
        input: fc.constant(c.input),
        output: fc.constant(c.output),
        target: vec(Math.min(d0, dL)).map((s) => (c.descending ? [...s].sort((a, b) => Math.abs(b) - Math.abs(a)) : s)),
        denominator: fc.constant(m),
      });
    case 'sensing':
      return fc.integer({ min: minN, max: maxN }).chain((n) =>
        fc.record({
          kind: fc.constant('sensing' as const),
          input: fc.constant(c.input),
          output: fc.constant(c.output),
          measurements: fc.array(vec(Math.min(d0, dL)), { minLength: n, maxLength: n }),
          targets: vec(n),
          denominator: fc.constant(m),
        }),
      );
    case 'generic':
      return fc.integer({ min: minN, max: maxN }).chain((n) =>
        fc.record({
          kind: fc.constant('generic' as const),
          x: fc.array(vec(d0), { minLength: n, maxLength: n }),
          y: fc.array(vec(dL), { minLength: n, maxLength: n }),
          // ‖x_i‖ ≤ √d_0·m/(m·d_0) ≤ 1
          denominator: fc.constant(m * d0),
        }),
      );
  }
}

function rectDiagonal(rows: number, cols: number, entries: readonly number[], denominator: number): FractionMatrix {
  const S = zeros(rows, cols);
  entries.forEach((s, j) => (S[j][j] = fraction(s, denominator)));
  return S;
}

/** The problem in exact rationals (regression X, Y with columns as samples, or sensing). */
export function alignmentProblemFractions(d: AlignmentData): ExactProblem {
  switch (d.kind) {
    case 'autoencoding': {
      const U0 = basisFractions(d.input, 'data.input');
      const V = basisFractions(d.mixing, 'data.mixing');
      const X = matmul(matmul(U0, rectDiagonal(d.input.size, d.mixing.size, d.scales, d.denominator)), transpose(V));
      return { kind: 'regression', X, Y: X };
    }
    case 'factorization': {
      const U0 = basisFractions(d.input, 'data.input');
      const UL = basisFractions(d.output, 'data.output');
      const Y = matmul(matmul(UL, rectDiagonal(d.output.size, d.input.size, d.target, d.denominator)), transpose(U0));
      return { kind: 'regression', X: identity(d.input.size), Y };
    }
    case 'sensing': {
      const U0 = basisFractions(d.input, 'data.input');
      const UL = basisFractions(d.output, 'data.output');
      const measurements = d.measurements.map((D) => matmul(matmul(UL, rectDiagonal(d.output.size, d.input.size, D, d.denominator)), transpose(U0)));
      return { kind: 'sensing', measurements, targets: d.targets.map((b) => fraction(b, d.denominator)) };
    }
    case 'generic': {
      const X = transpose(d.x.map((row) => row.map((v) => fraction(v, d.denominator))));
      const Y = transpose(d.y.map((row) => row.map((v) => fraction(v, d.denominator))));
      return { kind: 'regression', X, Y };
    }
  }
}

/**
 * The problem in floating point for gradientDescent: a regression dataset
 * (entries rounded once from the exact rationals), or for sensing a carrier
 * dataset with the sensing gradient.
 */
export function alignmentProblemFloat(d: AlignmentData, dims: readonly number[]): { data: Dataset; gradient?: GradientFn & { readonly E: Float64Array } } {
  const p = alignmentProblemFractions(d);
  if (p.kind === 'sensing')
    return {
      data: sensingCarrier(dims),
      gradient: sensingGradient({ dims, measurements: p.measurements.map(toFloat), targets: Float64Array.from(p.targets.map((b) => b.valueOf())) }),
    };
  const xs = transpose(p.X).map((row) => row.map((v) => v.valueOf()));
  const ys = transpose(p.Y).map((row) => row.map((v) => v.valueOf()));
  return { data: datasetFromArrays(xs, ys, 'regression', `data(${d.kind})`) };
}

/**
 * λ_j = Λ[j,j]/n and γ_j = Γ[j,j]/n of a regression problem, exactly then
 * rounded (RNBU.Cor1), with `diagonal` true when Λ and Γ are exactly diagonal.
 */
export function alignmentMoments(d: AlignmentData, U0: RationalBasis, UL: RationalBasis): { lambda: number[]; gamma: number[]; diagonal: boolean } {
  const p = alignmentProblemFractions(d);
  if (p.kind !== 'regression') throw new TypeError(`alignmentMoments: data.kind=${d.kind} has no Λ, Γ (sensing couples the indices); use a regression kind`);
  const n = p.X[0].length;
  const B0 = basisFractions(U0, 'U0');
  const BL = basisFractions(UL, 'UL');
  const Lam = scale(matmul(matmul(transpose(B0), matmul(p.X, transpose(p.X))), B0), fraction(1, n));
  const Gam = scale(matmul(matmul(transpose(BL), matmul(p.Y, transpose(p.X))), B0), fraction(1, n));
  return {
    lambda: diagonal(Lam).map((v) => v.valueOf()),
    gamma: diagonal(Gam).map((v) => v.valueOf()),
    diagonal: offDiagonalNonzeros(Lam).length === 0 && offDiagonalNonzeros(Gam).length === 0,
  };
}
