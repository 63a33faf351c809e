import { quotient } from './quotient.js';
import { gamma } from './rounding.js';

/**
 * Tolerances of ACH.Thm1 (Arora, Cohen & Hazan): the end-to-end derivative identity and the one-step GD discrepancy.
 * Each *Ratio function returns |observed discrepancy| / (derived bound), ≤ 1 when the claim holds. Rounding model:
 * rounding.ts (Higham, 2nd ed., §2.2 and §3.1).
 */

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
    const e = mixedSymmetric(
      q.gradNorms.map((x) => h * x),
      q.layerNorms,
    );
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
