import type { Dataset } from '../data/dataset.js';
import { gamma, UNIT_ROUNDOFF as unitRoundoff } from './rounding.js';
import type { Loss } from '../losses/loss.js';
import { balanceMatrices } from '../metrics/balancedness.js';
import type { Network } from '../network/network.js';
import type { GradientFn, GradientWorkspace } from '../trainer/gradient.js';
import { gradientDescent } from '../trainer/gradientDescent.js';

/**
 * Tolerances of the balancedness claims (CLAIMS.md F2, F4; DHL.Thm2.1,
 * DHL.Cor2.1, DHL.Thm2.2, DHL.MF, DHL.Lem3.1; ACH.Thm1). Each exported
 * *Ratio function returns |observed discrepancy| / (derived bound): a
 * dimensionless number that is ≤ 1 when the claim holds; the properties
 * compare it with the threshold 1. The derivations are in the comments.
 *
 * Rounding model (Higham, Accuracy and Stability of Numerical Algorithms,
 * 2nd ed., §2.2 and §3.1): fl(a ∘ b) = (a ∘ b)(1 + δ) with |δ| ≤ u = 2⁻⁵³,
 * and a dot product of length m, summed in any order, has
 * |fl(Σ a_i b_i) − Σ a_i b_i| ≤ γ_m Σ |a_i b_i| with γ_m = mu/(1 − mu).
 * Matrix forms: |fl(AB) − AB| ≤ γ_m |A||B| entrywise (m the inner size).
 */

export { gamma, UNIT_ROUNDOFF as unitRoundoff } from './rounding.js';

/** observed/bound with 0/0 = 0 (both sides exactly zero) and x/0 = ∞. */
function quotient(observed: number, bound: number): number {
  const o = Math.abs(observed);
  if (o === 0) return 0;
  return bound > 0 ? o / bound : Infinity;
}

// ---------------------------------------------------------------------------
// Magnitudes for the first-order cancellation (F2/F4 in floating point)
// ---------------------------------------------------------------------------

/**
 * |∂ℓ_i/∂f(x_i)|/n for every sample and output (n × d_L), read from the
 * workspace of the evaluation at W(t): |ℓ'(m_i)|/n (margin losses) or
 * |f(x_i) − y_i|/n (squared loss). These start the backward magnitude sweep.
 */
export function outputDeltaMagnitudes(ws: GradientWorkspace, data: Dataset, loss: Loss): Float64Array {
  const n = data.n;
  const dL = data.outDim;
  const out = new Float64Array(n * dL);
  if (loss.kind === 'margin') for (let i = 0; i < n; i++) out[i] = Math.abs(loss.derivative(ws.margins[i])) / n;
  else for (let i = 0; i < n * dL; i++) out[i] = Math.abs(ws.outputs[i] - data.y[i]) / n;
  return out;
}

/**
 * Mag_k (d_k × d_k) for every hidden layer k = 1..L−1 (index k−1):
 *   Mag_k = (|δ_{k+1}| |W_{k+1}|)ᵀ (|a_{k−1}| |W_k|ᵀ),
 * where |a_j| (n × d_j) are upper bounds of the stored activations
 * (|a_0| = |x|, |a_j| ≤ (1+γ)|a_{j−1}||W_j|ᵀ since |φ(z)| ≤ |z| for linear,
 * ReLU, leaky (slope ≤ 1) and tanh) and |δ_j| (n × d_j) upper bounds of the
 * back-propagated errors (|δ_L| = (1+γ)·output deltas, |δ_j| ≤ (1+γ)|δ_{j+1}||W_{j+1}|
 * since |φ'| ≤ 1).
 *
 * Why: in exact arithmetic G_kW_kᵀ = W_{k+1}ᵀG_{k+1} (linear layers, F2) and
 * its diagonal holds for homogeneous φ (F4); in floating point the two sides
 * of X = G_kW_kᵀ − W_{k+1}ᵀG_{k+1}, computed from the trainer's gradients,
 * differ by rounding only. Both gradient paths of trainer/gradient.ts are
 * covered:
 * - back-propagation: G_kW_kᵀ[i,j] = Σ_s δ_k[s,i] pre_k[s,j] and
 *   W_{k+1}ᵀG_{k+1}[i,j] = Σ_s t_s[i] a_k[s,j] with t = δ_{k+1}W_{k+1}; the five
 *   rounded sums (pre, t, G_k, G_{k+1}, the φ'·t product) each contribute at
 *   most γ_m(1+γ_m) Σ_s S[s,i]Pm[s,j], so |X| ≤ 5γ_m(1+γ_m)·Mag_k;
 * - end-to-end path: G_k = H_kB_kᵀ with H_k = W_{k+1}ᵀH_{k+1} and the prefix
 *   B_{k+1} = W_kB_k; the four rounded products give |X| ≤ 4γ_m(1+γ_m)
 *   |W_{k+1}|ᵀ|H_{k+1}||B_k|ᵀ|W_k|ᵀ, and since H shares one computed E = Σ_s c_s x_sᵀ
 *   (|E| ≤ (1+γ)Σ_s|c_s||x_s|ᵀ), that product is ≤ (1+γ)·Mag_k.
 * The rounding of E itself does not matter: F2 holds for any E.
 */
