import { logSumExp } from './logRisk.js';

/** ‖θ‖₂² = Σ_k ‖W_k‖_F², θ being all the weights of the net. */
export function parameterNormSquared(weights: readonly Float64Array[]): number {
  let s = 0;
  for (const W of weights) for (let i = 0; i < W.length; i++) s += W[i] * W[i];
  return s;
}

/**
 * log ℒ for the exponential *sum* loss ℒ(θ) = Σ_i e^{−m_i} of Lyu & Li (no 1/n), by log-sum-exp so it stays finite
 * when every e^{−m_i} underflows. ℒ < 1 ⇔ logSumLoss < 0.
 */
export function logSumLoss(margins: ArrayLike<number>, n: number): number {
  if (!Number.isInteger(n) || n <= 0 || n > margins.length)
    throw new RangeError(`logSumLoss: n=${n} must be an integer in [1, margins.length=${margins.length}]`);
  const neg = new Float64Array(n);
  for (let i = 0; i < n; i++) neg[i] = -margins[i];
  return logSumExp(neg, n);
}

/**
 * LL's smoothed normalized margin γ̃(θ) = log(1/ℒ(θ))/‖θ‖₂^L for an L-homogeneous net (LL.smoothed-margin).
 * It lies between (min_i m_i − ln n)/‖θ‖^L and min_i m_i/‖θ‖^L, since e^{−min m} ≤ ℒ ≤ n·e^{−min m}.
 * NaN for θ = 0.
 */
export function smoothedMargin(margins: ArrayLike<number>, n: number, thetaNormSquared: number, degree: number): number {
  if (!Number.isInteger(degree) || degree < 1) throw new RangeError(`smoothedMargin: degree=${degree} must be a positive integer (the depth L)`);
  if (!(thetaNormSquared >= 0)) throw new RangeError(`smoothedMargin: thetaNormSquared=${thetaNormSquared} must be ≥ 0`);
  if (thetaNormSquared === 0) return NaN;
  return -logSumLoss(margins, n) / Math.pow(thetaNormSquared, degree / 2);
}
