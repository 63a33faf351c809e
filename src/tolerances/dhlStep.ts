import type { Dataset } from '../data/dataset.js';
import type { Loss } from '../losses/loss.js';
import type { GradientWorkspace } from '../trainer/gradient.js';
import { balanceMatrices } from '../metrics/balancedness.js';
import { frobeniusSquared } from '../linalg/dense.js';
import { quotient } from './quotient.js';
import { gamma } from './rounding.js';

/**
 * One-step tolerances of the balancedness claims (F2, F4 in docs/claims.md; DHL.Thm2.1,
 * DHL.Cor2.1, DHL.MF); the many-step ones are in dhl.ts, ACH.Thm1's in ach.ts. Each exported
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
