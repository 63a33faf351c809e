import { plainFrobenius } from '../linalg/sumOfSquares.js';
import { balanceMatrices } from '../metrics/balancedness.js';
import { A, B } from '../trainer/dop853Tableau.js';
import { quotient } from './quotient.js';
import { gamma } from './rounding.js';

/**
 * DHL.Thm2.2 under gradient flow, near binding: the exact D-increment of an explicit Runge–Kutta step.
 *
 * Identity. Let B be the symmetric bilinear form with D(y) = B(y, y); for the pair (k, k+1),
 *   B(u, v) = ½(U_{k+1}ᵀV_{k+1} + V_{k+1}ᵀU_{k+1}) − ½(U_kV_kᵀ + V_kU_kᵀ)
 * (the symmetrisation matters: U_{k+1}ᵀV_{k+1} alone is not symmetric in (u, v)). One step y₁ = y₀ + hΣ_j b_jk_j with
 * stage points Y_j = y₀ + hΣ_l a_jl k_l and any vectors k_j gives, expanding B(y₁, y₁),
 *   D(y₁) − D(y₀) = 2hΣ_j b_j B(y₀, k_j) + h²Σ_{j,l} b_jb_l B(k_j, k_l),
 * and B(Y_j, k_j) = B(y₀, k_j) + hΣ_l a_jl B(k_l, k_j), so
 *   D(y₁) − D(y₀) = 2hΣ_j b_j B(Y_j, k_j) + h²Σ_{j,l} (b_jb_l − 2b_ja_jl) B(k_j, k_l)
 *                 = 2hΣ_j b_j B(Y_j, k_j) + h²Σ_{j,l} m_jl B(k_j, k_l),   m_jl = b_jb_l − b_ja_jl − b_la_lj,
 * the last line by symmetrising the double sum (B(k_j, k_l) = B(k_l, k_j)). With m symmetric,
 *   Σ_{j,l} m_jl B(k_j, k_l) = Σ_j K_{j,k+1}ᵀP_{j,k+1} − Σ_j K_{j,k}P_{j,k}ᵀ,  P_j = Σ_l m_jl K_l,
 * which is symmetric already (swapping j and l transposes each term), so no explicit ½(· + ·ᵀ) is needed.
 * The theorem: for k = −∇R at Y (linear net), B(Y, k) = −½(X + Xᵀ) with X = W_{k+1}ᵀG_{k+1} − G_kW_kᵀ = 0, so the
 * first sum vanishes in exact arithmetic and each step moves D by exactly h²Q, Q = Σ m_jl B(k_j, k_l): a step's whole
 * truncation drift of D, with nothing left over. Summed over the accepted steps (D telescopes; rejected steps do not
 * move y), D(y_N) − D(y_0) − Σ_n h_n²Q_n is pure rounding. A 1 % error in one layer's gradient makes B(Y_j, k_j) of
 * order 0.01‖G_kW_kᵀ‖ and the residual of order 0.01∫‖G_kW_kᵀ + W_kG_kᵀ‖dt, far above rounding.
 *
 * Allowance (floating point; u = 2⁻⁵³, γ_n = nu/(1 − nu)). The computed run has, per step, the computed stages k̂_j
 * at the computed stage points Ŷ_j, and ŷ₁ = fl(y₀ + h·fl(Σ b_jk̂_j)). Apply the identity to the k̂_j (it holds for
 * any vectors) with the exact stage points Y_j = y₀ + hΣ a_jl k̂_l:
 *   D(ŷ₁) − D(y₀) − h²Q(k̂) = [D(ŷ₁) − D(y₀ + hΣb_jk̂_j)]                          (R) the update's rounding
 *                            + 2hΣ_j b_j B(Ŷ_j, k̂_j)                              (S) the gradient identity in floats
 *                            + 2hΣ_j b_j B(Y_j − Ŷ_j, k̂_j)                         (S) the stage points' rounding
 * (R) and the first (S) are FlowDriftBudget's update and cancellation terms (src/tolerances/dhlFlow.ts, derivation
 * there, with its stated approximation for Mag at the stage points), summed over the steps: `updateRounding` and
 * `cancellation` below are FlowDriftBudget's. The second (S), the stage points' rounding, is bounded here from the
 * step's own stages (tighter than FlowDriftBudget's √8-based form): the integrator forms Ŷ_j as y₀ plus, one by one,
 * the R_j terms fl(h·a_jl)·k̂_l, so per component |Ŷ_j − Y_j| ≤ γ_{R_j+2}(|y₀| + Σ_l |h·a_jl||k̂_l|) (one rounding
 * of h·a, one of the product, R_j additions), and with ‖B(u, v)‖_F ≤ Σ_{ℓ∈{k,k+1}} ‖U_ℓ‖_F‖V_ℓ‖_F,
 *   ‖2hΣ_j b_jB(Y_j − Ŷ_j, k̂_j)‖_F ≤ 2|h|Σ_j |b_j| Σ_ℓ γ_{R_j+2}(‖y₀,ℓ‖_F + Σ_l |h·a_jl|‖k̂_{l,ℓ}‖_F)‖k̂_{j,ℓ}‖_F
 * (× (1 + γ_16) for evaluating the bound itself). Beside them:
 *  (Q) computing h²Q: m_jl rounds by ≤ γ_3 M_jl, M_jl = |b_jb_l| + |b_ja_jl| + |b_la_lj|; P_j is a 12-term sum, each
 *      entry of K_jᵀP_j an inner product of ≤ d_max terms, then 12 of those summed and × h² (two roundings): with
 *      q = 3 + 12 + d_max + 12 + 3, |fl(h²Q) − h²Q| ≤ γ_q h² Σ_{j,l} M_jl |K_j|ᵀ|K_l| entrywise, whose Frobenius
 *      norm is ≤ γ_q h² Σ_{j,l} M_jl ‖K_j‖_F‖K_l‖_F for each of the two layers of the pair. The running sum over steps
 *      rounds by ≤ u‖partial sum‖_F per addition.
 *  (E) evaluating D at the two ends: γ_{m+2}(‖W_k‖_F² + ‖W_{k+1}‖_F²) each (as in FlowDriftBudget.budget), and the
 *      residual's two subtractions, ≤ γ_2(‖D(y_N)‖_F + ‖D(y_0)‖_F + ‖ΣQ‖_F).
 * The allowance is a sum of per-step worst cases, while the update's rounding, the dominant part, has random sign
 * from step to step: observed/allowance sits well below 1 but is not vanishingly small (measured in the property).
 */

