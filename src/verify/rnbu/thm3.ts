/**
 * RNBU.Thm3: one parameter-GD step of a two-layer net of constrained k×k layers (circulant or zero-padded
 * convolution, filter width 3) from a symmetric aligned init, measured by a basis-free invariance residual, with the
 * derived condition that predicts whether alignment is kept, and the data families (indexed by the sample count n)
 * the search runs on.
 *
 * Basis-free alignment (L = 2, square layers): W_2W_1 is aligned (RNBU.Def2) iff W_1W_1ᵀ and W_2ᵀW_2 commute.
 * (⇐: commuting symmetric matrices share an orthonormal eigenbasis U_1; U_1ᵀW_1 then has orthogonal rows, so
 * U_1ᵀW_1 = Σ_1U_0ᵀ with U_0 orthogonal, and W_2U_1 has orthogonal columns, W_2U_1 = U_2Σ_2. ⇒: both are diagonal
 * in U_1.) So the residual ‖[W_1W_1ᵀ, W_2ᵀW_2]‖_F is zero exactly on aligned nets, in no chosen basis.
 *
 * Derived condition (predicts invariance for every symmetric aligned init, every step):
 *  (A) the basis matrices and their transposes commute pairwise: every member of the span is then normal and all
 *      commute, so W_1W_1ᵀ and W_2ᵀW_2 commute whatever the data (circulant layers);
 *  (B) the basis is closed under transposition, its symmetric members S_sym commute pairwise, Σ_yx = YXᵀ is
 *      symmetric, and Σ_xx = XXᵀ and Σ_yx commute with S_sym. Then for W_1, W_2 ∈ S_sym, E = W_2W_1Σ_xx − Σ_yx is
 *      symmetric and commutes with S_sym, so G_1 = W_2E and G_2 = EW_1 are symmetric; the parameter step
 *      Σ_m⟨G, B_m⟩B_m of a symmetric G gives equal coefficients to B_m and B_mᵀ, so W(1) ∈ S_sym again: symmetric,
 *      commuting, aligned — and (B) still holds at W(1), so at every step.
 * When neither holds, the theorem's side is that a generic aligned init loses alignment: the search must find one.
 */
import fc from 'fast-check';
import { circulantBasis } from '../../constrained/circulant.js';
import { convolutionBasis } from '../../constrained/convolution.js';
import { composeLayer, type LayerBasis } from '../../constrained/layerBasis.js';
import { parameterDescent } from '../../constrained/parameterDescent.js';
import { datasetFromArrays } from '../../data/dataset.js';
import { matmul, transpose } from '../../linalg/dense.js';
import { plainFrobenius } from '../../linalg/sumOfSquares.js';
import { squared } from '../../losses/loss.js';
import { gamma, UNIT_ROUNDOFF } from '../../tolerances/rounding.js';
import type { GradientFn } from '../../trainer/gradient.js';
import { netOf } from './rounding.js';

export type Constraint = 'circulant' | 'convolution';

/** Data entries are integers in [−DATA_RANGE, DATA_RANGE] over DATA_SCALE (a power of two: exact in float; ‖x‖ ≤ 1 for k ≤ 16). */
export const DATA_RANGE = 4;
export const DATA_SCALE = 16;
/** Symmetric taps are integers in [−4, 4] over 8 (exact in float). */
export const TAP_SCALE = 8;
/** η = 1/16: a power of two, so ηc is exact. */
export const THM3_ETA = 1 / 16;
/** A break is a residual at least this many times its rounding bound (which is itself ≥ 20× the residuals measured on kept cases): far above rounding. */
export const BREAK_FACTOR = 1e6;

export function constraintBasis(constraint: Constraint, k: number): LayerBasis {
  return constraint === 'circulant' ? circulantBasis(k) : convolutionBasis({ width: k, filterWidth: 3 });
}

/** How many free symmetric taps a symmetric member has: circulant c_m = c_{k−m} (⌊k/2⌋ + 1), convolution (b, a, b) (2). */
export const symmetricTaps = (constraint: Constraint, k: number) => (constraint === 'circulant' ? Math.floor(k / 2) + 1 : 2);

