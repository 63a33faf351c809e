import { fraction, type Fraction } from 'mathjs';

/**
 * Dense matrices of exact rationals (mathjs Fraction, bigint numerator and denominator) for the EXACT claims on
 * small cases: every entry is computed without rounding, so an identity either holds with residual exactly 0 or is
 * false. Row-major nested arrays: M[i][j]. Slow by design — a few steps on matrices of size ≤ 5, never a training loop.
 */
export type FractionMatrix = Fraction[][];

const ZERO = fraction(0);

/**
 * The exact rational value of a finite double (every double is m·2^e). Unlike
 * mathjs' fraction(x), which returns a nearby "nice" rational (0.1 → 1/10),
 * this keeps the binary value, so fractions of float inputs are the floats.
 */
export function exactFraction(x: number, where = 'exactFraction'): Fraction {
  if (!Number.isFinite(x)) throw new RangeError(`${where}: x=${x} must be a finite number`);
  if (Number.isSafeInteger(x)) return fraction(BigInt(x), 1n);
  let scaled = x;
  let shift = 0n;
  // doubling is exact; at most 1074 doublings make any finite double an integer
  while (!Number.isInteger(scaled)) {
    scaled *= 2;
    shift++;
  }
  return fraction(BigInt(scaled), 2n ** shift);
}

/** A rows × cols matrix from row-major values: doubles by their exact binary value (exactFraction), or fractions. */
export function fractionMatrix(rows: number, cols: number, values: ArrayLike<number> | readonly Fraction[], where = 'fractionMatrix'): FractionMatrix {
  if (!Number.isInteger(rows) || rows < 1 || !Number.isInteger(cols) || cols < 1)
    throw new RangeError(`${where}: rows=${rows}, cols=${cols} must be positive integers`);
  if (values.length !== rows * cols) throw new RangeError(`${where}: ${values.length} values given, a ${rows}×${cols} matrix needs ${rows * cols}`);
  return Array.from({ length: rows }, (_, i) =>
    Array.from({ length: cols }, (_, j) => {
      const v = values[i * cols + j];
      return typeof v === 'number' ? exactFraction(v, `${where}[${i * cols + j}]`) : v;
    }),
  );
}

export function fractionOf(numerator: number, denominator = 1, where = 'fractionOf'): Fraction {
  if (!Number.isInteger(numerator) || !Number.isInteger(denominator) || denominator === 0)
    throw new RangeError(`${where}: numerator=${numerator}, denominator=${denominator} must be integers with denominator ≠ 0`);
  return fraction(numerator, denominator);
}

export function zeros(rows: number, cols: number): FractionMatrix {
  return Array.from({ length: rows }, () => Array.from({ length: cols }, () => ZERO));
}

export function identity(size: number): FractionMatrix {
  return Array.from({ length: size }, (_, i) => Array.from({ length: size }, (_, j) => (i === j ? fraction(1) : ZERO)));
}

export function shape(A: FractionMatrix): [number, number] {
  return [A.length, A.length === 0 ? 0 : A[0].length];
}

export function matmul(A: FractionMatrix, B: FractionMatrix, where = 'matmul'): FractionMatrix {
  const [r, m] = shape(A);
  const [m2, c] = shape(B);
  if (m !== m2) throw new RangeError(`${where}: A is ${r}×${m} but B is ${m2}×${c}; inner sizes must agree`);
  const C = zeros(r, c);
  for (let i = 0; i < r; i++)
    for (let j = 0; j < c; j++) {
      let s = ZERO;
      for (let k = 0; k < m; k++) s = s.add(A[i][k].mul(B[k][j]));
      C[i][j] = s;
    }
  return C;
}

export function transpose(A: FractionMatrix): FractionMatrix {
  const [r, c] = shape(A);
  return Array.from({ length: c }, (_, j) => Array.from({ length: r }, (_, i) => A[i][j]));
}

function sameShape(A: FractionMatrix, B: FractionMatrix, op: string): void {
  const [r, c] = shape(A);
  const [r2, c2] = shape(B);
  if (r !== r2 || c !== c2) throw new RangeError(`${op}: shapes ${r}×${c} and ${r2}×${c2} differ`);
}

export function add(A: FractionMatrix, B: FractionMatrix): FractionMatrix {
  sameShape(A, B, 'add');
  return A.map((row, i) => row.map((a, j) => a.add(B[i][j])));
}

export function sub(A: FractionMatrix, B: FractionMatrix): FractionMatrix {
  sameShape(A, B, 'sub');
  return A.map((row, i) => row.map((a, j) => a.sub(B[i][j])));
}

export function scale(A: FractionMatrix, s: Fraction): FractionMatrix {
  return A.map((row) => row.map((a) => a.mul(s)));
}

/** ⟨A, B⟩_F = Σ A_ij B_ij. */
export function inner(A: FractionMatrix, B: FractionMatrix): Fraction {
  let s = ZERO;
  A.forEach((row, i) => row.forEach((a, j) => (s = s.add(a.mul(B[i][j])))));
  return s;
}

/** Product M_L ⋯ M_1 of a list given first-applied first; identity(size) when the list is empty. */
export function chainProduct(factors: readonly FractionMatrix[], size: number): FractionMatrix {
  let P = identity(size);
  for (const F of factors) P = matmul(F, P);
  return P;
}

/** Entries (i, j), i ≠ j, that are not exactly zero (rectangular: the diagonal is (j, j), j < min(rows, cols)). */
export function offDiagonalNonzeros(A: FractionMatrix): { i: number; j: number; value: Fraction }[] {
  const out: { i: number; j: number; value: Fraction }[] = [];
  A.forEach((row, i) => row.forEach((a, j) => i !== j && !a.equals(ZERO) && out.push({ i, j, value: a })));
  return out;
}

export function diagonal(A: FractionMatrix): Fraction[] {
  const [r, c] = shape(A);
  return Array.from({ length: Math.min(r, c) }, (_, j) => A[j][j]);
}

/** Every entry exactly 0. */
export function isZero(A: FractionMatrix): boolean {
  return A.every((row) => row.every((a) => a.n === 0n));
}

export function equals(A: FractionMatrix, B: FractionMatrix): boolean {
  const [r, c] = shape(A);
  const [r2, c2] = shape(B);
  return r === r2 && c === c2 && A.every((row, i) => row.every((a, j) => a.equals(B[i][j])));
}

/**
 * Entries as doubles, row-major, for reports and comparisons with the float kernels: Fraction.valueOf, i.e.
 * Number(n)/Number(d) (exact for dyadics with denominators up to 2^1023; 0 below that).
 */
export function toFloat(A: FractionMatrix): Float64Array {
  const [r, c] = shape(A);
  const out = new Float64Array(r * c);
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) out[i * c + j] = A[i][j].valueOf();
  return out;
}

/** Readable text for reports: [[1, -2/9], [0, 7/9]]. */
export function format(A: FractionMatrix): string {
  return `[${A.map((row) => `[${row.map((a) => a.toFraction()).join(', ')}]`).join(', ')}]`;
}
