import { Matrix, QrDecomposition, SingularValueDecomposition } from 'ml-matrix';
import quadprog from 'quadprog';
import { scaleToUnitRange, timesPowerOfTwo } from '../linalg/powerOfTwoScaling.js';
import {
  CONSTRAINT_NORM,
  FEASIBILITY_RATIO,
  GOLDEN,
  MULTIPLIER_RATIO,
  multiplierUnit,
  PERTURBATION,
  qpIterationBudget,
  rankCutoff,
  residualUnit,
  SUPPORT_RATIO,
} from './tolerances.js';

export interface MaxMarginOptions {
  /**
   * Work allowed to each quadprog solve, in iterations: B(q + 1) reads of its q right-hand sides, which is B
   * iterations when no more than B constraints are dropped (each iteration reads all q, each drop one more).
   * Default 20(d + 1) + q, far above what a terminating solve needs; spending it throws an Error.
   */
  maxIterations?: number;
}

/** The hard-margin direction of docs/claims.md, Notation for rows z_i = y_i x_i (no bias). */
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

// ---------------------------------------------------------------------------------------------------------

export function checkData(where: string, z: Float64Array, n: number, d: number): void {
  if (!Number.isInteger(n) || n <= 0) throw new RangeError(`${where}: n=${n} must be a positive integer; pass the number of rows of z`);
  if (!Number.isInteger(d) || d <= 0) throw new RangeError(`${where}: d=${d} must be a positive integer; pass the number of columns of z`);
  if (z.length !== n * d) throw new RangeError(`${where}: z.length=${z.length} must equal n·d=${n * d}; z is n×d row-major`);
  for (let i = 0; i < z.length; i++)
    if (!Number.isFinite(z[i])) throw new RangeError(`${where}: z[${i}]=${z[i]} must be finite; clean row ${Math.floor(i / d)} before calling`);
}

/** Exact identity of row i (used to solve duplicate rows once). */
function rowKey(z: Float64Array, i: number, d: number): string {
  return Array.prototype.join.call(z.subarray(i * d, i * d + d), ',');
}

export function rowDot(v: ArrayLike<number>, z: Float64Array, i: number, d: number): number {
  let s = 0;
  for (let j = 0; j < d; j++) s += v[j] * z[i * d + j];
  return s;
}

/**
 * ū and γ̄ of docs/claims.md, Notation for z (n×d row-major, rows z_i = y_i x_i), or null when no u has min_i ⟨u, z_i⟩ > 0.
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
function solveConstraints(a: Float64Array[], b: number[], d: number, delta: number, maxIterations: number | undefined): ConstraintSolution | 'infeasible' {
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
  if (res.solution === undefined) throw new Error(`maxMarginDirection: quadprog rejected the problem (${res.message}); this is a bug in the QP setup`);
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
