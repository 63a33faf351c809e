import { Matrix, QrDecomposition, SingularValueDecomposition } from 'ml-matrix';
import quadprog from 'quadprog';
import { scaleToUnitRange, timesPowerOfTwo } from '../linalg/powerOfTwoScaling.js';

export interface MaxMarginOptions {
  /**
   * Work allowed to each quadprog solve, in iterations: B(q + 1) reads of its q right-hand sides, which is B
   * iterations when no more than B constraints are dropped (each iteration reads all q, each drop one more).
   * Default 20(d + 1) + q, far above what a terminating solve needs; spending it throws an Error.
   */
  maxIterations?: number;
}

/** The hard-margin direction of CLAIMS §0 for rows z_i = y_i x_i (no bias). */
export interface MaxMargin {
  /** ū, a unit vector of length d. */
  direction: Float64Array;
  /** γ̄ = 1/‖w‖ for the hard-margin SVM solution w; equals min_i ⟨ū, z_i⟩ up to rounding, > 0. */
  margin: number;
  /** Indices i (ascending) with ⟨ū, z_i⟩ = γ̄ up to rounding, including points on the margin whose multiplier is 0. */
  supportVectors: number[];
  /** JT.A5: the support vectors span ℝ^d. */
  supportSpans: boolean;
}

const EPS = Number.EPSILON;

// ---------------------------------------------------------------------------------------------------------
// Tolerances. Each is a rounding unit times a ratio of order one (STYLE §4).

/**
 * Rounding unit of a constraint residual r_i = ⟨w', z_i⟩/R − 1 in the solver's units (R = max‖z_i‖, so
 * ‖z_i‖/R ≤ 1 ≤ ‖w'‖). Evaluating it errs by at most γ_d‖w'‖ ≈ d·ε·‖w'‖ (Higham, Thm 3.5) plus ε‖w'‖ for the
 * division; the polished solution, a Householder-QR minimum-norm solve on k ≤ d active rows, satisfies those rows
 * to about d·ε·‖w'‖ more (backward stability). Hence 2(d + 1)·ε·‖w'‖. Measured: |r_i| of support vectors stays
 * below about 1.2 units on random integer and Gaussian data.
 */
function residualUnit(d: number, wNorm: number): number {
  return 2 * (d + 1) * EPS * wNorm;
}

/**
 * A point is a support vector when its residual is at most this many residual units. The unit is already a
 * worst-case bound; a point of integer or dyadic data that is off the margin is off by many orders of magnitude
 * more, so a small safety factor suffices.
 */
const SUPPORT_RATIO = 16;

/**
 * A solution violating some constraint by more than FEASIBILITY_RATIO residual units is not a solution: the
 * polished candidate is then discarded, and a final answer that fails it is reported as not separable.
 */
const FEASIBILITY_RATIO = 16;

/**
 * Rounding unit of the multipliers λ from the polishing solve Rλ = y (R the k×k triangular QR factor):
 * triangular solves are backward stable, so the forward error is about k·ε·κ(R)·‖λ‖∞, with κ(R) estimated by
 * max|R_jj|/min|R_jj| (a lower bound, exact for diagonal R). A multiplier is non-negative "to rounding" when it
 * is at least −MULTIPLIER_RATIO units: points on the margin with zero multiplier land at ±rounding.
 */
function multiplierUnit(k: number, conditionEstimate: number, lambdaMax: number): number {
  return k * EPS * conditionEstimate * lambdaMax;
}
const MULTIPLIER_RATIO = 16;

/**
 * Relative perturbation of the right-hand sides, b_c(1 + δ·h_c), that breaks exact ties between margin points
 * (degeneracy) so that quadprog's active-set steps are never decided by rounding noise. 2^-40 ≈ 9e-13 exceeds
 * the residual noise ε·‖w'‖ for ‖w'‖ = R/γ̄ up to about 1e3 (and in tests it removed every cycle seen with
 * δ = 0, for γ̄/R down to 1e-6), while staying small enough that the perturbed active set is the unperturbed
 * one, which the polishing step then solves exactly.
 */
