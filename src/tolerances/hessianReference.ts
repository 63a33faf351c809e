/**
 * A high-precision reference for the rounding allowance of JT.Lem5's curvature (hessianRounding.ts): ‖∇²R(W)‖_2 of the
 * logistic margin risk R(W) = (1/n) Σ_i ℓ(m_i), m_i = W_L ⋯ W_1 z_i, evaluated in mathjs BigNumbers (decimal.js) at
 * REFERENCE_DIGITS significant digits from the exact values of the float64 inputs. It shares no code with
 * src/verify/jt/hessian.ts: the derivatives of m come from the product itself (below), not from the chain formula. Not a
 * hot path (a 15-parameter case takes tens of milliseconds).
 */
import { type BigNumber, all, create } from 'mathjs';
import { symmetricEigenvalues } from '../linalg/symmetricEigenvalues.js';

/** 34 digits: the reference's own error (≈ 1e-30 relative) is 14 orders below the float64 errors it measures. */
export const REFERENCE_DIGITS = 34;

const big = create(all, { number: 'BigNumber', precision: REFERENCE_DIGITS });
const ZERO = big.bignumber(0);
const ONE = big.bignumber(1);
/** Rayleigh quotient iteration stops when the eigenvalue moves by less than this (it converges cubically). */
const SETTLED = big.bignumber('1e-28');

/** The exact value of a double (an integer m < 2^53 times 2^−e), not its shortest decimal string. */
export function exactDecimal(x: number): BigNumber {
  if (!Number.isFinite(x)) throw new RangeError(`exactDecimal: x=${x} must be finite`);
  let m = x;
  let e = 0;
  while (!Number.isInteger(m)) {
    m *= 2;
    e++;
  }
  return big.bignumber(m).div(big.bignumber(2).pow(e));
}

/** Gaussian elimination with partial pivoting; null for a singular matrix. */
function solve(A: BigNumber[][], b: BigNumber[]): BigNumber[] | null {
  const n = b.length;
  const M = A.map((row, i) => [...row, b[i]]);
  for (let c = 0; c < n; c++) {
    let pivot = c;
    for (let r = c + 1; r < n; r++) if (M[r][c].abs().gt(M[pivot][c].abs())) pivot = r;
    if (M[pivot][c].isZero()) return null;
    [M[c], M[pivot]] = [M[pivot], M[c]];
    for (let r = c + 1; r < n; r++) {
      const f = M[r][c].div(M[c][c]);
      for (let j = c; j <= n; j++) M[r][j] = M[r][j].minus(f.times(M[c][j]));
    }
  }
  const x = new Array<BigNumber>(n);
  for (let r = n - 1; r >= 0; r--) {
    let acc = M[r][n];
    for (let j = r + 1; j < n; j++) acc = acc.minus(M[r][j].times(x[j]));
    x[r] = acc.div(M[r][r]);
  }
  return x;
}

/**
 * max|λ| of a symmetric matrix at REFERENCE_DIGITS: the float64 eigensolver's extreme eigenvalues (within ~1e-15 of the
 * true ones) start Rayleigh quotient iteration, which converges cubically to the eigenvalue nearest its shift, so two
 * or three iterations settle every digit. (mathjs's eigs on BigNumber matrices does not: on [[a, −2a, −b],
 * [−2a, 4a, 2b], [−b, 2b, 0]], a = 9/256, b = 1/4, whose top eigenvalue (5a + √(25a² + 20b²))/2 = 0.6537746784622712…
 * has a closed form, mathjs 15.2 returned 0.6537746783358286…)
 */
