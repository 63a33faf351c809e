import type { Fraction } from 'mathjs';
import type { Dataset } from '../data/dataset.js';
import type { Network } from '../network/network.js';
import type { GradientFault } from '../trainer/brokenGradient.js';
import { exactGradientStep } from './exactStep.js';
import { exactFraction, fractionMatrix, isZero, matmul, scale, sub, transpose, type FractionMatrix } from './fractionMatrix.js';

/**
 * One gradient-descent step of a linear network under the squared loss
 * R = (1/n) Σ ½‖P x_i − y_i‖², in exact rational arithmetic. With dyadic or
 * integer weights, data and step every quantity is rational, so F2 (docs/claims.md)
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

/** One exact GD step on a regression dataset (exactGradientStep on X, Y), with the weights before and after. */
export function rationalGradientStep(net: Pick<Network, 'dims' | 'weights'>, data: Dataset, eta: number | Fraction, fault?: GradientFault): RationalStep {
  const before = rationalWeights(net);
  const step = typeof eta === 'number' ? exactFraction(eta, 'eta') : eta;
  const res = exactGradientStep(before, { kind: 'regression', ...rationalData(data) }, step, fault);
  return { dims: [...net.dims], eta: step, risk: res.risk, before, after: res.weights, grads: res.grads };
}

/** D_k = W_k W_kᵀ − W_{k+1}ᵀ W_{k+1}, k = 1..L−1, exact. */
export function rationalBalanceMatrices(weights: readonly FractionMatrix[]): FractionMatrix[] {
  const out: FractionMatrix[] = [];
  for (let k = 0; k + 1 < weights.length; k++) out.push(sub(matmul(weights[k], transpose(weights[k])), matmul(transpose(weights[k + 1]), weights[k + 1])));
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
    const second = sub(matmul(G, transpose(G)), matmul(transpose(H), H));
    return sub(sub(Da[k], D), scale(second, eta2));
  });
}

export function allZero(ms: readonly FractionMatrix[]): boolean {
  return ms.every(isZero);
}
