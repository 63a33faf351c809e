import { fraction, type Fraction } from 'mathjs';
import type { GradientFault } from '../trainer/brokenGradient.js';
import { chainProduct, exactFraction, inner, matmul, scale, shape, sub, transpose, zeros, type FractionMatrix } from './fractionMatrix.js';

/**
 * A squared-loss problem in exact rationals.
 * - regression: X is d_0 × n (columns are samples), Y is d_L × n, R = (1/n) Σ_i ½‖P x_i − y_i‖², so E = (P X Xᵀ − Y Xᵀ)/n.
 * - sensing: measurements A_j (d_L × d_0) with targets b_j, R = (1/n) Σ_j ½(⟨A_j, P⟩ − b_j)², so E = (1/n) Σ_j (⟨A_j, P⟩ − b_j) A_j.
 */
export type ExactProblem =
  | { readonly kind: 'regression'; readonly X: FractionMatrix; readonly Y: FractionMatrix }
  | { readonly kind: 'sensing'; readonly measurements: readonly FractionMatrix[]; readonly targets: readonly Fraction[] };

export interface ExactStep {
  /** W(t+1) */
  readonly weights: FractionMatrix[];
  /** G_k(t) = ∂R/∂W_k at W(t), as the step used it (after the fault, if any) */
  readonly grads: FractionMatrix[];
  /** E = ∂R/∂P at W(t) */
  readonly E: FractionMatrix;
  /** R(W(t)) */
  readonly risk: Fraction;
}

function checkShapes(weights: readonly FractionMatrix[], problem: ExactProblem): number[] {
  if (weights.length === 0) throw new RangeError('exactGradientStep: weights is empty; give at least one layer');
  const dims = [shape(weights[0])[1]];
  weights.forEach((W, k) => {
    const [r, c] = shape(W);
    if (c !== dims[k])
      throw new RangeError(`exactGradientStep: weights[${k}] is ${r}×${c} but the previous layer outputs ${dims[k]}; W_${k + 1} must have ${dims[k]} columns`);
    dims.push(r);
  });
  const d0 = dims[0];
  const dL = dims[dims.length - 1];
  if (problem.kind === 'regression') {
    const [xr, n] = shape(problem.X);
    const [yr, ny] = shape(problem.Y);
    if (xr !== d0 || yr !== dL || ny !== n)
      throw new RangeError(`exactGradientStep: X is ${xr}×${n} and Y is ${yr}×${ny}; they must be ${d0}×n and ${dL}×n (columns are samples)`);
  } else {
    if (problem.measurements.length === 0 || problem.measurements.length !== problem.targets.length)
      throw new RangeError(
        `exactGradientStep: ${problem.measurements.length} measurements and ${problem.targets.length} targets; give the same positive number of each`,
      );
    problem.measurements.forEach((A, j) => {
      const [r, c] = shape(A);
      if (r !== dL || c !== d0) throw new RangeError(`exactGradientStep: measurements[${j}] is ${r}×${c}; it must be ${dL}×${d0} like P`);
    });
  }
  return dims;
}

/** E = ∂R/∂P and R at P, exactly. */
export function exactResidualGradient(P: FractionMatrix, problem: ExactProblem): { E: FractionMatrix; risk: Fraction } {
  const half = fraction(1, 2);
  if (problem.kind === 'regression') {
    const n = shape(problem.X)[1];
    const Rz = sub(matmul(P, problem.X), problem.Y);
    let r = fraction(0);
    for (const row of Rz) for (const v of row) r = r.add(v.mul(v));
    return { E: scale(matmul(Rz, transpose(problem.X)), fraction(1, n)), risk: r.mul(half).div(n) };
  }
  const n = problem.measurements.length;
  const [rows, cols] = shape(P);
  let E = zeros(rows, cols);
  let r = fraction(0);
  problem.measurements.forEach((A, j) => {
    const res = inner(A, P).sub(problem.targets[j]);
    r = r.add(res.mul(res));
    E = E.map((row, i) => row.map((e, c) => e.add(res.mul(A[i][c]))));
  });
  return { E: scale(E, fraction(1, n)), risk: r.mul(half).div(n) };
}

/** The same faults as brokenGradient (trainer/brokenGradient.ts), applied to exact gradients. */
export function applyExactFault(grads: FractionMatrix[], fault: GradientFault): FractionMatrix[] {
  if (fault.kind === 'frozen') return grads.map((g) => scale(g, exactFraction(0)));
  const k = fault.layer % grads.length;
  const G = grads[k];
  let faulty: FractionMatrix;
  if (fault.kind === 'scale') faulty = scale(G, exactFraction(fault.factor, 'fault.factor'));
  else if (fault.kind === 'drop') faulty = scale(G, exactFraction(0));
  else {
    // the trainer's wrong transpose: entry (i, j) read from flat index (j·rows + i) mod size
    const [rows, cols] = shape(G);
    const e = G.flat();
    faulty = Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => e[(j * rows + i) % e.length]));
  }
  return grads.map((g, i) => (i === k ? faulty : g));
}

/**
 * One gradient-descent step W_k ← W_k − η G_k with G_k = A_kᵀ E B_kᵀ (F1 in docs/claims.md),
 * A_k = W_L⋯W_{k+1}, B_k = W_{k−1}⋯W_1, in exact rational arithmetic; with a fault, G is broken as brokenGradient
 * breaks the float gradient (twin tests).
 */
export function exactGradientStep(weights: readonly FractionMatrix[], problem: ExactProblem, eta: Fraction, fault?: GradientFault): ExactStep {
  const dims = checkShapes(weights, problem);
  const P = chainProduct(weights, dims[0]);
  const { E, risk } = exactResidualGradient(P, problem);
  const exact = weights.map((_, k) => {
    const A = chainProduct(weights.slice(k + 1), dims[k + 1]);
    const B = chainProduct(weights.slice(0, k), dims[0]);
    return matmul(matmul(transpose(A), E), transpose(B));
  });
  const grads = fault ? applyExactFault(exact, fault) : exact;
  const next = weights.map((W, k) => sub(W, scale(grads[k], eta)));
  return { weights: next, grads, E, risk };
}