export function referenceSpectralNorm(H: readonly (readonly BigNumber[])[]): BigNumber {
  const P = H.length;
  const floats = symmetricEigenvalues(H.map((row) => row.map((v) => v.toNumber())));
  const low = Math.min(...floats);
  const high = Math.max(...floats);
  // refine the extreme eigenvalue that is max|λ|, or both when their moduli agree within the float solver's error
  const starts = Math.abs(Math.abs(low) - Math.abs(high)) > 1e-12 * (high - low) ? [Math.abs(low) > Math.abs(high) ? low : high] : [low, high];
  let norm = ZERO;
  for (const start of starts) {
    let shift = exactDecimal(start);
    let x = Array.from({ length: P }, (_, i) => ONE.div(i + 2));
    for (let it = 0; it < 6; it++) {
      const y = solve(
        H.map((row, i) => row.map((v, j) => (i === j ? v.minus(shift) : v))),
        x,
      );
      if (y === null) break; // the shift is an eigenvalue to every digit
      const length = y.reduce((acc, v) => acc.plus(v.times(v)), ZERO).sqrt();
      x = y.map((v) => v.div(length));
      // the Rayleigh quotient xᵀHx (‖x‖ = 1)
      const next = H.reduce((acc, row, i) => acc.plus(x[i].times(row.reduce((t, v, j) => t.plus(v.times(x[j])), ZERO))), ZERO);
      const settled = next.minus(shift).abs().lt(SETTLED);
      shift = next;
      if (settled) break;
    }
    if (shift.abs().gt(norm)) norm = shift.abs();
  }
  return norm;
}

/**
 * ‖∇²R(W)‖_2 of the logistic margin risk at REFERENCE_DIGITS, for weights W_k (d_k × d_{k−1}, d_L = 1) and samples
 * z_i = y_i x_i. m is multilinear in the layers, so ∂m/∂W_k[p,q] is the product W_L ⋯ W_1 z with W_k replaced by the
 * unit matrix E_pq, and ∂²m/∂W_j[p,q]∂W_k[r,s] (j ≠ k) the product with W_j and W_k replaced by E_pq and E_rs (zero for
 * j = k); ∇²R = (1/n) Σ_i ℓ''(m_i)∇m_i∇m_iᵀ + ℓ'(m_i)∇²m_i with ℓ'(u) = −1/(1 + e^u), ℓ''(u) = e^u/(1 + e^u)².
 */
export function referenceHessianNorm(weights: readonly (readonly (readonly number[])[])[], z: readonly (readonly number[])[]): BigNumber {
  if (weights.length === 0 || z.length === 0) throw new RangeError('referenceHessianNorm: weights and z must be non-empty');
  const Ws = weights.map((W) => W.map((row) => row.map(exactDecimal)));
  const L = Ws.length;
  const dims = [Ws[0][0].length, ...Ws.map((W) => W.length)];
  if (dims[L] !== 1) throw new RangeError(`referenceHessianNorm: output dimension d_L=${dims[L]} must be 1 (a margin loss)`);
  const params: [number, number, number][] = [];
  for (let k = 0; k < L; k++) for (let p = 0; p < dims[k + 1]; p++) for (let q = 0; q < dims[k]; q++) params.push([k, p, q]);
  const P = params.length;
  const n = z.length;
  const unit = (k: number, p: number, q: number) => Ws[k].map((row, i) => row.map((_, j) => (i === p && j === q ? ONE : ZERO)));
  /** W_L ⋯ W_1 z with the layers in `swap` replaced */
  const margin = (zi: BigNumber[], swap: Map<number, BigNumber[][]>) => {
    let h = zi;
    for (let k = 0; k < L; k++) h = (swap.get(k) ?? Ws[k]).map((row) => row.reduce((s, w, j) => s.plus(w.times(h[j])), ZERO));
    return h[0];
  };
  const H = Array.from({ length: P }, () => Array.from({ length: P }, () => ZERO));
  for (const row of z) {
    const zi = row.map(exactDecimal);
    const m = margin(zi, new Map());
    const e = m.exp();
    const first = ONE.neg().div(ONE.plus(e));
    const second = e.div(ONE.plus(e).pow(2));
    const grad = params.map(([k, p, q]) => margin(zi, new Map([[k, unit(k, p, q)]])));
    for (let x = 0; x < P; x++)
      for (let y = x; y < P; y++) {
        const [j, p, q] = params[x];
        const [k, r, s] = params[y];
        const mixed =
          j === k
            ? ZERO
            : margin(
                zi,
                new Map([
                  [j, unit(j, p, q)],
                  [k, unit(k, r, s)],
                ]),
              );
        H[x][y] = H[x][y].plus(second.times(grad[x]).times(grad[y]).plus(first.times(mixed)).div(n));
        H[y][x] = H[x][y];
      }
  }
  return referenceSpectralNorm(H);
}
