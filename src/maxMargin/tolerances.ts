/**
 * Tolerances of the max-margin solver (maxMargin.ts) and of Lemma 4's α (lemma4Alpha.ts). Each is a rounding unit
 * times a ratio of order one, derived in its comment.
 */

export const EPS = Number.EPSILON;

// ---------------------------------------------------------------------------------------------------------
// Tolerances. Each is a rounding unit times a ratio of order one.

/**
 * Rounding unit of a constraint residual r_i = ⟨w', z_i⟩/R − 1 in the solver's units (R = max‖z_i‖, so
 * ‖z_i‖/R ≤ 1 ≤ ‖w'‖). Evaluating it errs by at most γ_d‖w'‖ ≈ d·ε·‖w'‖ (Higham, Thm 3.5) plus ε‖w'‖ for the
 * division; the polished solution, a Householder-QR minimum-norm solve on k ≤ d active rows, satisfies those rows
 * to about d·ε·‖w'‖ more (backward stability). Hence 2(d + 1)·ε·‖w'‖. Measured: |r_i| of support vectors stays
 * below about 1.2 units on random integer and Gaussian data.
 */
export function residualUnit(d: number, wNorm: number): number {
  return 2 * (d + 1) * EPS * wNorm;
}

/**
 * A point is a support vector when its residual is at most this many residual units. The unit is already a
 * worst-case bound; a point of integer or dyadic data that is off the margin is off by many orders of magnitude
 * more, so a small safety factor suffices.
 */
export const SUPPORT_RATIO = 16;

/**
 * A solution violating some constraint by more than FEASIBILITY_RATIO residual units is not a solution: the
 * polished candidate is then discarded, and a final answer that fails it is reported as not separable.
 */
export const FEASIBILITY_RATIO = 16;

/**
 * Rounding unit of the multipliers λ from the polishing solve Rλ = y (R the k×k triangular QR factor):
 * triangular solves are backward stable, so the forward error is about k·ε·κ(R)·‖λ‖∞, with κ(R) estimated by
 * max|R_jj|/min|R_jj| (a lower bound, exact for diagonal R). A multiplier is non-negative "to rounding" when it
 * is at least −MULTIPLIER_RATIO units: points on the margin with zero multiplier land at ±rounding.
 */
export function multiplierUnit(k: number, conditionEstimate: number, lambdaMax: number): number {
  return k * EPS * conditionEstimate * lambdaMax;
}
export const MULTIPLIER_RATIO = 16;

/**
 * Relative perturbation of the right-hand sides, b_c(1 + δ·h_c), that breaks exact ties between margin points
 * (degeneracy) so that quadprog's active-set steps are never decided by rounding noise. 2^-40 ≈ 9e-13 exceeds
 * the residual noise ε·‖w'‖ for ‖w'‖ = R/γ̄ up to about 1e3 (and in tests it removed every cycle seen with
 * δ = 0, for γ̄/R down to 1e-6), while staying small enough that the perturbed active set is the unperturbed
 * one, which the polishing step then solves exactly.
 */
export const PERTURBATION = 2 ** -40;
/** h_c = frac(c·φ): distinct, spread in [0, 1) (Weyl sequence of the golden ratio). */
export const GOLDEN = (Math.sqrt(5) - 1) / 2;

/**
 * Iterations allowed to one quadprog solve. Measured on Gaussian data (n up to 2000, d up to 256) it needed
 * 1.5d–3d iterations; the budget is far above that and exists only to turn a cycling solve into an Error.
 */
export function qpIterationBudget(q: number, d: number): number {
  return 20 * (d + 1) + q;
}

/**
 * Numerical rank cut-off for the support-vector matrix S (k × d). A backward-stable SVD returns the exact singular
 * values of S + E with ‖E‖₂ ≤ p(k, d)·ε·‖S‖₂, so singular values below about max(k, d)·ε·σ_max cannot be told from
 * zero (the convention of LAPACK's xGELSD and NumPy's matrix_rank).
 */
export function rankCutoff(k: number, d: number, sigmaMax: number): number {
  return Math.max(k, d) * EPS * sigmaMax;
}

/**
 * Norm given to every constraint column of the QP. quadprog treats a new constraint as linearly dependent on the
 * active ones when the squared norm of its part orthogonal to them is below vsmall ≈ 2e-15 (an absolute test).
 * With columns of norm C that part is C·sin θ (θ the angle to the active span), and for a truly dependent
 * constraint it is rounding, about C·ε: C = 2^16 keeps (C·ε)² ≈ 2e-22 far below vsmall while resolving sin θ
 * down to √vsmall/C ≈ 7e-13 instead of 5e-8. Measured on nearly non-separable Gaussian data: unit columns
 * reported separable data with γ̄/R up to 1e-8 as infeasible, C ≥ 2^8 only up to 3e-9 (the remaining limit is
 * rounding in the active-set steps, not this test). A power of two, so multiplying by it is exact.
 */
export const CONSTRAINT_NORM = 2 ** 16;

// ---------------------------------------------------------------------------------------------------------
// JT.Lem4's constant α.

/**
 * Work allowed to the facet enumeration of `lemma4Alpha` for d ≥ 3: C(k, m) candidate subsets, each costing m
 * determinants of order m − 1 (about m·(m−1)³/3 flops), m = d − 1. 2e8 flops is about a second.
 */
export const MAX_FACET_FLOPS = 2e8;

/**
 * Relative error of the normal a of a candidate facet, whose components are the (m−1)×(m−1) cofactors of the
 * difference matrix M (rows M_r = p_r − q_0). The rows are known to about m·ε·S absolute (projections and
 * differences of points of size ≤ S), and elimination adds m·ε·‖M_r‖ more. Moving row r by δ_r changes a
 * cofactor by at most ‖δ_r‖·∏_{s≠r} ‖M_s‖ (Hadamard's inequality; a cofactor's rows are parts of M's rows), so
 * over m components ‖δa‖ ≲ m·ε·H·(m + S·Σ_r 1/‖M_r‖) with H = ∏_r ‖M_r‖ (taken in logarithms: H over- or
 * underflows for large m). A short row (nearly coincident points) makes the error large however long the others
 * are. Candidates whose normal is known to fewer than half the digits (error above √ε) are affinely (nearly)
 * dependent and skipped.
 */
export function normalError(m: number, S: number, logH: number, inverseRowNormSum: number, aNorm: number): number {
  return m * EPS * Math.exp(logH - Math.log(aNorm)) * (m + S * inverseRowNormSum);
}
export const NORMAL_ERROR_MAX = Math.sqrt(EPS);

/**
 * Slack of the "all points on one side" test of a candidate facet: ⟨a, p_i − q_0⟩ with ‖p_i − q_0‖ ≤ S errs by
 * about (normal error + m·ε)·S; FACET_RATIO is the safety factor on that first-order estimate.
 */
export const FACET_RATIO = 8;
