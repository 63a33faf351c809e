import { balanceMatrices } from '../metrics/balancedness.js';
import { frobenius } from '../linalg/norms.js';
import { topSingular } from '../linalg/singularValues.js';
import { gamma, UNIT_ROUNDOFF } from './rounding.js';
import { norm2 } from '../linalg/dense.js';
import { marginChain, marginRounding, svdRoundings } from './jtRounding.js';
import type { EvaluationScale } from './jtRounding.js';

/**
 * The theory's computable constants for the Ji & Telgarsky claims (docs/claims.md, Identities and JT): D, the F5/F6 right-hand sides,
 * the F7 budget, Lemma 4's threshold, with the rounding allowances of the quantities compared against them. The
 * allowances of one evaluation and one step are in jtRounding.ts; the rounding model is in rounding.ts. A check
 * computes residual/allowance and compares it with 1 (the LAPACK test-ratio habit): a ratio above 1 is a real
 * failure, not rounding.
 */

// ---------------------------------------------------------------------------------------------------------
// The theory's constants

export interface InitializationConstant {
  /** D = max_k ‖W_k(0)‖_F² − ‖W_L(0)‖_F² + Σ_{k<L} ‖D_k(0)‖_2 (docs/claims.md, Notation) */
  readonly value: number;
  /** |D̂ − D|: the squared norms (γ_m each, two of them), the entries of D_k (γ_{d+1}(‖W_k‖_F² + ‖W_{k+1}‖_F²) in norm)
   * and the SVD of D_k (svdRoundings·u·‖D_k‖) */
  readonly rounding: number;
  /** ‖W_k(0)‖_2² for each k (F6 uses them) */
  readonly spectralSquared: readonly number[];
}

/** JT's initialization constant D (zero for a balanced init) with its rounding. */
export function initializationConstant(weights: readonly Float64Array[], dims: readonly number[]): InitializationConstant {
  const L = weights.length;
  const sq = weights.map((W) => frobenius(W) ** 2);
  let maxSq = 0;
  let rounding = 0;
  for (let k = 0; k < L; k++) maxSq = Math.max(maxSq, sq[k]);
  rounding += gamma(Math.max(...weights.map((W) => W.length)) + 2) * (maxSq + sq[L - 1]);
  let sum = 0;
  balanceMatrices(weights, dims).forEach((Dk, j) => {
    const dk = dims[j + 1];
    const norm = topSingular(Dk, dk, dk).sigma;
    sum += norm;
    rounding += gamma(Math.max(...dims) + 1) * (sq[j] + sq[j + 1]) + svdRoundings(dk, dk) * UNIT_ROUNDOFF * norm;
  });
  const spectralSquared = weights.map((W, k) => topSingular(W, dims[k + 1], dims[k]).sigma ** 2);
  return { value: maxSq - sq[L - 1] + sum, rounding, spectralSquared };
}

/**
 * F5: g_k(t) = ‖W_k‖_F² − ‖W_k‖_2² ≤ D + 4S(t). Derivation (checked here): Weyl gives
 * g_k ≤ g_{k+1} + tr D_k − λ_min(D_k) and g_L = 0, so g_k ≤ Σ_{j≥k}(tr D_j − λ_min D_j). Splitting D_j(t) = D_j(0) + Δ_j:
 * Σ_{j≥k} tr D_j(0) = ‖W_k(0)‖² − ‖W_L(0)‖² and −λ_min(D_j(0)) ≤ ‖D_j(0)‖_2 give D; by F2 Σ_{j≥k} tr Δ_j =
 * Σ_τ η²(‖G_k‖² − ‖G_L‖²) ≤ S, and Σ_j ‖Δ_j‖_2 ≤ Σ_τ η² Σ_j(‖G_j‖² + ‖G_{j+1}‖²) ≤ 2S. So D + 3S suffices;
 * The claim states D + 4S, which we check (it is implied).
 */
export function rankOneGapBound(D: number, energy: number): number {
  return D + 4 * energy;
}