/** The symmetric member with the given integer taps (over TAP_SCALE): diagonal in the shared (Fourier / sine) basis, so the init is aligned. */
export function symmetricMember(constraint: Constraint, k: number, taps: readonly number[]): Float64Array {
  if (taps.length !== symmetricTaps(constraint, k))
    throw new RangeError(`symmetricMember: taps has ${taps.length} entries; ${constraint} k=${k} needs ${symmetricTaps(constraint, k)}`);
  const basis = constraintBasis(constraint, k);
  if (constraint === 'circulant')
    return composeLayer(
      basis,
      Array.from({ length: k }, (_, m) => taps[Math.min(m, k - m)] / TAP_SCALE),
    );
  return composeLayer(basis, [taps[1] / TAP_SCALE, taps[0] / TAP_SCALE, taps[1] / TAP_SCALE]);
}

const commute = (A: Float64Array, B: Float64Array, k: number): boolean => {
  const AB = matmul(A, B, k, k, k);
  const BA = matmul(B, A, k, k, k);
  return AB.every((v, i) => v === BA[i]);
};

/**
 * The derived condition, evaluated exactly: the basis is 0/1 and the data integer (the common scale 1/(DATA_SCALE²n)
 * does not change whether matrices commute), so every product is an integer below 2⁵³ and float arithmetic is exact.
 */
export function predictsInvariance(
  basis: LayerBasis,
  xs: readonly (readonly number[])[],
  ys: readonly (readonly number[])[],
): { invariant: boolean; reason: string } {
  const k = basis.rows;
  const els = basis.elements;
  const T = els.map((B) => transpose(B, k, k));
  const all = [...els, ...T];
  if (all.every((A, i) => all.every((B, j) => j <= i || commute(A, B, k))))
    return { invariant: true, reason: '(A) the basis and its transposes commute: every member is normal and all commute' };
  const closed = T.every((Bt) => els.some((B) => B.every((v, i) => v === Bt[i])));
  const sym = els.map((B, m) => B.map((v, i) => v + T[m][i]));
  const symCommute = sym.every((A, i) => sym.every((B, j) => j <= i || commute(A, B, k)));
  const X = Float64Array.from({ length: k * xs.length }, (_, t) => xs[t % xs.length][Math.floor(t / xs.length)]);
  const Y = Float64Array.from({ length: k * ys.length }, (_, t) => ys[t % ys.length][Math.floor(t / ys.length)]);
  const n = xs.length;
  const Sxx = matmul(X, transpose(X, k, n), k, n, k);
  const Syx = matmul(Y, transpose(X, k, n), k, n, k);
  const SyxT = transpose(Syx, k, k);
  const symmetric = Syx.every((v, i) => v === SyxT[i]);
  const moments = sym.every((S) => commute(Sxx, S, k) && commute(Syx, S, k));
  if (closed && symCommute && symmetric && moments) return { invariant: true, reason: '(B) Σ_xx, Σ_yx symmetric and commuting with the symmetric members' };
  return {
    invariant: false,
    reason:
      !closed || !symCommute
        ? 'the symmetric members do not form a commuting family'
        : !symmetric
          ? 'Σ_yx is not symmetric'
          : 'the moments do not commute with the symmetric members',
  };
}

/**
 * The common eigenvectors with entries in {−1, 0, 1} of the symmetric members (one per ± pair): the data directions
 * whose moments satisfy (B). Found by enumeration (3^k candidates, exact integer arithmetic).
 */
export function rationalEigenvectors(basis: LayerBasis): number[][] {
  const k = basis.rows;
  const sym = basis.elements.map((B) => {
    const Bt = transpose(B, k, k);
    return B.map((v, i) => v + Bt[i]);
  });
  const out: number[][] = [];
  const v = new Array<number>(k).fill(-1);
  for (let code = 0; code < 3 ** k; code++) {
    let c = code;
    for (let i = 0; i < k; i++) {
      v[i] = (c % 3) - 1;
      c = Math.floor(c / 3);
    }
    const first = v.findIndex((x) => x !== 0);
    if (first < 0 || v[first] < 0) continue; // zero, or the negative of one already counted
    const eigen = sym.every((S) => {
      const Sv = Array.from({ length: k }, (_, i) => v.reduce((s, x, j) => s + S[i * k + j] * x, 0));
      // Sv ∥ v ⇔ (Sv)_i v_j = (Sv)_j v_i for all i, j
      return Sv.every((a, i) => v.every((b, j) => a * b === Sv[j] * v[i]));
    });
    if (eigen) out.push([...v]);
  }
  return out;
}