export function cancellationMagnitudes(weights: readonly Float64Array[], dims: readonly number[], data: Dataset, outputDeltas: Float64Array): Float64Array[] {
  const L = weights.length;
  const n = data.n;
  const g = gamma(Math.max(n, ...dims) + 3);
  const acts: Float64Array[] = [Float64Array.from(data.x, Math.abs)];
  for (let k = 1; k < L; k++) {
    const rows = dims[k];
    const cols = dims[k - 1];
    const prev = acts[k - 1];
    const W = weights[k - 1];
    const a = new Float64Array(n * rows);
    for (let s = 0; s < n; s++)
      for (let i = 0; i < rows; i++) {
        let v = 0;
        for (let c = 0; c < cols; c++) v += Math.abs(W[i * cols + c]) * prev[s * cols + c];
        a[s * rows + i] = v * (1 + g);
      }
    acts.push(a);
  }
  const deltas: Float64Array[] = new Array<Float64Array>(L + 1);
  deltas[L] = Float64Array.from(outputDeltas, (v) => v * (1 + g));
  for (let k = L - 1; k >= 1; k--) {
    const rows = dims[k + 1];
    const cols = dims[k];
    const W = weights[k];
    const next = deltas[k + 1];
    const dk = new Float64Array(n * cols);
    for (let s = 0; s < n; s++)
      for (let c = 0; c < cols; c++) {
        let v = 0;
        for (let r = 0; r < rows; r++) v += next[s * rows + r] * Math.abs(W[r * cols + c]);
        dk[s * cols + c] = v * (1 + g);
      }
    deltas[k] = dk;
  }
  const mags: Float64Array[] = [];
  for (let k = 1; k < L; k++) {
    const dk = dims[k];
    // S = |δ_{k+1}||W_{k+1}| and Pm = |a_{k−1}||W_k|ᵀ, both n × d_k; deltas[k] is exactly S·(1+γ)
    const S = deltas[k];
    const cols = dims[k - 1];
    const W = weights[k - 1];
    const prev = acts[k - 1];
    const mag = new Float64Array(dk * dk);
    for (let s = 0; s < n; s++)
      for (let j = 0; j < dk; j++) {
        let p = 0;
        for (let c = 0; c < cols; c++) p += Math.abs(W[j * cols + c]) * prev[s * cols + c];
        if (p === 0) continue;
        for (let i = 0; i < dk; i++) mag[i * dk + j] += S[s * dk + i] * p;
      }
    mags.push(mag);
  }
  return mags;
}

// ---------------------------------------------------------------------------
// F2 / F4 / layer sum for one GD step in floating point
// ---------------------------------------------------------------------------

/** One step W' = fl(W − fl(ηG)) as the trainer took it, with what the bounds need. */
export interface BalanceStep {
  readonly dims: readonly number[];
  readonly eta: number;
  /** samples n (the longest sums run over them) */
  readonly samples: number;
  readonly before: readonly Float64Array[];
  readonly after: readonly Float64Array[];
  readonly grads: readonly Float64Array[];
  /** cancellationMagnitudes at W(t), one per hidden layer */
  readonly magnitudes: readonly Float64Array[];
}

/** One step by the trainer (gradientDescent), with what the F2/F4 bounds need captured at W(0). */
export function recordBalanceStep(net: Network, data: Dataset, loss: Loss, eta: number, gradient?: GradientFn): BalanceStep {
  let before: Float64Array[] = [];
  let grads: Float64Array[] = [];
  let deltas: Float64Array = new Float64Array(0);
  const res = gradientDescent({
    network: net,
    data,
    loss,
    schedule: { kind: 'constant', eta },
    steps: 1,
    gradient,
    onStep(v) {
      if (v.t !== 0) return;
      before = v.weights.map((W) => W.slice());
      grads = v.grads.map((G) => G.slice());
      deltas = outputDeltaMagnitudes(v.workspace, data, loss);
    },
  });
  return { dims: net.dims, eta, samples: data.n, before, after: res.network.weights, grads, magnitudes: cancellationMagnitudes(before, net.dims, data, deltas) };
}