/**
 * F6's numerator: (1 − ⟨v_{k+1}, u_k⟩²)·‖W_{k+1}(t)‖_2² ≤ D + 6S(t) + ‖W_{k+1}(0)‖_2² + ‖W_k(0)‖_2².
 * Derivation (checked here): with v = v_{k+1}, σ = ‖W_{k+1}‖_2, vᵀW_kW_kᵀv = σ² + vᵀD_kv ≥ σ² + λ_min(D_k) and
 * ≤ s_1²c² + s_2²(1 − c²) (s_i the singular values of W_k), and s_1² ≤ σ² + λ_max(D_k); so
 * c² ≥ 1 − (λ_max − λ_min + s_2²)/σ² (both signs of λ_max). Then s_2² ≤ g_k ≤ D + 4S (F5) and
 * λ_max − λ_min ≤ ‖W_k(0)‖_2² + ‖W_{k+1}(0)‖_2² + 2‖Δ_k‖_2 with ‖Δ_k‖_2 ≤ S (F2).
 */
export function adjacentAlignmentBound(D: number, energy: number, spectralSquaredNext0: number, spectralSquared0: number): number {
  return D + 6 * energy + spectralSquaredNext0 + spectralSquared0;
}

/**
 * F7: if every step satisfies the descent inequality and η_t ≤ 1, then η_t²‖∇R‖² ≤ η_t‖∇R‖² ≤ 2(R(t) − R(t+1)),
 * and summing, S(t) ≤ 2(R(0) − R(t)). On computed values each step's inequality holds up to its
 * descentAllowance a_τ, so S(t) ≤ 2(R̂(0) − R̂(t)) + 2Σ_τ a_τ.
 */
export function energyBudget(risk0: number, riskT: number, allowanceSum: number): number {
  return 2 * (risk0 - riskT) + 2 * allowanceSum;
}

/** Relative rounding of S(t) = Σ_τ η_τ²‖Ĝ(τ)‖²: t sequential additions, 3 roundings per term, γ_m per squared norm. */
export function energyRounding(steps: number, entries: number): number {
  return gamma(steps + entries + 3);
}

/**
 * JT Lemma 4's threshold on ‖Π_⊥w‖: 1 + ln(n)/α (exponential), 2n/(eα) (logistic). Checked here: with
 * a = ⟨w, ū⟩ ≥ 0, b_i = ⟨Π_⊥w, z_i⟩, the positive-b terms of Σ_i −ℓ'(m_i)b_i are each ≤ e^{−aγ̄}/e (b e^{−b} ≤ 1/e),
 * and some support vector has b_j ≤ −α‖Π_⊥w‖; that term outweighs the other n − 1 once
 * α‖Π_⊥w‖e^{α‖Π_⊥w‖} ≥ (n − 1)/e (exponential; implied by the threshold) or α‖Π_⊥w‖/2 ≥ (n − 1)/e (logistic).
 */
export function lemma4Threshold(loss: 'exponential' | 'logistic', n: number, alpha: number): number {
  if (!(alpha > 0)) throw new RangeError(`lemma4Threshold: alpha=${alpha} must be > 0 (JT.A5 and almost all data give α > 0)`);
  return loss === 'exponential' ? 1 + Math.log(n) / alpha : (2 * n) / (Math.E * alpha);
}

/**
 * Allowance of γ(w) ≤ γ̄ (JT.Thm2/Thm4-margin) on computed values: our γ(ŵ) = min_i⟨ŵ, z_i⟩/‖ŵ‖ errs by
 * ≤ γ_{2d+2}·max‖z_i‖ (a dot product and a norm), and maxMargin's γ̄ = R/‖w_svm‖ is accepted by its own
 * feasibility test at 16 residual units of (d + 1 + iterations)·ε, i.e. relative 32·(d + 1 + iterations)·u; the
 * Goldfarb–Idnani solver adds each of the q ≤ n constraints at most once unless it drops one, which we bound by
 * 2n iterations.
 */
