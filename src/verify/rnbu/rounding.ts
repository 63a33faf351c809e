/**
 * The RNBU claims' rounding model and leak bounds (docs/claims.md, RNBU): how far a computed gradient and a computed update can
 * leave the aligned structure, and the float readout of a matrix in its bases. Each bound is derived beside it in the
 * rounding model fl(a∘b) = (a∘b)(1+δ), |δ| ≤ u, γ_m = mu/(1 − mu) (Higham §2–3).
 */
import { networkFromArrays, type Network } from '../../network/network.js';
import { gamma } from '../../tolerances/rounding.js';
import { plainFrobenius } from '../../linalg/sumOfSquares.js';

/** ∏(x_i + δ_i) − ∏ x_i for x, δ ≥ 0: how much a product of norms can grow when each factor grows by δ_i. */
export function productSpread(x: readonly number[], dx: readonly number[]): number {
  let a = 1;
  let b = 1;
  x.forEach((v, i) => {
    a *= v + dx[i];
    b *= v;
  });
  return a - b;
}

export const prod = (x: readonly number[]) => x.reduce((p, v) => p * v, 1);

/** observed/bound as a test ratio: 0 when nothing was observed (even with a zero bound), ∞ when a zero bound is exceeded. */
export function ratio(observed: number, bound: number): number {
  return observed === 0 ? 0 : bound === 0 ? Infinity : observed / bound;
}

/** Frobenius norm of the part of M (rows×cols) off the rectangular diagonal. */
export function offNorm(M: Float64Array, rows: number, cols: number): number {
  let s = 0;
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) if (i !== j) s += M[i * cols + j] ** 2;
  return Math.sqrt(s);
}

export const toRows = (W: Float64Array, r: number, c: number) => Array.from({ length: r }, (_, i) => Array.from(W.subarray(i * c, (i + 1) * c)));

export function netOf(weights: readonly Float64Array[], dims: readonly number[]): Network {
  return networkFromArrays(
    weights.map((W, k) => toRows(W, dims[k + 1], dims[k])),
    { kind: 'linear' },
  );
}

/**
 * Bound on the part of the computed gradient Ĝ_k that leaves the aligned
 * structure (off-diagonal in the bases, or ⊥ to u_k u_{k−1}ᵀ for RNBU.1D).
 *
 * Write W_l = D_l + O_l (aligned part, ‖D_l‖_F ≤ w_l = ‖W_l‖_F; rest ‖O_l‖_F ≤ o_l)
 * and E = E_al + E_off. G_k = A_kᵀ E B_kᵀ (F1) with A_k = W_L⋯W_{k+1},
 * B_k = W_{k−1}⋯W_1; the product of the aligned parts D_Aᵀ E_al D_Bᵀ is aligned,
 * and every other term of the expansion contains an O or E_off:
 *   ‖G_k − G_al‖ ≤ (a+δa)(x+δE)(b+δb) − a·x·b,   x ≥ ‖E_al‖,
 * a = ∏_{l>k} w_l, a+δa = ∏_{l>k}(w_l+o_l), likewise b over l<k (submultiplicativity;
 * the expression grows with x, so x = e + δR + δE with e = ‖Ê‖_F is allowed).
 * The computed Ĝ adds (i) the rounding of Ê (δR, any direction) through A, B
 * and (ii) the product rounding γ_{N}·|A|ᵀ|Ê||B|ᵀ (N = total inner length).
 * structuralE = δE: bound on E_off caused by the O's (0 when E's structure
 * cannot leak, as in RNBU.1D and sensing); roundE = δR.
 */
export function gradientLeakBound(
  k: number,
  norms: readonly number[],
  offs: readonly number[],
  e: number,
  structuralE: number,
  roundE: number,
  productRoundings: number,
): number {
  const up = norms.slice(k + 1);
  const dn = norms.slice(0, k);
  const a = prod(up);
  const b = prod(dn);
  const aa = a + productSpread(up, offs.slice(k + 1));
  const bb = b + productSpread(dn, offs.slice(0, k));
  const x = e + roundE + structuralE;
  return aa * (x + structuralE) * bb - a * x * b + aa * bb * (roundE + gamma(productRoundings) * e);
}

/** Rounding of reading M in float bases: Ûᵀ M Û with |ΔÛ| ≤ u|U| (‖ΔÛ‖_F ≤ u√d) and two length-d products: ≤ γ_{4d+4}‖M‖_F. */
export function readoutError(M: Float64Array, maxDim: number): number {
  return gamma(4 * maxDim + 4) * plainFrobenius(M);
}

/** One GD update W − ηG rounds each entry twice (fl(ηG), then the subtraction): ≤ γ_2(‖W‖_F + 2η‖G‖_F). */
export function updateRounding(W: Float64Array, G: Float64Array, eta: number): number {
  return gamma(2) * (plainFrobenius(W) + 2 * eta * plainFrobenius(G));
}
