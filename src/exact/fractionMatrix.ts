import { fraction, type Fraction } from 'mathjs';

/**
 * A dense matrix of exact rationals (mathjs Fraction, bigint numerator and
 * denominator), row-major like the Float64Array kernels. For the EXACT claims
 * on small cases: every entry is computed without rounding, so an identity
 * either holds with residual exactly 0 or is false.
 */
export interface FractionMatrix {
  readonly rows: number;
  readonly cols: number;
  readonly entries: readonly Fraction[];
}

const ZERO = fraction(0);
const ONE = fraction(1);

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

export function fractionMatrix(rows: number, cols: number, values: ArrayLike<number> | readonly Fraction[], where = 'fractionMatrix'): FractionMatrix {
  if (!Number.isInteger(rows) || rows < 1 || !Number.isInteger(cols) || cols < 1)
    throw new RangeError(`${where}: rows=${rows}, cols=${cols} must be positive integers`);
  if (values.length !== rows * cols) throw new RangeError(`${where}: ${values.length} values given, a ${rows}×${cols} matrix needs ${rows * cols}`);
  const entries: Fraction[] = [];
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    entries.push(typeof v === 'number' ? exactFraction(v, `${where}[${i}]`) : v);
  }
  return { rows, cols, entries };
}

export function zeros(rows: number, cols: number): FractionMatrix {
  return { rows, cols, entries: new Array<Fraction>(rows * cols).fill(ZERO) };
}

export function identity(n: number): FractionMatrix {
  const e = new Array<Fraction>(n * n).fill(ZERO);
  for (let i = 0; i < n; i++) e[i * n + i] = ONE;
  return { rows: n, cols: n, entries: e };
}

export function entry(A: FractionMatrix, i: number, j: number): Fraction {
  return A.entries[i * A.cols + j];
}

export function multiply(A: FractionMatrix, B: FractionMatrix): FractionMatrix {
  if (A.cols !== B.rows) throw new RangeError(`multiply: A is ${A.rows}×${A.cols}, B is ${B.rows}×${B.cols}; inner dimensions must agree`);
  const out: Fraction[] = [];
  for (let i = 0; i < A.rows; i++)
    for (let j = 0; j < B.cols; j++) {
      let s = ZERO;
      for (let k = 0; k < A.cols; k++) s = s.add(A.entries[i * A.cols + k].mul(B.entries[k * B.cols + j]));
      out.push(s);
    }
  return { rows: A.rows, cols: B.cols, entries: out };
}

export function transpose(A: FractionMatrix): FractionMatrix {
  const out: Fraction[] = [];
  for (let j = 0; j < A.cols; j++) for (let i = 0; i < A.rows; i++) out.push(A.entries[i * A.cols + j]);
  return { rows: A.cols, cols: A.rows, entries: out };
}

function sameShape(A: FractionMatrix, B: FractionMatrix, op: string): void {
  if (A.rows !== B.rows || A.cols !== B.cols) throw new RangeError(`${op}: shapes ${A.rows}×${A.cols} and ${B.rows}×${B.cols} differ`);
}

export function add(A: FractionMatrix, B: FractionMatrix): FractionMatrix {
  sameShape(A, B, 'add');
  return { rows: A.rows, cols: A.cols, entries: A.entries.map((a, i) => a.add(B.entries[i])) };
}

export function subtract(A: FractionMatrix, B: FractionMatrix): FractionMatrix {
  sameShape(A, B, 'subtract');
  return { rows: A.rows, cols: A.cols, entries: A.entries.map((a, i) => a.sub(B.entries[i])) };
}

export function scale(c: Fraction, A: FractionMatrix): FractionMatrix {
  return { rows: A.rows, cols: A.cols, entries: A.entries.map((a) => c.mul(a)) };
}

export function isZero(A: FractionMatrix): boolean {
  return A.entries.every((a) => a.n === 0n);
}

/**
 * Entries as doubles, for reports and comparisons with the float kernels: Fraction.valueOf,
 * i.e. Number(n)/Number(d) (exact for dyadics with denominators up to 2^1023; 0 below that).
 */
export function toNumbers(A: FractionMatrix): Float64Array {
  return Float64Array.from(A.entries, (a) => a.valueOf());
}

/** Readable form for counterexample reports: [[1/2, -3], [0, 1]]. */
export function formatFractionMatrix(A: FractionMatrix): string {
  const rows: string[] = [];
  for (let i = 0; i < A.rows; i++) rows.push(`[${A.entries.slice(i * A.cols, (i + 1) * A.cols).map((a) => a.toFraction()).join(', ')}]`);
  return `[${rows.join(', ')}]`;
}