export function marginAllowance(d: number, n: number, maxZ: number, gammaBar: number): number {
  return gamma(2 * d + 2) * maxZ + 32 * (d + 1 + 2 * n) * UNIT_ROUNDOFF * 2 * gammaBar;
}

/**
 * Allowance of JT.Thm1-prod's inequality q = |⟨w_prod, v_1⟩|/∏‖W_k‖_F ≤ ∏ρ_k. It holds for every unit vector v
 * (|aᵀW_1v| ≤ ‖a‖‖W_1‖_2 ≤ ∏‖W_k‖_2), so only the magnitudes' rounding enters, relative to ∏ρ_k: ŵ (γ_{K+1}), the
 * norm of v̂ (γ_{2d+5}), the dot product (γ_d), each Frobenius norm twice (γ_{m+2} in q and in ρ_k) and each
 * σ̂_k (svdRoundings·u).
 */
export function productAlignmentAllowance(dims: readonly number[], bound: number): number {
  const L = dims.length - 1;
  const d = dims[0];
  let rel = gamma(marginChain(dims) + 1) + gamma(2 * d + 5) + gamma(d);
  for (let k = 0; k < L; k++) rel += 2 * gamma(dims[k] * dims[k + 1] + 2) + svdRoundings(dims[k + 1], dims[k]) * UNIT_ROUNDOFF;
  return rel * bound;
}

/** The singular values a check needs from one layer's SVD. */
export interface LayerSpectrum {
  readonly sigma1: number;
  /** second largest singular value (0 for a single row or column) */
  readonly sigma2: number;
  readonly rows: number;
  readonly cols: number;
}

/**
 * Rounding of g_k = ‖W_k‖_F² − ‖W_k‖_2² from computed values: the squared norm (γ_m·‖W‖_F²) and σ̂_1², which is
 * σ_1²(1 ± svdRoundings·u)² (2·svdRoundings·u + its square, relative).
 */
export function rankOneGapRounding(frobeniusSquared: number, layer: LayerSpectrum): number {
  const p = svdRoundings(layer.rows, layer.cols) * UNIT_ROUNDOFF;
  return gamma(layer.rows * layer.cols) * frobeniusSquared + (2 * p + p * p) * layer.sigma1 * layer.sigma1;
}

/**
 * Rounding of (1 − ĉ²)σ̂²_{k+1}, ĉ = |⟨v̂_{k+1}, û_k⟩| (F6). Top singular vectors from a backward-stable SVD are
 * accurate to p·u·σ_1/(σ_1 − σ_2) to first order (Wedin's sin θ theorem with a backward error p·u·σ_1), so
 * |ĉ − c| ≤ that for both layers + γ_{d_k+1} (the dot product and unit norms), |ĉ² − c²| ≤ 2|ĉ − c|, and σ̂²
 * contributes 2p·u relative. Infinite when a top singular value is repeated: c is then undetermined (and F6's
 * right side exceeds 1 anyway, since s_2² ≤ g_k).
 */
export function alignmentRounding(next: LayerSpectrum, layer: LayerSpectrum): number {
  const gapNext = next.sigma1 - next.sigma2;
  const gapLayer = layer.sigma1 - layer.sigma2;
  if (!(gapNext > 0) || !(gapLayer > 0)) return Infinity;
  const pn = svdRoundings(next.rows, next.cols) * UNIT_ROUNDOFF;
  const pl = svdRoundings(layer.rows, layer.cols) * UNIT_ROUNDOFF;
  const dc = (pn * next.sigma1) / gapNext + (pl * layer.sigma1) / gapLayer + gamma(layer.rows + 1);
  return (2 * dc + 2 * pn + pn * pn) * next.sigma1 * next.sigma1;
}

