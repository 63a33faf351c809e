/**
 * The exact Hessian of a deep linear net's margin risk R(W) = (1/n) Σ_i ℓ(m_i), m_i = W_L ⋯ W_1 z_i (1-d output), for
 * JT.Lem5: an independent computation of the curvature that β(R) must bound, which shares no code with the trainer's
 * gradient kernel (built from the chain products directly, in plain arrays; not a hot path).
 *
 * Parameters are ordered layer by layer (W_1 first), each row-major d_k × d_{k−1}, as the trainer's gradient buffers.
 * With h_0 = z, h_k = W_k h_{k−1} and a_L = 1, a_{k−1} = W_kᵀ a_k, and M_{k,j} = W_{k−1} ⋯ W_{j+1} (I when k = j + 1):
 *   ∂m/∂W_k[p,q] = a_k[p] h_{k−1}[q],
 *   ∂²m/∂W_j[p,q] ∂W_k[r,s] = a_k[r] M_{k,j}[s,p] h_{j−1}[q]  (j < k; zero for j = k: m is linear in each layer),
 *   ∇²R = (1/n) Σ_i ℓ''(m_i) ∇m_i ∇m_iᵀ + ℓ'(m_i) ∇²m_i.
 */
import { symmetricEigenvalues } from '../../linalg/symmetricEigenvalues.js';
import { type CurvatureConstants, LOGISTIC_CURVATURE, marginHessianRounding, type SampleMagnitudes } from '../../tolerances/hessianRounding.js';

type Matrix = number[][];

/** ℓ'' of the logistic loss: σ(u)σ(−u) = e^{−|u|}/(1 + e^{−|u|})², ≤ 1/4 (at u = 0). */
export function logisticSecond(u: number): number {
  const e = Math.exp(-Math.abs(u));
  return e / ((1 + e) * (1 + e));
}

/** ℓ' of the logistic loss: −1/(1 + e^{u}), written without overflow. */
export function logisticFirst(u: number): number {
  if (u < 0) return -1 / (1 + Math.exp(u));
  const e = Math.exp(-u);
  return -e / (1 + e);
}

export interface MarginDerivatives {
  /** ℓ'(u) */
  readonly first: (u: number) => number;
  /** ℓ''(u) */
  readonly second: (u: number) => number;
  /** sup|ℓ''| and sup|ℓ'''|, for the rounding allowance */
  readonly curvature: CurvatureConstants;
}

export const LOGISTIC_DERIVATIVES: MarginDerivatives = { first: logisticFirst, second: logisticSecond, curvature: LOGISTIC_CURVATURE };

function matVec(W: Matrix, v: readonly number[]): number[] {
  return W.map((row) => row.reduce((s, w, j) => s + w * v[j], 0));
}

function matTVec(W: Matrix, v: readonly number[]): number[] {
  const out = new Array<number>(W[0].length).fill(0);
  W.forEach((row, i) => {
    row.forEach((w, j) => {
      out[j] += w * v[i];
    });
  });
  return out;
}

function matMul(A: Matrix, B: Matrix): Matrix {
  return A.map((row) => B[0].map((_, j) => row.reduce((s, a, k) => s + a * B[k][j], 0)));
}

function identity(d: number): Matrix {
  return Array.from({ length: d }, (_, i) => Array.from({ length: d }, (_, j) => (i === j ? 1 : 0)));
}

function validate(weights: readonly Matrix[], z: readonly (readonly number[])[]): number[] {
  if (weights.length === 0) throw new RangeError('marginHessian: weights has no layers; give at least one');
  if (z.length === 0) throw new RangeError('marginHessian: z has no samples; give at least one');
  const dims = [weights[0][0].length, ...weights.map((W) => W.length)];
  weights.forEach((W, k) => {
    if (W[0].length !== dims[k]) throw new RangeError(`marginHessian: weights[${k}] has ${W[0].length} columns; layer ${k + 1} needs d_${k}=${dims[k]}`);
  });
  if (dims[dims.length - 1] !== 1) throw new RangeError(`marginHessian: output dimension d_L=${dims[dims.length - 1]} must be 1 (a margin loss)`);
  z.forEach((zi, i) => {
    if (zi.length !== dims[0]) throw new RangeError(`marginHessian: z[${i}] has length ${zi.length}; it must equal d_0=${dims[0]}`);
  });
  return dims;
}