function absGram(W: Float64Array, rows: number, cols: number, out: Float64Array, weight: number): void {
  // out += weight·|W||W|ᵀ (rows × rows)
  for (let i = 0; i < rows; i++)
    for (let j = 0; j < rows; j++) {
      let s = 0;
      for (let c = 0; c < cols; c++) s += Math.abs(W[i * cols + c]) * Math.abs(W[j * cols + c]);
      out[i * rows + j] += weight * s;
    }
}

function absGramT(V: Float64Array, rows: number, cols: number, out: Float64Array, weight: number): void {
  // out += weight·|V|ᵀ|V| (cols × cols)
  for (let i = 0; i < cols; i++)
    for (let j = 0; j < cols; j++) {
      let s = 0;
      for (let r = 0; r < rows; r++) s += Math.abs(V[r * cols + i]) * Math.abs(V[r * cols + j]);
      out[i * cols + j] += weight * s;
    }
}

function gram(W: Float64Array, rows: number, cols: number): Float64Array {
  const out = new Float64Array(rows * rows);
  for (let i = 0; i < rows; i++)
    for (let j = 0; j < rows; j++) {
      let s = 0;
      for (let c = 0; c < cols; c++) s += W[i * cols + c] * W[j * cols + c];
      out[i * rows + j] = s;
    }
  return out;
}

function gramT(V: Float64Array, rows: number, cols: number): Float64Array {
  const out = new Float64Array(cols * cols);
  for (let i = 0; i < cols; i++)
    for (let j = 0; j < cols; j++) {
      let s = 0;
      for (let r = 0; r < rows; r++) s += V[r * cols + i] * V[r * cols + j];
      out[i * cols + j] = s;
    }
  return out;
}

/**
 * The F2 residuals D_k(W') − D_k(W) − η²(G_kG_kᵀ − G_{k+1}ᵀG_{k+1}) in floating
 * point and their entrywise bounds. With W = W_k (d_k × a), V = W_{k+1}
 * (b × d_k), G, H their gradients, m = max(n, dims) + 3 and
 * N(W, V) = |W||W|ᵀ + |V|ᵀ|V|:
 *  (a) computing D(W), D(W') (products and one subtraction): γ_{m+1}(N(W,V) + N(W',V'));
 *  (b) computing η²Q, Q = GGᵀ − HᵀH (η² and one product rounded): η²γ_{m+3}N(G,H);
 *  (c) the update's rounding, W' = W − ηG + δ with |δ| ≤ γ_2(|W| + η|G|) =: γ_2Ŵ:
 *      W'W'ᵀ − (W−ηG)(W−ηG)ᵀ is bounded by (2γ_2 + γ_2²)ŴŴᵀ, so (2γ_2 + γ_2²)N(Ŵ, V̂);
 *  (d) the first-order terms −η(X + Xᵀ), zero in exact arithmetic, bounded by
 *      η·5γ_m(1+γ_m)²(Mag_k + Mag_kᵀ) (see cancellationMagnitudes);
 *  (e) the two subtractions forming the residual: γ_2(|D'| + |D| + η²|Q|).
 * Every other term of the expansion is exactly the F2 identity. The bound is
 * first order in u with γ's absorbing the cross terms, so ratio ≤ 1 is the
 * rigorous threshold; in practice the ratio is ≪ 1 (most roundings cancel).
 */
export function balanceStepResiduals(step: BalanceStep): { residuals: Float64Array[]; bounds: Float64Array[] } {
  const { dims, eta, before, after, grads, magnitudes } = step;
  const L = before.length;
  const m = Math.max(step.samples, ...dims) + 3;
  const gm1 = gamma(m + 1);
  const gm3 = gamma(m + 3);
  const g2 = gamma(2);
  const first = 5 * gamma(m) * (1 + gamma(m)) ** 2;
  const eta2 = eta * eta;
  const Db = balanceMatrices(before, dims);
  const Da = balanceMatrices(after, dims);
  const residuals: Float64Array[] = [];
  const bounds: Float64Array[] = [];
  for (let k = 1; k < L; k++) {
    const dk = dims[k];
    const a = dims[k - 1];
    const b = dims[k + 1];
    const G = grads[k - 1];
    const H = grads[k];
    const GG = gram(G, dk, a);
    const HH = gramT(H, b, dk);
    const res = new Float64Array(dk * dk);
    const bound = new Float64Array(dk * dk);
    const D0 = Db[k - 1];
    const D1 = Da[k - 1];
    for (let i = 0; i < dk * dk; i++) {
      const q = GG[i] - HH[i];
      res[i] = D1[i] - D0[i] - eta2 * q;
      bound[i] = g2 * (Math.abs(D1[i]) + Math.abs(D0[i]) + eta2 * Math.abs(q));
    }
    absGram(before[k - 1], dk, a, bound, gm1);
    absGramT(before[k], b, dk, bound, gm1);
    absGram(after[k - 1], dk, a, bound, gm1);
    absGramT(after[k], b, dk, bound, gm1);
    absGram(G, dk, a, bound, eta2 * gm3);
    absGramT(H, b, dk, bound, eta2 * gm3);
    const hatW = before[k - 1].map((w, i) => Math.abs(w) + eta * Math.abs(G[i]));
    const hatV = before[k].map((v, i) => Math.abs(v) + eta * Math.abs(H[i]));
    absGram(hatW, dk, a, bound, 2 * g2 + g2 * g2);
    absGramT(hatV, b, dk, bound, 2 * g2 + g2 * g2);
    const mag = magnitudes[k - 1];
    for (let i = 0; i < dk; i++) for (let j = 0; j < dk; j++) bound[i * dk + j] += eta * first * (mag[i * dk + j] + mag[j * dk + i]);
    residuals.push(res);
    bounds.push(bound);
  }
  return { residuals, bounds };
}