/**
 * A lower bound on q = |⟨w_prod, v_1⟩|/∏‖W_k‖_F (JT.Thm1-prod) from F5 and F6, derived here. Write
 * W_k = s_k u_kv_kᵀ + N_k (N_kv_k = 0, N_kᵀu_k = 0, ‖N_k‖_2 = σ_2(W_k)), y_1 = W_1v_1 = s_1u_1 and
 * y_{k+1} = W_{k+1}y_k = a_{k+1}u_{k+1} + r_{k+1} with r ⊥ u; then w_prodᵀv_1 = y_L and q = |a_L|/∏F_k (the last
 * layer is a row: r_L = 0). With c_k = ⟨v_{k+1}, u_k⟩, |⟨v_{k+1}, r_k⟩| ≤ √(1 − c_k²)‖r_k‖ (r_k ⊥ u_k) and
 * ‖r_{k+1}‖ ≤ σ_2(W_{k+1})‖y_k‖ ≤ σ_2(W_{k+1})∏_{j≤k}F_j, so in units of ∏_{j≤k}F_j:
 *   α_1 = ρ_1,  α_{k+1} ≥ ρ_{k+1}(α_k|c_k| − √(1 − c_k²)·ε_k),  ε_1 = 0, ε_k = σ_2(W_k)/F_k (k ≥ 2),
 * and q = α_L. The bound is monotone in ρ, |c| (up) and ε (down), so F5 (ρ_k² ≥ 1 − G/F_k², ε_k² ≤ G/F_k² with
 * G = D + 4S + its allowance) and F6 (c_k² ≥ 1 − X_k/σ_1(W_{k+1})², X_k including its allowance) give a lower
 * bound on q that tends to 1 as the norms grow (F3). Denominators are deflated by their own rounding
 * (γ_{m+1} for F_k², 2·svdRoundings·u for σ_1²) so the computed bound stays a bound; ρ_L = 1 exactly (d_L = 1).
 */
export function productAlignmentLowerBound(p: {
  readonly dims: readonly number[];
  /** computed ‖W_k(t)‖_F² */
  readonly frobeniusSquared: readonly number[];
  /** computed σ_1(W_k(t))² */
  readonly spectralSquared: readonly number[];
  /** G: the F5 bound on g_k with its allowance */
  readonly gapBound: number;
  /** X_k (k = 1…L−1): the F6 bound with its allowance */
  readonly alignmentBounds: readonly number[];
}): number {
  const L = p.dims.length - 1;
  const fro = (k: number) => p.frobeniusSquared[k] * (1 - gamma(p.dims[k] * p.dims[k + 1] + 1));
  const rhoLo = (k: number) => (k === L - 1 ? 1 : Math.sqrt(Math.max(0, 1 - p.gapBound / fro(k))));
  const epsHi = (k: number) => (k === L - 1 ? 0 : Math.sqrt(Math.min(1, p.gapBound / fro(k))));
  let alpha = rhoLo(0);
  for (let k = 0; k + 1 < L; k++) {
    const sigma = p.spectralSquared[k + 1] * (1 - 2 * svdRoundings(p.dims[k + 2], p.dims[k + 1]) * UNIT_ROUNDOFF);
    const cLo = Math.sqrt(Math.max(0, 1 - p.alignmentBounds[k] / sigma));
    const leak = k === 0 ? 0 : Math.sqrt(1 - cLo * cLo) * epsHi(k);
    alpha = rhoLo(k + 1) * Math.max(0, alpha * cLo - leak);
  }
  return alpha;
}

/**
 * Rounding of ⟨Π_⊥w, ∇R(w)⟩·e^{shift} as evaluated for JT.Lem4 with the derivative terms c_i = ℓ'(m̂_i)e^{shift}/n
 * taken from log|ℓ'| (finite where ℓ' underflows):
 * - each c_i: log|ℓ'(m̂_i)| + shift errs by ≤ 3u(|log|ℓ'|| + |shift| + 2) (a few roundings of numbers of that size)
 *   and the margin's own error δ_i ≤ γ_{d+1}‖w‖‖z_i‖ moves log|ℓ'| by ≤ δ_i (|d log|ℓ'|/dm| ≤ 1 for both losses):
 *   relative error e^{ε_i} − 1 with ε_i the sum;
 * - the sum g = Σ c_i x_i (γ_{n+1}), forming Π_⊥w (3γ_{d+2}‖w‖, plus γ_{2d+5}‖w‖ because û is unit only to
 *   rounding) and the dot product (γ_d).
 */