export const RK_STAGES = 12;

/** m_jl = b_jb_l − b_ja_jl − b_la_lj and M_jl = |b_jb_l| + |b_ja_jl| + |b_la_lj| (12 × 12, row-major) from a sparse A and dense b. */
export function rkQuadraticWeights(
  a: readonly (readonly (readonly [number, number])[])[] = A,
  b: readonly number[] = B,
): { readonly m: Float64Array; readonly bound: Float64Array } {
  const s = b.length;
  if (a.length !== s) throw new RangeError(`rkQuadraticWeights: a.length=${a.length} must equal b.length=${s}`);
  const dense = new Float64Array(s * s);
  a.forEach((row, j) => {
    for (const [l, v] of row) dense[j * s + l] = v;
  });
  const m = new Float64Array(s * s);
  const bound = new Float64Array(s * s);
  for (let j = 0; j < s; j++)
    for (let l = 0; l < s; l++) {
      m[j * s + l] = b[j] * b[l] - b[j] * dense[j * s + l] - b[l] * dense[l * s + j];
      bound[j * s + l] = Math.abs(b[j] * b[l]) + Math.abs(b[j] * dense[j * s + l]) + Math.abs(b[l] * dense[l * s + j]);
    }
  return { m, bound };
}

const WEIGHTS = rkQuadraticWeights();

/**
 * Σ over accepted DOP853 steps of h²Q per pair (in balanceMatrices' sign, D_k = W_kW_kᵀ − W_{k+1}ᵀW_{k+1}), with the
 * (Q) rounding allowance. Preallocated; addStep allocates nothing.
 */