/**
 * DHL.Thm2.2 / DHL.MF (part = 'matrix': every entry of every D_k) and
 * DHL.Thm2.1 (part = 'diagonal': entry (i,i) of D_k is ‖W_k[i,:]‖² − ‖W_{k+1}[:,i]‖²,
 * so F4 is the diagonal of the F2 residual): max over entries of |residual|/bound.
 */
export function balanceStepRatio(step: BalanceStep, part: 'matrix' | 'diagonal'): number {
  const { residuals, bounds } = balanceStepResiduals(step);
  let worst = 0;
  residuals.forEach((res, k) => {
    const dk = step.dims[k + 1];
    for (let i = 0; i < dk; i++)
      for (let j = 0; j < dk; j++) {
        if (part === 'diagonal' && i !== j) continue;
        worst = Math.max(worst, quotient(res[i * dk + j], bounds[k][i * dk + j]));
      }
  });
  return worst;
}

function frobeniusSquared(W: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < W.length; i++) s += W[i] * W[i];
  return s;
}

/**
 * DHL.Cor2.1: c_k = [‖W_k'‖² − ‖W_{k+1}'‖²] − [‖W_k‖² − ‖W_{k+1}‖²] − η²(‖G_k‖² − ‖G_{k+1}‖²)
 * (squared Frobenius norms, each summed over its M ≤ max layer size entries).
 * Bound, term by term as for balanceStepResiduals: γ_{M+1}(four squared norms)
 * + η²γ_{M+3}(‖G_k‖² + ‖G_{k+1}‖²) + (2γ_2 + γ_2²)(‖Ŵ‖² + ‖V̂‖²) + 2η·5γ_m(1+γ_m)²·tr Mag_k
 * (the first-order terms are the trace of X + Xᵀ) + γ_3(|s'| + |s| + η²|q|).
 * Returns the max over hidden layers of |c_k|/bound.
 */
export function layerSumStepRatio(step: BalanceStep): number {
  const { dims, eta, before, after, grads, magnitudes } = step;
  const L = before.length;
  const m = Math.max(step.samples, ...dims) + 3;
  const big = Math.max(...before.map((W) => W.length)) + 1;
  const g2 = gamma(2);
  const first = 5 * gamma(m) * (1 + gamma(m)) ** 2;
  let worst = 0;
  for (let k = 1; k < L; k++) {
    const w0 = frobeniusSquared(before[k - 1]);
    const v0 = frobeniusSquared(before[k]);
    const w1 = frobeniusSquared(after[k - 1]);
    const v1 = frobeniusSquared(after[k]);
    const gw = frobeniusSquared(grads[k - 1]);
    const gv = frobeniusSquared(grads[k]);
    const s0 = w0 - v0;
    const s1 = w1 - v1;
    const q = gw - gv;
    const c = s1 - s0 - eta * eta * q;
    const hat = (W: Float64Array, G: Float64Array) => {
      let s = 0;
      for (let i = 0; i < W.length; i++) s += (Math.abs(W[i]) + eta * Math.abs(G[i])) ** 2;
      return s;
    };
    const mag = magnitudes[k - 1];
    const dk = dims[k];
    let trace = 0;
    for (let i = 0; i < dk; i++) trace += mag[i * dk + i];
    const bound =
      gamma(big + 1) * (w0 + v0 + w1 + v1) +
      eta * eta * gamma(big + 3) * (gw + gv) +
      (2 * g2 + g2 * g2) * (hat(before[k - 1], grads[k - 1]) + hat(before[k], grads[k])) +
      2 * eta * first * trace +
      gamma(3) * (Math.abs(s1) + Math.abs(s0) + eta * eta * Math.abs(q));
    worst = Math.max(worst, quotient(c, bound));
  }
  return worst;
}