export function lemma4Rounding(p: {
  readonly d: number;
  readonly n: number;
  /** |c_i|, ⟨Π_⊥w, z_i⟩ and ‖x_i‖ per sample */
  readonly weights: readonly number[];
  readonly offMargin: readonly number[];
  readonly inputNorms: readonly number[];
  /** |log|ℓ'(m̂_i)|| per sample and |shift| */
  readonly logMagnitudes: readonly number[];
  readonly shift: number;
  readonly wNorm: number;
  readonly offNorm: number;
}): number {
  let terms = 0;
  let mass = 0;
  for (let i = 0; i < p.n; i++) {
    const delta = gamma(p.d + 1) * p.wNorm * p.inputNorms[i];
    const eps = 3 * UNIT_ROUNDOFF * (p.logMagnitudes[i] + Math.abs(p.shift) + 2) + delta;
    terms += p.weights[i] * Math.abs(p.offMargin[i]) * Math.expm1(eps);
    mass += p.weights[i] * p.inputNorms[i];
  }
  return terms + ((gamma(p.n + 1) + gamma(p.d)) * p.offNorm + (3 * gamma(p.d + 2) + gamma(2 * p.d + 5)) * p.wNorm) * mass;
}

/**
 * Rounding of LL's γ̃ = −logΣ_i e^{−m̂_i}/‖θ‖^L at one iterate, and of the step's storage: the log-sum-exp moves
 * by ≤ max_i δ_i (its gradient in m is a probability vector; δ = marginRounding) plus γ_{n+3}|log ℒ|; ‖θ‖² is
 * known to γ_{M}, so ‖θ‖^L to (L/2 + 1)γ_M; and the stored W(t+1) = exact + δ_W moves γ̃ by ≤ ‖∇γ̃‖‖δ_W‖ with
 * ‖∇γ̃‖ ≤ max_i‖∇_θ m_i‖/‖θ‖^L + L|γ̃|/‖θ‖ and ‖∇_θ m_i‖ ≤ ‖x_i‖·√(Σ_k ∏_{j≠k}‖W_j‖_F²).
 */
export function smoothedMarginRounding(p: {
  readonly scale: EvaluationScale;
  readonly logSumLoss: number;
  readonly thetaNormSquared: number;
  readonly degree: number;
  readonly entries: number;
  readonly value: number;
  /** ‖δ_W‖ of the step that produced this iterate (0 at t = 0) */
  readonly storage: number;
}): number {
  const thetaL = Math.pow(p.thetaNormSquared, p.degree / 2);
  const lse = marginRounding(p.scale) + gamma(p.scale.n + 3) * Math.abs(p.logSumLoss);
  const grad = (p.scale.inputNorm * norm2(p.scale.productExcept)) / thetaL + (p.degree * Math.abs(p.value)) / Math.sqrt(p.thetaNormSquared);
  return lse / thetaL + (p.degree / 2 + 1) * gamma(p.entries) * Math.abs(p.value) + grad * p.storage;
}

/**
 * The level below which a computed α (JT.Lem4) cannot be told from 0: α is a support value ⟨ξ, z_i⟩ of projected
 * support vectors, which errs by the error of ū (maxMargin's feasibility level, relative 32·(d + 1 + 2n)·u as in
 * marginAllowance) times max‖z_i‖, plus γ_{d+2}·max‖z_i‖ for the projection. Data whose α is below it are
 * degenerate ("almost all data" excludes them: a support vector on the line ℝū gives α = 0 exactly, and the
 * solver returns ~1e-17 instead).
 */