export type Thm3Family = 'generic' | 'eigen-prefix';

/** One sample: integer x and y (entries in [−DATA_RANGE, DATA_RANGE]; scaled by 1/DATA_SCALE when trained on). */
export interface IntSample {
  readonly x: number[];
  readonly y: number[];
}

/**
 * The family's n samples. generic: the n drawn samples. eigen-prefix: first the common eigenvectors v_j of the
 * symmetric members (x = v_j, y = (j + 1)v_j, so each moment is a multiple of v_jv_jᵀ and (B) holds), then drawn
 * samples — so (B) holds up to n = #eigenvectors and the next drawn sample decides.
 */
export function familySamples(family: Thm3Family, eigen: readonly number[][], n: number, drawn: readonly IntSample[]): IntSample[] {
  const prefix = family === 'eigen-prefix' ? eigen.map((v, j) => ({ x: [...v], y: v.map((a) => (j + 1) * a) })) : [];
  const all = [...prefix, ...drawn];
  if (all.length < n) throw new RangeError(`familySamples: ${family} needs ${n} samples but has ${all.length}; draw more`);
  return all.slice(0, n);
}

export interface Thm3Case {
  /** the two layers' symmetric taps (integers, over TAP_SCALE) */
  readonly taps: readonly [number[], number[]];
  /** drawn samples (integers, over DATA_SCALE) */
  readonly drawn: IntSample[];
}

export function thm3CaseArbitrary(constraint: Constraint, k: number, drawnCount: number): fc.Arbitrary<Thm3Case> {
  const vec = (len: number) => fc.array(fc.integer({ min: -DATA_RANGE, max: DATA_RANGE }), { minLength: len, maxLength: len });
  const taps = symmetricTaps(constraint, k);
  return fc.record({
    taps: fc.tuple(vec(taps), vec(taps)),
    drawn: fc.array(fc.record({ x: vec(k), y: vec(k) }), { minLength: drawnCount, maxLength: drawnCount }),
  });
}

export interface Thm3Step {
  readonly predicted: { invariant: boolean; reason: string };
  /** ‖[Ŵ_1Ŵ_1ᵀ, Ŵ_2ᵀŴ_2]‖_F after the step, as computed */
  readonly residual: number;
  /** its rounding bound when the exact step keeps alignment (see commutatorBound) */
  readonly bound: number;
  /** residual/(‖Ŵ_1‖_F²‖Ŵ_2‖_F²): the basis-free distance reported */
  readonly relative: number;
  readonly weights: Float64Array[];
}

/** ‖[W_1W_1ᵀ, W_2ᵀW_2]‖_F as computed in float. */
export function alignmentCommutator(W1: Float64Array, W2: Float64Array, k: number): number {
  const A = matmul(W1, transpose(W1, k, k), k, k, k);
  const B = matmul(transpose(W2, k, k), W2, k, k, k);
  const AB = matmul(A, B, k, k, k);
  const BA = matmul(B, A, k, k, k);
  return plainFrobenius(AB.map((v, i) => v - BA[i]));
}

/**
 * Rounding bound on the computed commutator when the exact one is zero (u = 2⁻⁵³, γ_m = mu/(1 − mu)).
 * Weights δ_k: W(0) and the data are exact (dyadic); Ĝ_k − G_k ≤ γ_N ∏_{l≠k}‖W_l‖(‖W_2‖‖W_1‖‖X‖ + ‖Y‖)‖X‖/n with N =
 * 3k + n + 4 (the products' inner lengths 2k + n + k, the residual, the 1/n); the coefficient ĉ_m sums s_m ≤ k entries
 * of one support (γ_k) and ηĉ_m is exact (η dyadic); the update rounds once (u|ŵ'|); composition writes one
 * coefficient per entry (exact, disjoint 0/1 supports). Summed over supports (Cauchy–Schwarz, Minkowski):
 * δ_k ≤ u‖Ŵ_k'‖_F + ηk(γ_k‖Ĝ_k‖_F + ‖Ĝ_k − G_k‖_F).
 * Products: Â = fl(Ŵ_1Ŵ_1ᵀ) is within a = γ_k w_1² + δ_1(2w_1 + δ_1) of the exact W_1W_1ᵀ (w_k = ‖Ŵ_k'‖_F), B̂ within b;
 * [Â, B̂] is within 2(a‖B‖ + ‖A‖b + ab) of [A, B] = 0, ‖A‖ ≤ (w_1 + δ_1)²; forming it costs 2γ_k‖Â‖‖B̂‖ and the
 * subtraction u(1 + γ_k)·2‖Â‖‖B̂‖; the Frobenius sum adds a factor 1 + γ_{k²+1}.
 */