// ---------------------------------------------------------------------------
// DHL.Thm2.2, gradient flow: drift against the integrator tolerance
// ---------------------------------------------------------------------------

export interface FlowDrift {
  /** max_k ‖D_k(T) − D_k(0)‖_F */
  readonly drift: number;
  /** ODEX absolute = relative tolerance */
  readonly tolerance: number;
  /** right-hand-side evaluations: an upper bound on the number of ODEX steps */
  readonly evaluations: number;
  /** number of unknowns N = Σ_k d_k d_{k−1} */
  readonly unknowns: number;
  /** max over the sampled checkpoints of max_k ‖W_k‖_2 (bounded by ‖W_k‖_F) */
  readonly maxLayerNorm: number;
  /** max over the sampled checkpoints of max |w| over all entries */
  readonly maxEntry: number;
  /** max over the checkpoints of Σ_k ‖W_k‖_F² at times 0 and T (for the final D evaluations) */
  readonly maxSquaredNorm: number;
  readonly maxDim: number;
}

/**
 * D_k is constant along exact gradient flow, so its drift along ODEX's
 * solution is the sum over accepted steps of D(ỹ + e) − D(ỹ), where ỹ is the
 * exact local solution and e the local error. ODEX (Hairer's extrapolation
 * code, src/odex.ts of the odex package) accepts a step when
 * sqrt((1/N)Σ_i (e_i/sc_i)²) ≤ 1 with sc_i = atol + rtol·max(|y_i|, |y_i'|),
 * i.e. ‖e‖_2 ≤ √N·tol·(1 + max|y|) =: e. Then
 * ‖D_k(ỹ+e) − D_k(ỹ)‖_F ≤ 2‖W_k‖_2‖e‖ + 2‖W_{k+1}‖_2‖e‖ + 2‖e‖² ≤ 4w̄e + 2e²,
 * and over at most `evaluations` steps the drift is ≤ evaluations·(4w̄e + 2e²),
 * plus per-step rounding inside the integrator (taken as 64u(1 + max|y|)√N
 * added to e, generous for ODEX's ≤ 9 extrapolation columns) and the two
 * final D evaluations (2γ_{m+1}Σ‖W_k‖_F² each).
 * Honest caveats: the bound trusts ODEX's error estimate (the difference of
 * two extrapolation columns; the accepted, higher-order column is usually far
 * more accurate, so the bound is loose rather than tight), and w̄, max|y| are
 * sampled at checkpoints, not bounded along the whole path.
 */
export function flowDriftRatio(f: FlowDrift): number {
  const scaleY = 1 + f.maxEntry;
  const e = Math.sqrt(f.unknowns) * (f.tolerance + 64 * unitRoundoff) * scaleY;
  const bound = f.evaluations * (4 * f.maxLayerNorm * e + 2 * e * e) + 4 * gamma(f.maxDim + 4) * f.maxSquaredNorm;
  return quotient(f.drift, bound);
}

// ---------------------------------------------------------------------------
// DHL.Thm2.2, small steps: the drift halves when η halves at a fixed horizon
// ---------------------------------------------------------------------------

export interface HalvingRuns {
  /** depth L of the linear network; squared loss, ‖x_i‖ ≤ 1 */
  readonly depth: number;
  /** horizon τ = hT */
  readonly horizon: number;
  /** the larger step h (the other run uses h/2) */
  readonly step: number;
  /** ‖Δ(h)‖ and ‖Δ(h/2)‖, Δ = (D_k(T) − D_k(0))_k stacked, Frobenius */
  readonly drift: number;
  readonly driftHalf: number;
  /** max over both runs and all iterates of max_k ‖W_k‖_F */
  readonly maxLayerNorm: number;
  /** max_i ‖y_i‖ */
  readonly maxTarget: number;
  readonly maxDim: number;
}

/** Smoothness of the squared risk of a linear net on B(ρ) = {max_k ‖W_k‖_F ≤ ρ} with ‖x_i‖ ≤ 1. */
export function squaredRiskSmoothness(depth: number, radius: number, maxTarget: number): { gradient: number; hessian: number } {
  const L = depth;
  const residual = radius ** L + maxTarget;
  return {
    // ‖G_k‖_F ≤ ‖A_k‖‖E‖_F‖B_k‖ ≤ ρ^{L−1}·max_i ‖r_i‖, L blocks
    gradient: Math.sqrt(L) * radius ** (L - 1) * residual,
    // ∇²R[V,V] = (1/n)Σ‖DP[V]x_i‖² + (1/n)Σ⟨r_i, D²P[V,V]x_i⟩ ≤ (Lρ^{2L−2} + Lρ^{L−2}·max‖r_i‖)‖V‖²
    hessian: L * radius ** (2 * L - 2) + L * radius ** (L - 2) * residual,
  };
}

