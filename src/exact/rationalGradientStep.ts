import type { Fraction } from 'mathjs';
import type { Dataset } from '../data/dataset.js';
import type { Network } from '../network/network.js';
import type { GradientFault } from '../trainer/brokenGradient.js';
import { exactFraction, fractionMatrix, identity, isZero, multiply, scale, subtract, transpose, type FractionMatrix } from './fractionMatrix.js';

/**
 * One gradient-descent step of a linear network under the squared loss
 * R = (1/n) Σ ½‖P x_i − y_i‖², in exact rational arithmetic. With dyadic or
 * integer weights, data and step every quantity is rational, so CLAIMS.md F2
 * can be checked with residual exactly zero (DHL.Thm2.2, DHL.MF).
 */
export interface RationalStep {
  readonly dims: readonly number[];
  readonly eta: Fraction;
  readonly risk: Fraction;
  /** W_k before the step */
  readonly before: readonly FractionMatrix[];
  /** W_k − η G_k */
  readonly after: readonly FractionMatrix[];
  /** G_k as used by the step (after the fault, if any) */
  readonly grads: readonly FractionMatrix[];
}

/** Weights of a linear network as exact rationals (the binary values of the doubles). */
export function rationalWeights(net: Pick<Network, 'dims' | 'weights'>): FractionMatrix[] {
  return net.weights.map((W, k) => fractionMatrix(net.dims[k + 1], net.dims[k], W, `network.weights[${k}]`));
}

/** X (d × n, columns x_i) and Y (d_L × n, columns y_i) of a regression dataset. */
export function rationalData(data: Dataset): { X: FractionMatrix; Y: FractionMatrix } {
  if (data.task !== 'regression') throw new TypeError(`rationalData: data.task=${data.task}; the exact step is for the squared loss on regression targets`);
  return {
    X: transpose(fractionMatrix(data.n, data.d, data.x, 'data.x')),
    Y: transpose(fractionMatrix(data.n, data.outDim, data.y, 'data.y')),
  };
}

/** P = W_L ⋯ W_1, and the partial products B_k = W_{k−1}⋯W_1 (B_1 = I), A_k = W_L⋯W_{k+1} (A_L = I). */
function partialProducts(weights: readonly FractionMatrix[]): { P: FractionMatrix; before: FractionMatrix[]; afterK: FractionMatrix[] } {
  const L = weights.length;
  const before: FractionMatrix[] = [identity(weights[0].cols)];
  for (let k = 1; k < L; k++) before.push(multiply(weights[k - 1], before[k - 1]));
  const afterK: FractionMatrix[] = new Array<FractionMatrix>(L);
  afterK[L - 1] = identity(weights[L - 1].rows);
  for (let k = L - 2; k >= 0; k--) afterK[k] = multiply(afterK[k + 1], weights[k + 1]);
  return { P: multiply(weights[L - 1], before[L - 1]), before, afterK };
}

/** R, E = ∂R/∂P = (1/n)(PX − Y)Xᵀ and G_k = A_kᵀ E B_kᵀ (CLAIMS.md F1), all exact. */
export function rationalSquaredLossGradient(
  weights: readonly FractionMatrix[],
  X: FractionMatrix,
  Y: FractionMatrix,
): { risk: Fraction; E: FractionMatrix; grads: FractionMatrix[] } {
  const { P, before, afterK } = partialProducts(weights);
  const residual = subtract(multiply(P, X), Y);
  const invN = exactFraction(1).div(X.cols);
  let risk = exactFraction(0);
  for (const r of residual.entries) risk = risk.add(r.mul(r));
  risk = risk.mul(invN).div(2);
  const E = scale(invN, multiply(residual, transpose(X)));
  const grads = weights.map((_, k) => multiply(multiply(transpose(afterK[k]), E), transpose(before[k])));
  return { risk, E, grads };
}

/** The same faults as brokenGradient (trainer/brokenGradient.ts), applied to exact gradients. */
export function applyRationalFault(grads: FractionMatrix[], fault: GradientFault): FractionMatrix[] {
  if (fault.kind === 'frozen') return grads.map((g) => scale(exactFraction(0), g));
  const k = fault.layer % grads.length;
  const G = grads[k];
  let faulty: FractionMatrix;
  if (fault.kind === 'scale') faulty = scale(exactFraction(fault.factor, 'fault.factor'), G);
  else if (fault.kind === 'drop') faulty = scale(exactFraction(0), G);
  else {
    const e = G.entries;
    const moved: Fraction[] = [];
    for (let i = 0; i < G.rows; i++) for (let j = 0; j < G.cols; j++) moved.push(e[(j * G.rows + i) % e.length]);
    faulty = { rows: G.rows, cols: G.cols, entries: moved };
  }
  return grads.map((g, i) => (i === k ? faulty : g));
}

export function rationalGradientStep(net: Pick<Network, 'dims' | 'weights'>, data: Dataset, eta: number | Fraction, fault?: GradientFault): RationalStep {
  const before = rationalWeights(net);
  const { X, Y } = rationalData(data);
  const step = typeof eta === 'number' ? exactFraction(eta, 'eta') : eta;
  const exact = rationalSquaredLossGradient(before, X, Y);
  const grads = fault ? applyRationalFault(exact.grads, fault) : exact.grads;
  const after = before.map((W, k) => subtract(W, scale(step, grads[k])));
  return { dims: [...net.dims], eta: step, risk: exact.risk, before, after, grads };
}

/** D_k = W_k W_kᵀ − W_{k+1}ᵀ W_{k+1}, k = 1..L−1, exact. */
export function rationalBalanceMatrices(weights: readonly FractionMatrix[]): FractionMatrix[] {
  const out: FractionMatrix[] = [];
  for (let k = 0; k + 1 < weights.length; k++)
    out.push(subtract(multiply(weights[k], transpose(weights[k])), multiply(transpose(weights[k + 1]), weights[k + 1])));
  return out;
}

/** F2 residuals D_k(after) − D_k(before) − η²(G_k G_kᵀ − G_{k+1}ᵀ G_{k+1}); all zero iff F2 holds exactly. */
export function rationalBalanceStepResiduals(step: RationalStep): FractionMatrix[] {
  const Db = rationalBalanceMatrices(step.before);
  const Da = rationalBalanceMatrices(step.after);
  const eta2 = step.eta.mul(step.eta);
  return Db.map((D, k) => {
    const G = step.grads[k];
    const H = step.grads[k + 1];
    const second = subtract(multiply(G, transpose(G)), multiply(transpose(H), H));
    return subtract(subtract(Da[k], D), scale(eta2, second));
  });
}

export function allZero(ms: readonly FractionMatrix[]): boolean {
  return ms.every(isZero);
}