export function alphaResolution(d: number, n: number, maxZ: number): number {
  return (32 * (d + 1 + 2 * n) * UNIT_ROUNDOFF * 2 + gamma(d + 2)) * maxZ;
}

/**
 * F2 summed over a run, pair by pair: ‖Δ_k(t)‖_2 ≤ max(T_k(t), T_{k+1}(t)) with T_j(t) = Σ_{τ<t} η_τ²‖G_j(τ)‖_F².
 * Derivation (checked here): by F2, Δ_k(t) = A − B with A = Σ_τ η²G_kG_kᵀ and B = Σ_τ η²G_{k+1}ᵀG_{k+1}, both
 * positive semidefinite, so −B ⪯ A − B ⪯ A and every eigenvalue of Δ_k lies in [−λ_max(B), λ_max(A)]; hence
 * ‖Δ_k‖_2 ≤ max(λ_max(A), λ_max(B)) ≤ max(tr A, tr B) = max(T_k, T_{k+1}). It implies the stated ‖Δ_k‖_2 ≤ S(t)
 * (T_k + T_{k+1} ≤ S) and binds when one layer's gradients dominate and keep one direction (measured: clean runs
 * reach observed/bound 1.000 at early checkpoints, 0.93 against S(t)). A layer gradient 1 % off leaves a first-order
 * term η·0.01·(G_kW_kᵀ + W_kG_kᵀ) per step that no longer cancels; summed it is ~1 % of the growth of W_kW_kᵀ,
 * which outgrows the second-order T's (measured: observed/bound 7–40 after 1024 A4 steps).
 */
export function pairDriftBound(energyK: number, energyNext: number): number {
  return Math.max(energyK, energyNext);
}

/**
 * Rounding of the F2-drift check for the pair (k, k+1) (0-based k), on top of the per-step drift rounding the run
 * accumulates (driftRounding: the first-order terms that no longer cancel on computed Ĝ, and the stored update):
 * - each entry of fl(W_kW_kᵀ) is a dot product of length d_{k−1}: error ≤ γ_{d_{k−1}}(|W_k||W_k|ᵀ)_ij, and
 *   ‖|W||W|ᵀ‖_F ≤ ‖W‖_F², so that product errs by ≤ γ_m‖W_k‖_F² in Frobenius norm (m the longest inner length);
 *   the same for W_{k+1}ᵀW_{k+1}, at t and at 0; the two subtractions per entry (D_k(t), then D_k(t) − D_k(0))
 *   add ≤ 2u times the same magnitudes, so ‖Δ̂ − Δ(Ŵ)‖_2 ≤ ‖·‖_F ≤ γ_{m+2}·(sum of the four squared norms);
 * - the SVD of the computed Δ̂ (backward stable): svdRoundings(d_k, d_k)·u·‖Δ̂‖_2;
 * - the bound's own sums T̂_j (energyRounding, relative) times max(T̂_k, T̂_{k+1}).
 */
export function driftEvaluationRounding(p: {
  readonly dims: readonly number[];
  /** 0-based index of the pair's first layer */
  readonly k: number;
  /** computed ‖W_j(t)‖_F² and ‖W_j(0)‖_F² */
  readonly frobeniusSquared: readonly number[];
  readonly frobeniusSquared0: readonly number[];
  /** computed ‖Δ̂_k‖_2 */
  readonly observed: number;
  /** computed max(T̂_k, T̂_{k+1}) and the steps summed into it */
  readonly bound: number;
  readonly steps: number;
}): number {
  const { dims, k } = p;
  const m = Math.max(dims[k], dims[k + 2]);
  const products = p.frobeniusSquared[k] + p.frobeniusSquared[k + 1] + p.frobeniusSquared0[k] + p.frobeniusSquared0[k + 1];
  const entries = Math.max(dims[k] * dims[k + 1], dims[k + 1] * dims[k + 2]);
  return gamma(m + 2) * products + svdRoundings(dims[k + 1], dims[k + 1]) * UNIT_ROUNDOFF * p.observed + energyRounding(p.steps, entries) * p.bound;
}