/**
 * The band around 1/2 for r = ‖Δ(h/2)‖/‖Δ(h)‖ (DHL.Thm2.2, small steps),
 * returned as |r − 1/2|/β. Derivation: by F2, Δ(h) = h·F(h) with the Riemann
 * sum F(h) = Σ_{t<T} h Q(θ_t), Q = (G_kG_kᵀ − G_{k+1}ᵀG_{k+1})_k, whose limit is
 * I = ∫_0^τ Q(θ(s)) ds along gradient flow. With M₁ ≥ ‖∇R‖ and M₂ ≥ ‖∇²R‖ on a
 * ball holding both trajectories, Q is 4M₁M₂-Lipschitz, Euler's global error
 * is ≤ (hM₁/2)(e^{M₂τ} − 1) and the Riemann error along the flow ≤ 4M₁M₂·M₁τh/2, so
 *   ‖F(h) − I‖ ≤ h·K,  K = 2τM₁²M₂e^{M₂τ}.
 * Then |‖Δ(h/2)‖ − ½‖Δ(h)‖| ≤ (h/2)²K + ½h²K, i.e.
 *   |r − ½| ≤ β = (0.75h²K + ρ_{h/2} + ½ρ_h)/‖Δ(h)‖,
 * ρ_h the rounding of a run: per step and layer at most 16γ_m(ρ + hM₁)² (terms (c)–(d) of
 * balanceStepResiduals in norm form, generously), plus the two D evaluations 4γ_m·Lρ².
 * The ball: GD's iterates lie in B(ρ_GD) (measured); the flow stays within
 * hM₁e^{M₂τ} of them, so the radius used is the fixed point of
 * ρ = ρ_GD + hM₁(ρ)e^{M₂(ρ)τ}, found by iteration (throws if it diverges).
 */
export function halvingDeviationRatio(runs: HalvingRuns): { ratio: number; band: number; observed: number } {
  const { depth, horizon: tau, step: h, drift, driftHalf, maxTarget } = runs;
  let radius = runs.maxLayerNorm * 1.01;
  let M = squaredRiskSmoothness(depth, radius, maxTarget);
  for (let it = 0; it < 50; it++) {
    const needed = runs.maxLayerNorm + h * M.gradient * Math.exp(M.hessian * tau);
    if (needed <= radius) break;
    if (it === 49) throw new RangeError(`halvingDeviationRatio: no ball holds both trajectories (ρ_GD=${runs.maxLayerNorm}, h=${h}); take a smaller step`);
    radius = needed * 1.01;
    M = squaredRiskSmoothness(depth, radius, maxTarget);
  }
  const K = 2 * tau * M.gradient ** 2 * M.hessian * Math.exp(M.hessian * tau);
  const gm = gamma(runs.maxDim + 6);
  const rounding = (step: number) => (tau / step) * 16 * gm * (radius + step * M.gradient) ** 2 * depth + 4 * gm * depth * radius ** 2;
  const band = (0.75 * h * h * K + rounding(h / 2) + 0.5 * rounding(h)) / drift;
  const observed = driftHalf / drift;
  return { ratio: quotient(observed - 0.5, band), band, observed };
}

// ---------------------------------------------------------------------------
// DHL.Lem3.1: drift ≤ S(t) ≤ c²(1 + 1/(2δ)) sup‖∇f‖²
// ---------------------------------------------------------------------------

export interface EnergyBudget {
  /** max over t of max_k ‖D_k(t) − D_k(0)‖_F (computed from the iterates) */
  readonly drift: number;
  /** S(t) = Σ η_τ²‖∇R‖² as the trainer accumulated it */
  readonly energy: number;
  /** Σ over steps of the per-step rounding of the drift (energyRoundingPerStep) plus the D evaluations */
  readonly rounding: number;
  /** steps taken */
  readonly steps: number;
  /** c and δ of η_t = c(t+1)^{−(1/2+δ)}, in the trainer's risk units */
  readonly c: number;
  readonly delta: number;
  /** sup_t ‖∇R(W(t))‖² */
  readonly supGradSquared: number;
}