export function commutatorBound(o: {
  k: number;
  n: number;
  eta: number;
  /** ‖W_k(0)‖_F */
  before: readonly number[];
  /** ‖Ŵ_k(1)‖_F */
  after: readonly number[];
  /** ‖Ĝ_k(0)‖_F */
  grads: readonly number[];
  xNorm: number;
  yNorm: number;
}): number {
  const { k, n, eta, before, after, grads, xNorm, yNorm } = o;
  const u = UNIT_ROUNDOFF;
  const gk = gamma(k);
  const scale = ((before[1] * before[0] * xNorm + yNorm) * xNorm) / n;
  const dG = [before[1] * scale, before[0] * scale].map((v) => gamma(3 * k + n + 4) * v);
  const delta = [0, 1].map((l) => u * after[l] + eta * k * (gk * grads[l] + dG[l]));
  const [w1, w2] = after;
  const [d1, d2] = delta;
  const a = gk * w1 * w1 + d1 * (2 * w1 + d1);
  const b = gk * w2 * w2 + d2 * (2 * w2 + d2);
  const A = (w1 + d1) ** 2;
  const B = (w2 + d2) ** 2;
  const Ahat = w1 * w1 * (1 + gk);
  const Bhat = w2 * w2 * (1 + gk);
  return (2 * (a * B + A * b + a * b) + (2 * gk + 2 * u * (1 + gk)) * Ahat * Bhat) * (1 + gamma(k * k + 1));
}

/** One parameter-GD step (η = THM3_ETA) from the symmetric aligned init on the family's data, measured basis-free. */
export function thm3Step(
  constraint: Constraint,
  k: number,
  samples: readonly IntSample[],
  taps: readonly [number[], number[]],
  gradient?: GradientFn,
): Thm3Step {
  const basis = constraintBasis(constraint, k);
  const predicted = predictsInvariance(
    basis,
    samples.map((s) => s.x),
    samples.map((s) => s.y),
  );
  const weights0 = taps.map((t) => symmetricMember(constraint, k, t));
  const data = datasetFromArrays(
    samples.map((s) => s.x.map((v) => v / DATA_SCALE)),
    samples.map((s) => s.y.map((v) => v / DATA_SCALE)),
    'regression',
  );
  let grads: number[] = [];
  const { network } = parameterDescent({
    network: netOf(weights0, [k, k, k]),
    data,
    loss: squared,
    layers: [basis, basis],
    eta: THM3_ETA,
    steps: 1,
    gradient,
    onStep(v) {
      if (v.t === 0) grads = v.grads.map(plainFrobenius);
    },
  });
  const [W1, W2] = network.weights;
  const residual = alignmentCommutator(W1, W2, k);
  const after = [plainFrobenius(W1), plainFrobenius(W2)];
  const bound = commutatorBound({
    k,
    n: samples.length,
    eta: THM3_ETA,
    before: weights0.map(plainFrobenius),
    after,
    grads,
    xNorm: Math.sqrt(samples.reduce((s, x) => s + x.x.reduce((a, v) => a + v * v, 0), 0)) / DATA_SCALE,
    yNorm: Math.sqrt(samples.reduce((s, x) => s + x.y.reduce((a, v) => a + v * v, 0), 0)) / DATA_SCALE,
  });
  const denom = after[0] ** 2 * after[1] ** 2;
  return { predicted, residual, bound, relative: denom > 0 ? residual / denom : 0, weights: [W1.slice(), W2.slice()] };
}