export class RkIdentitySum {
  /** per pair k (layers k, k+1, 0-based), Σ_n h_n²Q_n, d_{k+1} × d_{k+1} */
  readonly sum: Float64Array[];
  /** per pair, Σ_n of the (Q) allowance */
  readonly qRounding: Float64Array;
  /** per pair, Σ_n of the stage points' rounding term (the second (S)) */
  readonly stageRounding: Float64Array;
  steps = 0;
  private readonly dims: readonly number[];
  private readonly p: Float64Array[][];
  /** per layer, Σ_j K_jᵀP_j (d_ℓ × d_ℓ) and Σ_j K_jP_jᵀ (d_{ℓ+1} × d_{ℓ+1}) */
  private readonly right: Float64Array[];
  private readonly left: Float64Array[];
  private readonly norms: Float64Array;
  private readonly gq: number;
  private readonly layerStage: Float64Array;

  constructor(dims: readonly number[]) {
    if (dims.length < 3) throw new RangeError(`RkIdentitySum: dims.length=${dims.length} must be ≥ 3 (D_k needs two layers)`);
    this.dims = dims;
    const L = dims.length - 1;
    this.sum = Array.from({ length: L - 1 }, (_, k) => new Float64Array(dims[k + 1] ** 2));
    this.qRounding = new Float64Array(L - 1);
    this.stageRounding = new Float64Array(L - 1);
    this.layerStage = new Float64Array(L);
    this.p = Array.from({ length: L }, (_, l) => Array.from({ length: RK_STAGES }, () => new Float64Array(dims[l] * dims[l + 1])));
    this.right = Array.from({ length: L }, (_, l) => new Float64Array(dims[l] ** 2));
    this.left = Array.from({ length: L }, (_, l) => new Float64Array(dims[l + 1] ** 2));
    this.norms = new Float64Array(RK_STAGES);
    this.gq = gamma(30 + Math.max(...dims));
  }

  /** one accepted step: its length h, its start y₀ by layer, and stages[j][ℓ] = k_{j+1} on layer ℓ */
  addStep(h: number, start: readonly Float64Array[], stages: readonly (readonly Float64Array[])[]): void {
    const { dims, p, right, left, norms, layerStage } = this;
    const { m, bound } = WEIGHTS;
    const L = dims.length - 1;
    if (stages.length !== RK_STAGES || stages.some((s) => s.length !== L))
      throw new RangeError(`RkIdentitySum.addStep: stages must be ${RK_STAGES} × ${L} layers`);
    const h2 = h * h;
    const layerQ = new Array<number>(L);
    for (let l = 0; l < L; l++) {
      const rows = dims[l + 1];
      const cols = dims[l];
      const P = p[l];
      for (let j = 0; j < RK_STAGES; j++) {
        const Pj = P[j];
        Pj.fill(0);
        for (let q = 0; q < RK_STAGES; q++) {
          const w = m[j * RK_STAGES + q];
          if (w === 0) continue;
          const K = stages[q][l];
          for (let i = 0; i < Pj.length; i++) Pj[i] += w * K[i];
        }
        norms[j] = plainFrobenius(stages[j][l]);
      }
      const R = right[l];
      const Lf = left[l];
      R.fill(0);
      Lf.fill(0);
      for (let j = 0; j < RK_STAGES; j++) {
        const K = stages[j][l];
        const Pj = P[j];
        // Σ_j K_jᵀP_j: (c, c') += Σ_r K[r, c]P[r, c']
        for (let c = 0; c < cols; c++)
          for (let c2 = 0; c2 < cols; c2++) {
            let v = 0;
            for (let r = 0; r < rows; r++) v += K[r * cols + c] * Pj[r * cols + c2];
            R[c * cols + c2] += v;
          }
        // Σ_j K_jP_jᵀ: (r, r') += Σ_c K[r, c]P[r', c]
        for (let r = 0; r < rows; r++)
          for (let r2 = 0; r2 < rows; r2++) {
            let v = 0;
            for (let c = 0; c < cols; c++) v += K[r * cols + c] * Pj[r2 * cols + c];
            Lf[r * rows + r2] += v;
          }
      }
      let s = 0;
      for (let j = 0; j < RK_STAGES; j++) for (let q = 0; q < RK_STAGES; q++) s += bound[j * RK_STAGES + q] * norms[j] * norms[q];
      layerQ[l] = this.gq * h2 * s;
      // the stage points' rounding (second (S)); stage 1 is y₀ itself
      const y0 = plainFrobenius(start[l]);
      let st = 0;
      for (let j = 1; j < RK_STAGES; j++) {
        if (B[j] === 0) continue;
        let reach = y0;
        for (const [q, a] of A[j]) reach += Math.abs(h * a) * norms[q];
        st += Math.abs(B[j]) * gamma(A[j].length + 2) * reach * norms[j];
      }
      layerStage[l] = 2 * Math.abs(h) * st * (1 + gamma(RK_STAGES + 4));
    }
    for (let k = 0; k < L - 1; k++) {
      // pair k in balanceMatrices' sign: W_kW_kᵀ − W_{k+1}ᵀW_{k+1} ↦ left(layer k) − right(layer k+1)
      const S = this.sum[k];
      const Lk = left[k];
      const Rk = right[k + 1];
      for (let i = 0; i < S.length; i++) S[i] += h2 * (Lk[i] - Rk[i]);
      this.qRounding[k] += layerQ[k] + layerQ[k + 1] + gamma(1) * plainFrobenius(S);
      this.stageRounding[k] += layerStage[k] + layerStage[k + 1];
    }
    this.steps++;
  }