/**
 * Rounding added to the computed drift by one step (terms (c) and (d) of
 * balanceStepResiduals in Frobenius form: ‖|W||W|ᵀ‖_F ≤ ‖W‖_F²): the update
 * (2γ_2 + γ_2²)Σ_k‖Ŵ_k‖_F² and the first-order mismatch 2η·5γ_m(1+γ_m)²‖Mag‖_F,
 * with ‖Mag_k‖_F ≤ (1+γ)^{2L}·√(2R)·Π_j‖W_j‖_F for the squared loss with ‖x_i‖ ≤ 1
 * (Mag_k = (|δ_{k+1}||W_{k+1}|)ᵀ(|a_{k−1}||W_k|ᵀ) with |δ_{k+1}| ≤ |δ_L||W_L|⋯|W_{k+2}|,
 * |a_{k−1}| ≤ |X||W_1|ᵀ⋯|W_{k−1}|ᵀ, ‖δ_L‖_F = √(Σ‖r_i‖²)/n = √(2R/n) and ‖X‖_F ≤ √n).
 */
export function energyRoundingPerStep(weights: readonly Float64Array[], grads: readonly Float64Array[], eta: number, risk: number, maxDim: number, samples: number): number {
  const m = Math.max(maxDim, samples) + 3;
  const g2 = gamma(2);
  const gm = gamma(m);
  let hat = 0;
  for (let k = 0; k < weights.length; k++) {
    const W = weights[k];
    const G = grads[k];
    for (let i = 0; i < W.length; i++) hat += (Math.abs(W[i]) + eta * Math.abs(G[i])) ** 2;
  }
  const L = weights.length;
  const product = weights.reduce((p, W) => p * Math.sqrt(frobeniusSquared(W)), 1);
  // the L − 1 hidden layers each contribute one first-order mismatch
  return (2 * g2 + g2 * g2) * hat + 2 * eta * 5 * gm * (1 + gm) ** (2 * L + 2) * Math.sqrt(2 * Math.max(risk, 0)) * product * (L - 1);
}

/**
 * Both inequalities of DHL.Lem3.1 as one ratio (the larger of the two):
 * (1) drift ≤ S(t) by F2 (‖Δ_k‖_F ≤ Σ η²(‖G_k‖² + ‖G_{k+1}‖²) ≤ S because both
 *     η²-terms are PSD), up to the accumulated rounding and S's own summation
 *     error γ_{steps+1}·S;
 * (2) S(t) ≤ Σ_τ c²(τ+1)^{−(1+2δ)}·sup‖∇R‖² ≤ c²(1 + ∫_1^∞ s^{−1−2δ}ds)·sup‖∇R‖²
 *     = c²(1 + 1/(2δ))·sup‖∇R‖², up to the same summation error.
 */
export function energyBoundRatio(b: EnergyBudget): number {
  const sum = gamma(b.steps + 2);
  const first = quotient(b.drift, b.energy * (1 + sum) + b.rounding);
  const budget = b.c * b.c * (1 + 1 / (2 * b.delta)) * b.supGradSquared;
  const second = quotient(b.energy, budget * (1 + sum) ** 2);
  return Math.max(first, second);
}

// ---------------------------------------------------------------------------
// ACH.Thm1: the end-to-end derivative identity and the one-step GD discrepancy
// ---------------------------------------------------------------------------

export interface EndToEndIdentity {
  /** ‖chain-rule velocity − ACH velocity‖_F */
  readonly difference: number;
  /** Σ_k ‖A_k‖_F² ‖E‖_F ‖B_k‖_F² (size of the chain-rule terms) */
  readonly chainScale: number;
  /** Σ_j ‖(PPᵀ)^{(j−1)/L}‖_F ‖E‖_F ‖(PᵀP)^{(L−j)/L}‖_F (size of the ACH terms) */
  readonly termScale: number;
  /** conditioning of PPᵀ and PᵀP on their kept spectrum (endToEndVelocity) */
  readonly conditioning: number;
  readonly depth: number;
  readonly maxDim: number;
}

/**
 * The bound on the identity's residual at a point that is balanced up to the
 * generator's rounding. With m = max dim + 4 and κ the conditioning:
 * - chain rule: G_k (four rounded products, 4γ_m) and the L products forming
 *   A_kG_kB_k: (L + 4)γ_m·chainScale;
 * - ACH side: the symmetric eigen-decomposition is backward stable,
 *   ‖ΔM‖_F ≤ 8d·u‖M‖_F (Golub–Van Loan §8.3, a generous constant), and
 *   M ↦ M^α has divided differences ≤ αλ_min^{α−1}, plus the tilt of the kept
 *   eigenspace (‖ΔM‖/λ_r), so each power is perturbed by ≤ 2·8d·u·κ‖M^α‖; two
 *   powers and two products per term: (32κ + 2)γ_m·termScale;
 * - balance of the generated point: W = Ŵ + ΔW with Ŵ exactly balanced and
 *   ‖ΔW_k‖_F ≤ 6γ_m‖W_k‖_F (orthogonal factors built from ≤ 3 rounded
 *   reflections, one diagonal and two products); the chain-rule side moves
 *   by ≤ 2(L−1)·6γ_m·chainScale, the ACH side (PPᵀ moves by 2L·6γ_m relatively)
 *   by ≤ 2·2L·6γ_m·κ·termScale.
 */