/** Hessian terms of one sample: margin m, ∇m (length P) and ∇²m (P × P). */
function sampleTerms(weights: readonly Matrix[], dims: readonly number[], chains: Matrix[][], z: readonly number[]) {
  const L = weights.length;
  const h: number[][] = [[...z]];
  for (let k = 0; k < L; k++) h.push(matVec(weights[k], h[k]));
  const a: number[][] = new Array(L + 1);
  a[L] = [1];
  for (let k = L - 1; k >= 0; k--) a[k] = matTVec(weights[k], a[k + 1]);
  const offset = [0];
  for (let k = 0; k < L; k++) offset.push(offset[k] + dims[k] * dims[k + 1]);
  const P = offset[L];
  const grad = new Array<number>(P).fill(0);
  // layer index k (0-based) holds W_{k+1}: rows dims[k+1], columns dims[k]; ∂m/∂W[p,q] = a[k+1][p] h[k][q]
  for (let k = 0; k < L; k++) for (let p = 0; p < dims[k + 1]; p++) for (let q = 0; q < dims[k]; q++) grad[offset[k] + p * dims[k] + q] = a[k + 1][p] * h[k][q];
  const hess: number[][] = Array.from({ length: P }, () => new Array<number>(P).fill(0));
  for (let j = 0; j < L; j++)
    for (let k = j + 1; k < L; k++) {
      const M = chains[k][j]; // dims[k] × dims[j+1]
      for (let p = 0; p < dims[j + 1]; p++)
        for (let q = 0; q < dims[j]; q++)
          for (let r = 0; r < dims[k + 1]; r++)
            for (let s = 0; s < dims[k]; s++) {
              const v = a[k + 1][r] * M[s][p] * h[j][q];
              const x = offset[j] + p * dims[j] + q;
              const y = offset[k] + r * dims[k] + s;
              hess[x][y] = v;
              hess[y][x] = v;
            }
    }
  return { m: h[L][0], grad, hess };
}

/** chains[k][j] = W_k ⋯ W_{j+2} in 0-based layers, i.e. the paper's M_{k+1,j+1} (d_k × d_{j+1}; I when k = j + 1). */
function chainProducts(weights: readonly Matrix[], dims: readonly number[]): Matrix[][] {
  const L = weights.length;
  const chains: Matrix[][] = Array.from({ length: L }, () => new Array<Matrix>(L));
  for (let j = 0; j < L; j++) {
    let M = identity(dims[j + 1]);
    for (let k = j + 1; k < L; k++) {
      chains[k][j] = M;
      M = matMul(weights[k], M);
    }
  }
  return chains;
}

export interface MarginHessian {
  /** ∇²R, P × P */
  readonly H: number[][];
  /** the same sums with every factor replaced by its absolute value (for the rounding bound) */
  readonly Habs: number[][];
  /** the margins m_i */
  readonly margins: number[];
  /** a bound on |‖Ĥ‖_2 computed − ‖H‖_2 exact| (marginHessianRounding, src/tolerances/hessianRounding.ts) */
  readonly rounding: number;
}

/**
 * The exact Hessian of R at `weights` (layer k: d_k × d_{k−1} arrays), for samples z_i = y_i x_i, with a bound on the
 * rounding of its spectral norm (marginHessianRounding: its derivation is in src/tolerances/hessianRounding.ts), which
 * needs the abs-valued sums Habs and, per sample, the abs-valued margin, ‖|∇m|‖² and ‖|∇²m|‖_F.
 */
export function marginHessian(weights: readonly Matrix[], z: readonly (readonly number[])[], loss: MarginDerivatives = LOGISTIC_DERIVATIVES): MarginHessian {
  const dims = validate(weights, z);
  const absW = weights.map((W) => W.map((row) => row.map(Math.abs)));
  const chains = chainProducts(weights, dims);
  const absChains = chainProducts(absW, dims);
  let P = 0;
  for (let k = 0; k < weights.length; k++) P += dims[k] * dims[k + 1];
  const H = Array.from({ length: P }, () => new Array<number>(P).fill(0));
  const Habs = Array.from({ length: P }, () => new Array<number>(P).fill(0));
  const n = z.length;
  const margins: number[] = [];
  const samples: SampleMagnitudes[] = [];
  for (const zi of z) {
    const t = sampleTerms(weights, dims, chains, zi);
    const ta = sampleTerms(absW, dims, absChains, zi.map(Math.abs));
    const d1 = loss.first(t.m);
    const d2 = loss.second(t.m);
    margins.push(t.m);
    samples.push({ margin: ta.m, gradientSquared: ta.grad.reduce((s, v) => s + v * v, 0), hessianFrobenius: frobenius(ta.hess) });
    for (let x = 0; x < P; x++)
      for (let y = 0; y < P; y++) {
        H[x][y] += (d2 * t.grad[x] * t.grad[y] + d1 * t.hess[x][y]) / n;
        Habs[x][y] += (Math.abs(d2) * ta.grad[x] * ta.grad[y] + Math.abs(d1) * ta.hess[x][y]) / n;
      }
  }
  const rounding = marginHessianRounding({ dims, samples, absFrobenius: frobenius(Habs), frobenius: frobenius(H), curvature: loss.curvature });
  return { H, Habs, margins, rounding };
}

/** ‖H‖_2 = max |λ| of the symmetric matrix H. */
export function spectralNorm(H: number[][]): number {
  return Math.max(...symmetricEigenvalues(H).map(Math.abs));
}

function frobenius(H: number[][]): number {
  return Math.sqrt(H.reduce((s, row) => s + row.reduce((t, v) => t + v * v, 0), 0));
}