  /** per pair, ‖D(end) − D(start) − Σh²Q‖_F */
  residuals(start: readonly Float64Array[], end: readonly Float64Array[]): number[] {
    const D0 = balanceMatrices(start, this.dims);
    const D1 = balanceMatrices(end, this.dims);
    return D1.map((D, k) => plainFrobenius(D.map((v, i) => v - D0[k][i] - this.sum[k][i])));
  }

  /**
   * per pair, the allowance for residuals(start, end): FlowDriftBudget's updateRounding (R) and cancellation (first
   * (S)) over the same steps, plus the stage points' rounding, (Q) and (E); `samples` the data's n (m = max(n, dims) + 3
   * as in FlowDriftBudget).
   */
  allowance(
    parts: { readonly updateRounding: Float64Array; readonly cancellation: Float64Array },
    start: readonly Float64Array[],
    end: readonly Float64Array[],
    samples: number,
  ): Float64Array {
    const { updateRounding, cancellation } = parts;
    if (updateRounding.length !== this.sum.length || cancellation.length !== this.sum.length)
      throw new RangeError(`RkIdentitySum.allowance: updateRounding and cancellation must have length ${this.sum.length}`);
    const g = gamma(Math.max(samples, ...this.dims) + 5);
    const g2 = gamma(2);
    const sq = (ws: readonly Float64Array[], l: number) => plainFrobenius(ws[l]) ** 2;
    const D0 = balanceMatrices(start, this.dims).map(plainFrobenius);
    const D1 = balanceMatrices(end, this.dims).map(plainFrobenius);
    return updateRounding.map(
      (r, k) =>
        r +
        cancellation[k] +
        this.stageRounding[k] +
        this.qRounding[k] +
        g * (sq(start, k) + sq(start, k + 1) + sq(end, k) + sq(end, k + 1)) +
        g2 * (D0[k] + D1[k] + plainFrobenius(this.sum[k])),
    );
  }
}

/** max over pairs of residual / allowance (0/0 = 0). */
export function rkIdentityRatio(residuals: readonly number[], allowance: Float64Array): number {
  if (residuals.length !== allowance.length)
    throw new RangeError(`rkIdentityRatio: residuals.length=${residuals.length} must equal allowance.length=${allowance.length}`);
  return residuals.reduce((worst, d, k) => Math.max(worst, quotient(d, allowance[k])), 0);
}