export function endToEndIdentityBound(x: Omit<EndToEndIdentity, 'difference'>): number {
  const g = gamma(x.maxDim + 4);
  const L = x.depth;
  const kappa = x.conditioning;
  return g * ((L + 4 + 12 * (L - 1)) * x.chainScale + (32 * kappa + 2 + 24 * L * kappa) * x.termScale);
}

export function endToEndIdentityRatio(x: EndToEndIdentity): number {
  return quotient(x.difference, endToEndIdentityBound(x));
}

export interface QuarteringRuns {
  /** ‖Δ(h)‖_F and ‖Δ(h/2)‖_F with Δ(h) = P(W − hG) − P(W) − h·V_ACH */
  readonly discrepancy: number;
  readonly discrepancyHalf: number;
  readonly step: number;
  /** ‖W_k‖_F and ‖G_k‖_F at the balanced point */
  readonly layerNorms: readonly number[];
  readonly gradNorms: readonly number[];
  /** endToEndIdentityBound at W: |V_chain − V_ACH| */
  readonly identityBound: number;
  /** ‖V_ACH‖_F */
  readonly velocityNorm: number;
  readonly maxDim: number;
}

/** e_m(g; w) = Σ_{|S|=m} Π_{k∈S} g_k Π_{k∉S} w_k, for every m (dynamic programming). */
function mixedSymmetric(g: readonly number[], w: readonly number[]): number[] {
  let e = [1];
  for (let k = 0; k < g.length; k++) {
    const next = new Array<number>(e.length + 1).fill(0);
    for (let m = 0; m < e.length; m++) {
      next[m] += e[m] * w[k];
      next[m + 1] += e[m] * g[k];
    }
    e = next;
  }
  return e;
}

/**
 * ACH.Thm1 for GD: P(W − hG) = Σ_m (−h)^m C_m exactly (a polynomial of degree L),
 * C_0 = P and −C_1 = V_chain, so Δ(h) = h²C_2 + R(h) + h(V_chain − V_ACH) + rounding with
 * ‖C_m‖_F ≤ e_m(‖G‖_F; ‖W‖_F) and ‖R(h)‖ ≤ Σ_{m≥3} h^m e_m. Hence
 *   |‖Δ(h/2)‖ − ¼‖Δ(h)‖| ≤ R(h/2) + ¼R(h) + ε(h/2) + ¼ε(h),
 * ε(h) = h·identityBound + rounding of Δ (products: (L+2)γ_m(Π‖W'‖ + Π‖W‖) with
 * ‖W'_k‖ ≤ ‖W_k‖ + h‖G_k‖; the update: Lγ_2Π(‖W_k‖ + h‖G_k‖); subtractions: γ_3(‖P'‖ + ‖P‖ + h‖V‖)),
 * and the ratio r = ‖Δ(h/2)‖/‖Δ(h)‖ lies within β = (that)/‖Δ(h)‖ of 1/4. For L = 2, R ≡ 0
 * and the band is rounding only. Returns |r − ¼|/β.
 */
export function quarteringDeviationRatio(q: QuarteringRuns): { ratio: number; band: number; observed: number } {
  const L = q.layerNorms.length;
  const g = gamma(q.maxDim + 4);
  const remainder = (h: number) => {
    const e = mixedSymmetric(q.gradNorms.map((x) => h * x), q.layerNorms);
    let s = 0;
    for (let m = 3; m <= L; m++) s += e[m];
    return s;
  };
  const rounding = (h: number) => {
    const prodW = q.layerNorms.reduce((a, b) => a * b, 1);
    const prodHat = q.layerNorms.reduce((a, w, k) => a * (w + h * q.gradNorms[k]), 1);
    return h * q.identityBound + (L + 2) * g * (prodHat + prodW) + L * gamma(2) * prodHat + gamma(3) * (prodHat + prodW + h * q.velocityNorm);
  };
  const h = q.step;
  // E = 0 (a critical point): no step moves P and there is nothing to compare
  if (q.discrepancy === 0 && q.discrepancyHalf === 0) return { ratio: 0, band: 0, observed: NaN };
  const band = (remainder(h / 2) + remainder(h) / 4 + rounding(h / 2) + rounding(h) / 4) / q.discrepancy;
  const observed = q.discrepancyHalf / q.discrepancy;
  return { ratio: quotient(observed - 0.25, band), band, observed };
}