const PERTURBATION = 2 ** -40;
/** h_c = frac(c·φ): distinct, spread in [0, 1) (Weyl sequence of the golden ratio). */
const GOLDEN = (Math.sqrt(5) - 1) / 2;

/**
 * Iterations allowed to one quadprog solve. Measured on Gaussian data (n up to 2000, d up to 256) it needed
 * 1.5d–3d iterations; the budget is far above that and exists only to turn a cycling solve into an Error.
 */
function qpIterationBudget(q: number, d: number): number {
  return 20 * (d + 1) + q;
}

/**
 * Numerical rank cut-off for the support-vector matrix S (k × d). A backward-stable SVD returns the exact singular
 * values of S + E with ‖E‖₂ ≤ p(k, d)·ε·‖S‖₂, so singular values below about max(k, d)·ε·σ_max cannot be told from
 * zero (the convention of LAPACK's xGELSD and NumPy's matrix_rank).
 */
function rankCutoff(k: number, d: number, sigmaMax: number): number {
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
const CONSTRAINT_NORM = 2 ** 16;

// ---------------------------------------------------------------------------------------------------------

function checkData(where: string, z: Float64Array, n: number, d: number): void {
  if (!Number.isInteger(n) || n <= 0)
    throw new RangeError(`${where}: n=${n} must be a positive integer; pass the number of rows of z`);
  if (!Number.isInteger(d) || d <= 0)
    throw new RangeError(`${where}: d=${d} must be a positive integer; pass the number of columns of z`);
  if (z.length !== n * d)
    throw new RangeError(`${where}: z.length=${z.length} must equal n·d=${n * d}; z is n×d row-major`);
  for (let i = 0; i < z.length; i++)
    if (!Number.isFinite(z[i]))
      throw new RangeError(`${where}: z[${i}]=${z[i]} must be finite; clean row ${Math.floor(i / d)} before calling`);
}

/** Exact identity of row i (used to solve duplicate rows once). */
function rowKey(z: Float64Array, i: number, d: number): string {
  return Array.prototype.join.call(z.subarray(i * d, i * d + d), ',');
}

function rowDot(v: ArrayLike<number>, z: Float64Array, i: number, d: number): number {
  let s = 0;
  for (let j = 0; j < d; j++) s += v[j] * z[i * d + j];
  return s;
}

/**
 * ū and γ̄ of CLAIMS §0 for z (n×d row-major, rows z_i = y_i x_i), or null when no u has min_i ⟨u, z_i⟩ > 0.
 *
 * Solves the hard-margin SVM min ½‖w‖² s.t. ⟨w, z_i⟩ ≥ 1 with quadprog (Goldfarb–Idnani dual active-set method);
 * then ū = w/‖w‖ and γ̄ = 1/‖w‖. Numerical care, each explained where it is done:
 * - quadprog's zero tests are absolute (about 2e-15), so the problem is posed in units where they are relative:
 *   the unknown is w' = R·w with R = max_i ‖z_i‖ (so ‖w'‖ = R/γ̄ ≥ 1), and each constraint is rescaled to norm
 *   CONSTRAINT_NORM;
 * - exact duplicate rows are solved once, and their status copied;
 * - degenerate data (more points on the margin than multipliers needed, common with integer data) can make
 *   the active-set method cycle on rounding noise, so the right-hand sides get a tiny distinct perturbation
 *   (PERTURBATION), and the exact answer is recovered by solving the equality-constrained problem on the active
 *   set that quadprog found ("polishing"), accepted only if it passes the KKT conditions of the unperturbed
 *   problem. If it does not, the unperturbed problem is solved directly. An iteration budget turns a
 *   non-terminating solve into an Error instead of a hang.
 * The data are first scaled by the power of two 2^{−e} that brings the largest |z_ij| into [1, 2): exact, and it
 * keeps ‖z_i‖² from overflowing (entries near 1e308) or underflowing (entries near 1e-160) in the norms; ū does
 * not change and γ̄ is scaled back by 2^e.
 * Separable data with γ̄/R ≲ 1e-8 are at the limit of what this resolves in double precision and may be
 * reported as not separable (measured: only cases with γ̄/R of order 1e-9 or less were).
 */
export function maxMarginDirection(z: Float64Array, n: number, d: number, options: MaxMarginOptions = {}): MaxMargin | null {
  checkData('maxMarginDirection', z, n, d);
  const maxIterations = options.maxIterations;
  if (maxIterations !== undefined && !(Number.isInteger(maxIterations) && maxIterations > 0))
    throw new RangeError(`maxMarginDirection: options.maxIterations=${maxIterations} must be a positive integer`);

  const { scaled: zs, exponent: e } = scaleToUnitRange(z);

  const rowNorm = new Float64Array(n);
  let R = 0;
  for (let i = 0; i < n; i++) {
    const r = Math.sqrt(rowDot(zs.subarray(i * d, i * d + d), zs, i, d));
    // ⟨u, 0⟩ = 0 for every u, so a zero row forces γ̄ ≤ 0: not separable through the origin. So does, to double
    // precision, a row whose squared norm underflows after scaling: it is below 2^-537 of the largest entry, far
    // beneath the γ̄/R this resolves.
    if (r === 0) return null;
    rowNorm[i] = r;
    if (r > R) R = r;
  }

  // Constraint c: ⟨w', a_c⟩ ≥ b_c with a_c = z_i/‖z_i‖ and b_c = R/‖z_i‖ (≥ 1), i = constraintRow[c].
  const seen = new Set<string>();
  const constraintRow: number[] = [];
  for (let i = 0; i < n; i++) {
    const key = rowKey(zs, i, d);
    if (!seen.has(key)) {
      seen.add(key);
      constraintRow.push(i);
    }
  }
  const a = constraintRow.map((i) => {
    const v = new Float64Array(d);
    for (let j = 0; j < d; j++) v[j] = zs[i * d + j] / rowNorm[i];
    return v;
  });
  const b = constraintRow.map((i) => R / rowNorm[i]);

  let solved = solveConstraints(a, b, d, PERTURBATION, maxIterations);
  if (solved === 'infeasible') return null;
  const polished = polish(a, b, solved.active, d);
  if (polished !== null && isFeasible(a, b, polished, d)) {
    solved = { w: polished, active: solved.active };
  } else {
    solved = solveConstraints(a, b, d, 0, maxIterations);
    if (solved === 'infeasible') return null;
  }
  // w' is finite and non-zero: the scaled data keep every b_c ≤ 2√d·2^537 and quadprog's solution satisfies
  // ⟨w', a_c⟩ ≥ b_c ≥ 1 up to rounding; the residual test below returns null otherwise (NaN included).
  const w = solved.w;
  let wNorm = 0;
  for (let j = 0; j < d; j++) wNorm += w[j] * w[j];
  wNorm = Math.sqrt(wNorm);

  const unit = residualUnit(d, wNorm);
  const active = new Set(solved.active.map((c) => rowKey(zs, constraintRow[c], d)));
  const direction = new Float64Array(d);
  for (let j = 0; j < d; j++) direction[j] = w[j] / wNorm;

  const supportVectors: number[] = [];
  for (let i = 0; i < n; i++) {
    const residual = rowDot(w, zs, i, d) / R - 1;
    // ū must classify every point, ⟨w', z_i⟩ ≥ R, up to rounding; written so that NaN fails it.
    if (!(residual >= -FEASIBILITY_RATIO * unit)) return null;
    // A point is a support vector if the solver holds it active, or if it lies on the margin to rounding
    // (the second catches points on the margin whose multiplier is 0, e.g. three collinear margin points in 2-D).
    if (residual <= SUPPORT_RATIO * unit || active.has(rowKey(zs, i, d))) supportVectors.push(i);
  }

  return { direction, margin: timesPowerOfTwo(R / wNorm, e), supportVectors, supportSpans: spansSpace(zs, supportVectors, d) };
}

interface ConstraintSolution {
  /** w' (length d). */
  w: Float64Array;
  /** Constraints (0-based) in quadprog's final active set: linearly independent, multipliers > 0. */
  active: number[];
}

/** Thrown from inside quadprog (through the bvec proxy) when the iteration budget is spent. */
class BudgetSpent extends Error {}

/**
 * min ½‖w'‖² s.t. ⟨w', a_c⟩ ≥ b_c(1 + δ·h_c), h_c = frac(c·φ) ∈ [0, 1) distinct, with quadprog; 'infeasible'
 * when quadprog finds the constraints inconsistent. Throws when quadprog exceeds its iteration budget.
 */
function solveConstraints(
  a: Float64Array[],
  b: number[],
  d: number,
  delta: number,
  maxIterations: number | undefined,
): ConstraintSolution | 'infeasible' {
  const q = a.length;
  // quadprog's arrays are 1-based (index 0 unused, a hole here); Amat is d × q, column c + 1 is constraint c.
  const Dmat = new Array<number[]>(1);
  const dvec: number[] = [0];
  const Amat = new Array<number[]>(1);
  for (let j = 1; j <= d; j++) {
    const Drow = [0];
    for (let k = 1; k <= d; k++) Drow.push(j === k ? 1 : 0);
    Dmat.push(Drow);
    dvec.push(0);
    const Arow = [0];
    for (let c = 0; c < q; c++) Arow.push(CONSTRAINT_NORM * a[c][j - 1]);
    Amat.push(Arow);
  }
  const bvec = [0];
  for (let c = 0; c < q; c++) bvec.push(CONSTRAINT_NORM * b[c] * (1 + delta * ((c * GOLDEN) % 1)));

  // quadprog reads all q entries of bvec once per iteration and one more per constraint it drops, so B(q + 1)
  // reads allow B iterations with up to B drops; the Goldfarb–Idnani method terminates in exact arithmetic, but
  // rounding can make it cycle on degenerate data.
  const budget = maxIterations ?? qpIterationBudget(q, d);
  let reads = 0;
  const countedBvec = new Proxy(bvec, {
    get(target, prop, receiver) {
      if (prop !== 'length' && ++reads > budget * (q + 1)) throw new BudgetSpent();
      return Reflect.get(target, prop, receiver);
    },
  });
  let res: quadprog.QPResult;
  try {
    res = quadprog.solveQP(Dmat, dvec, Amat, countedBvec, 0, [0, 0]);
  } catch (e) {
    if (e instanceof BudgetSpent)
      throw new Error(
        `maxMarginDirection: quadprog did not finish within ${budget} iterations (n=${q} distinct rows, d=${d}); the data are probably degenerate: please report them`,
      );
    throw e;
  }
  if (res.solution === undefined)
    throw new Error(`maxMarginDirection: quadprog rejected the problem (${res.message}); this is a bug in the QP setup`);
  // 'constraints are inconsistent': no w has ⟨w, z_i⟩ ≥ 1 for all i, i.e. the data are not separable.
  if (res.message !== '') return 'infeasible';

  const w = new Float64Array(d);
  for (let j = 0; j < d; j++) w[j] = res.solution[j + 1];
  const active: number[] = [];
  for (let k = 1; k <= q && res.iact[k] > 0; k++) active.push(res.iact[k] - 1);
  return { w, active };
}

/**
 * The minimum-norm w' with ⟨w', a_c⟩ = b_c for c in `active` (unperturbed right-hand sides), provided its
 * multipliers λ (w' = Σ λ_c a_c) are non-negative to rounding; null otherwise. Householder QR of the d × k matrix
 * A = [a_c]: A = QR, then Rᵀy = b_A, w' = Qy, Rλ = y.
 */
function polish(a: Float64Array[], b: number[], active: number[], d: number): Float64Array | null {
  const k = active.length;
  if (k === 0 || k > d) return null;
  const A = new Matrix(d, k);
  for (let c = 0; c < k; c++) for (let j = 0; j < d; j++) A.set(j, c, a[active[c]][j]);
  const qr = new QrDecomposition(A);
  const Q = qr.orthogonalMatrix;
  const Rm = qr.upperTriangularMatrix;
  let diagMax = 0;
  let diagMin = Infinity;
  for (let r = 0; r < k; r++) {
    diagMax = Math.max(diagMax, Math.abs(Rm.get(r, r)));
    diagMin = Math.min(diagMin, Math.abs(Rm.get(r, r)));
  }
  if (!(diagMin > 0)) return null;
  const y = new Float64Array(k);
  for (let r = 0; r < k; r++) {
    let s = b[active[r]];
    for (let c = 0; c < r; c++) s -= Rm.get(c, r) * y[c];
    y[r] = s / Rm.get(r, r);
  }
  const lambda = new Float64Array(k);
  let lambdaMax = 0;
  for (let r = k - 1; r >= 0; r--) {
    let s = y[r];
    for (let c = r + 1; c < k; c++) s -= Rm.get(r, c) * lambda[c];
    lambda[r] = s / Rm.get(r, r);
    lambdaMax = Math.max(lambdaMax, Math.abs(lambda[r]));
  }
  const floor = -MULTIPLIER_RATIO * multiplierUnit(k, diagMax / diagMin, lambdaMax);
  for (let r = 0; r < k; r++) if (lambda[r] < floor) return null;
  const w = new Float64Array(d);
  for (let j = 0; j < d; j++) {
    let s = 0;
    for (let r = 0; r < k; r++) s += Q.get(j, r) * y[r];
    w[j] = s;
  }
  return w;
}

/** Every constraint ⟨w', a_c⟩ ≥ b_c holds to FEASIBILITY_RATIO residual units (b_c ≥ 1). */
function isFeasible(a: Float64Array[], b: number[], w: Float64Array, d: number): boolean {
  let wNorm = 0;
  for (let j = 0; j < d; j++) wNorm += w[j] * w[j];
  const slack = FEASIBILITY_RATIO * residualUnit(d, Math.sqrt(wNorm));
  for (let c = 0; c < a.length; c++) {
    let s = 0;
    for (let j = 0; j < d; j++) s += w[j] * a[c][j];
    // The residual unit is stated for ⟨w', z_i/R⟩ − 1 = (⟨w', a_c⟩ − b_c)/b_c.
    if ((s - b[c]) / b[c] < -slack) return false;
  }
  return true;
}

/** Whether the rows `rows` of z span ℝ^d (numerical rank d, cut-off `rankCutoff`). */
function spansSpace(z: Float64Array, rows: readonly number[], d: number): boolean {
  const k = rows.length;
  const S = new Matrix(k, d);
  for (let r = 0; r < k; r++) for (let j = 0; j < d; j++) S.set(r, j, z[rows[r] * d + j]);
  const sigma = new SingularValueDecomposition(S, {
    computeLeftSingularVectors: false,
    computeRightSingularVectors: false,
    autoTranspose: true,
  }).diagonal;
  const sigmaMax = Math.max(...sigma);
  const cut = rankCutoff(k, d, sigmaMax);
  return sigma.filter((s) => s > cut).length === d;
}

// ---------------------------------------------------------------------------------------------------------
// JT.Lem4's constant α.

/**
 * Work allowed to the facet enumeration of `lemma4Alpha` for d ≥ 3: C(k, m) candidate subsets, each costing m
 * determinants of order m − 1 (about m·(m−1)³/3 flops), m = d − 1. 2e8 flops is about a second.
 */
const MAX_FACET_FLOPS = 2e8;

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
function normalError(m: number, S: number, logH: number, inverseRowNormSum: number, aNorm: number): number {
  return m * EPS * Math.exp(logH - Math.log(aNorm)) * (m + S * inverseRowNormSum);
}
const NORMAL_ERROR_MAX = Math.sqrt(EPS);

/**
 * Slack of the "all points on one side" test of a candidate facet: ⟨a, p_i − q_0⟩ with ‖p_i − q_0‖ ≤ S errs by
 * about (normal error + m·ε)·S; FACET_RATIO is the safety factor on that first-order estimate.
 */
const FACET_RATIO = 8;

/**
 * α = min over unit ξ ⊥ ū of max over support vectors of ⟨ξ, z_i⟩ (JT.Lem4), for mm computed from the same z.
 *
 * With p_i = Π_⊥ z_i written in an orthonormal basis of ū^⊥ (dimension m = d − 1) and P = conv{p_i : support
 * vectors}, α = min_ξ h_P(ξ) (h_P the support function). The KKT conditions give Π_⊥w = Σ λ_i p_i = 0 with
 * λ ≥ 0, so 0 ∈ P and α ≥ 0, positive iff 0 is interior to P. For 0 ∈ P, min over the unit sphere of h_P is the
 * distance from 0 to ∂P, the least offset b_F of a facet {x : ⟨a_F, x⟩ = b_F}:
 * - d = 1: ū^⊥ = {0} has no unit vector; the minimum over the empty set is +∞ (Lemma 4's hypothesis
 *   ‖Π_⊥w‖ > 1 + ln(n)/α can never hold, since Π_⊥w = 0).
 * - d = 2: with e ⊥ ū, α = min(max_sv ⟨e, z_i⟩, max_sv ⟨−e, z_i⟩) (the formula of CLAIMS JT.Lem4).
 * - d ≥ 3: every facet of P is spanned by m affinely independent p_i and supports all of them, so α is the least
 *   offset over such m-subsets. Exact up to rounding for points in general position; cost C(k, m)·O(m⁴),
 *   capped by MAX_FACET_FLOPS (a RangeError beyond it). If no m-subset is affinely independent, P is flat and
 *   contains 0: α = 0.
 * Values below 0 can only be rounding (0 ∈ P), and are returned as 0.
 */
export function lemma4Alpha(z: Float64Array, n: number, d: number, mm: MaxMargin): number {
  checkData('lemma4Alpha', z, n, d);
  const u = mm.direction;
  if (u.length !== d)
    throw new RangeError(`lemma4Alpha: mm.direction.length=${u.length} must equal d=${d}; pass maxMarginDirection(z, n, d)`);
  const sv = mm.supportVectors;
  if (sv.length === 0)
    throw new RangeError('lemma4Alpha: mm.supportVectors=[] must not be empty; pass maxMarginDirection(z, n, d)');
  for (const i of sv)
    if (!Number.isInteger(i) || i < 0 || i >= n)
      throw new RangeError(`lemma4Alpha: mm.supportVectors contains ${i}, must be a row index in [0, ${n}); pass maxMarginDirection(z, n, d)`);

  if (d === 1) return Infinity;

  if (d === 2) {
    const e = [-u[1], u[0]];
    let up = -Infinity;
    let down = -Infinity;
    for (const i of sv) {
      const t = rowDot(e, z, i, d);
      up = Math.max(up, t);
      down = Math.max(down, -t);
    }
    return Math.max(0, Math.min(up, down));
  }

  const m = d - 1;
  const basis = orthonormalComplement(u);
  const k = sv.length;
  const p: Float64Array[] = sv.map((i) => {
    const v = new Float64Array(m);
    for (let c = 0; c < m; c++) v[c] = rowDot(basis[c], z, i, d);
    return v;
  });
  let S = 0;
  for (const v of p) S = Math.max(S, 2 * Math.hypot(...v));
  if (S === 0) return 0;

  const candidates = binomial(k, m);
  const flops = (candidates * m * (m - 1) ** 3) / 3;
  if (flops > MAX_FACET_FLOPS)
    throw new RangeError(
      `lemma4Alpha: d=${d} with k=${k} support vectors needs C(k, d−1)=${candidates} facet candidates (~${flops.toExponential(1)} flops, above ${MAX_FACET_FLOPS}); α is computed by facet enumeration, so use a smaller d or fewer support vectors`,
    );

  let alpha = Infinity;
  const idx = Array.from({ length: m }, (_, c) => c);
  const M: number[][] = Array.from({ length: m - 1 }, () => new Array<number>(m).fill(0));
  const a = new Float64Array(m);
  for (let more = k >= m; more; more = nextCombination(idx, k)) {
    const q0 = p[idx[0]];
    let logH = 0;
    let inverseRowNormSum = 0;
    for (let r = 1; r < m; r++) {
      for (let c = 0; c < m; c++) M[r - 1][c] = p[idx[r]][c] - q0[c];
      const rowNorm = Math.hypot(...M[r - 1]);
      logH += Math.log(rowNorm);
      inverseRowNormSum += 1 / rowNorm;
    }
    generalizedCross(M, m, a);
    const aNorm = Math.hypot(...a);
    if (aNorm === 0) continue;
    const err = normalError(m, S, logH, inverseRowNormSum, aNorm);
    // written so that NaN (a zero row: 0·∞) skips the candidate too
    if (!(err <= NORMAL_ERROR_MAX)) continue;
    for (let c = 0; c < m; c++) a[c] /= aNorm;
    let b = 0;
    for (let c = 0; c < m; c++) b += a[c] * q0[c];
    let hi = -Infinity;
    let lo = Infinity;
    for (const v of p) {
      let t = -b;
      for (let c = 0; c < m; c++) t += a[c] * v[c];
      hi = Math.max(hi, t);
      lo = Math.min(lo, t);
    }
    const slack = FACET_RATIO * (err + m * EPS) * S;
    if (hi <= slack) alpha = Math.min(alpha, b); // all points on the side ⟨a, x⟩ ≤ b: h_P(a) = b
    if (lo >= -slack) alpha = Math.min(alpha, -b); // all on ⟨−a, x⟩ ≤ −b: h_P(−a) = −b
  }
  if (alpha === Infinity) return 0;
  return Math.max(0, alpha);
}

/** Rows 2..d of the Householder reflector taking u to ±e_1: an orthonormal basis of u^⊥ (u a unit vector). */
function orthonormalComplement(u: Float64Array): Float64Array[] {
  const d = u.length;
  const v = Float64Array.from(u);
  v[0] += u[0] >= 0 ? 1 : -1; // the sign avoids cancellation
  let vv = 0;
  for (let j = 0; j < d; j++) vv += v[j] * v[j];
  const out: Float64Array[] = [];
  for (let r = 1; r < d; r++) {
    const h = new Float64Array(d);
    for (let j = 0; j < d; j++) h[j] = (r === j ? 1 : 0) - (2 * v[r] * v[j]) / vv;
    out.push(h);
  }
  return out;
}

/** a ⊥ every row of M ((m−1) × m): a_c = (−1)^c det(M without column c); ‖a‖ is the rows' (m−1)-volume. */
function generalizedCross(M: number[][], m: number, a: Float64Array): void {
  for (let c = 0; c < m; c++) {
    const minor = M.map((row) => row.filter((_, j) => j !== c));
    a[c] = (c % 2 === 0 ? 1 : -1) * determinant(minor);
  }
}

/** Determinant by Gaussian elimination with partial pivoting (destroys A). det of the 0×0 matrix is 1. */
function determinant(A: number[][]): number {
  const s = A.length;
  let det = 1;
  for (let col = 0; col < s; col++) {
    let piv = col;
    for (let r = col + 1; r < s; r++) if (Math.abs(A[r][col]) > Math.abs(A[piv][col])) piv = r;
    if (A[piv][col] === 0) return 0;
    if (piv !== col) {
      [A[piv], A[col]] = [A[col], A[piv]];
      det = -det;
    }
    det *= A[col][col];
    for (let r = col + 1; r < s; r++) {
      const f = A[r][col] / A[col][col];
      for (let c = col; c < s; c++) A[r][c] -= f * A[col][c];
    }
  }
  return det;
}

/** Advances idx (ascending, values < k) to the next combination in lexicographic order; false when done. */
function nextCombination(idx: number[], k: number): boolean {
  const m = idx.length;
  let r = m - 1;
  while (r >= 0 && idx[r] === k - m + r) r--;
  if (r < 0) return false;
  idx[r]++;
  for (let s = r + 1; s < m; s++) idx[s] = idx[s - 1] + 1;
  return true;
}

function binomial(k: number, m: number): number {
  if (m > k) return 0;
  let c = 1;
  for (let j = 1; j <= m; j++) c = (c * (k - m + j)) / j;
  return Math.round(c);
}
