import { failCheck } from '../checkFailure.js';
import { atLeast, atMost } from './figureCheck.js';

export interface DhlFig1Summary {
  /** the relative error ‖UVᵀ − M*‖_F/‖M*‖_F both objectives must reach */
  readonly eps: number;
  readonly horizon: number;
  /** per initialization: steps until plain and regularized GD first reach eps (null: not within the horizon) */
  readonly inits: readonly { readonly plain: number | null; readonly regularized: number | null }[];
}

/**
 * DHL.Fig1 "about as fast": for every initialization, the step counts to the same relative error differ by at most
 * SPEED_BAND either way. Why plain GD keeps up: from a small init, VᵀV − UᵀU stays at its initial O(σ²) (DHL.MF, up
 * to η² terms), so plain GD runs on nearly balanced factors, where the regularizer's gradient λD·W is O(σ²) too and
 * changes the path little; both then converge linearly at the same rate set by M*'s smallest nonzero singular value.
 * Measured (scale 1, 1000 steps, eps 1e-3): see the property file.
 */
export const SPEED_BAND = 2;

export function checkDhlFig1(s: DhlFig1Summary): void {
  for (const [i, r] of s.inits.entries()) {
    if (r.plain === null && r.regularized === null)
      failCheck('converges', s.horizon + 1, s.horizon, `init ${i + 1}: neither objective reached relative error ${s.eps} within ${s.horizon} steps`);
    // a run that did not get there needs more than the horizon: a lower bound, so the ratio with it in the numerator is too
    const plain = Math.max(1, r.plain ?? s.horizon + 1);
    const reg = Math.max(1, r.regularized ?? s.horizon + 1);
    const what = `init ${i + 1}: steps to relative error ${s.eps}`;
    atMost('speed-ratio', plain / reg, SPEED_BAND, `${what}, plain over regularized (${r.plain ?? `> ${s.horizon}`} vs ${reg})`);
    atMost('speed-ratio', reg / plain, SPEED_BAND, `${what}, regularized over plain (${r.regularized ?? `> ${s.horizon}`} vs ${plain})`);
  }
}

export interface DhlFig2Summary {
  /** per layer: ‖W_k(T)‖_F² − ‖W_k(0)‖_F², ‖W_k(0)‖_F², ‖W_k(T)‖_F² */
  readonly growth: readonly number[];
  readonly initial: readonly number[];
  readonly final: readonly number[];
  /** per layer: Σ_{t<T} ‖G_k(t)‖_F² */
  readonly gradSquaredSum: readonly number[];
  readonly eta: number;
  readonly steps: number;
}

/**
 * The layers count as grown when the smallest growth is at least this share of the largest initial ‖W_k‖_F²: equal
 * growth of layers that never moved would be no evidence (a frozen trainer "grows" every layer by 0).
 */
export const MIN_GROWTH = 1e-3;

/**
 * DHL.Fig2 "every layer grows by the same amount". Per GD step, F4 (homogeneous activations) gives exactly
 * Δ(‖W_k‖_F² − ‖W_{k+1}‖_F²) = η²(‖G_k‖_F² − ‖G_{k+1}‖_F²), so over T steps
 *   |growth_k − growth_{k+1}| = η² |Σ_t (‖G_k(t)‖² − ‖G_{k+1}(t)‖²)| ≤ η² max(S_k, S_{k+1}),  S_k = Σ_t ‖G_k(t)‖²
 * (both sums are of non-negative terms). Rounding:
 * each step rounds every weight once (relative u = 2^−53), and the norms are summed once at each end, so the computed
 * growths carry at most (T + 2d)·u·(‖W_k(0)‖² + ‖W_k(T)‖²) per layer, d the layer's entries (a worst case that
 * adds linearly; the random-walk size is √T times smaller). The bound is their sum.
 */
export function growthSpreadBound(s: DhlFig2Summary, k: number, entries: readonly number[]): number {
  const u = 2 ** -53;
  const rounding = (j: number) => (s.steps + 2 * entries[j]) * u * (s.initial[j] + s.final[j]);
  return s.eta * s.eta * Math.max(s.gradSquaredSum[k], s.gradSquaredSum[k + 1]) + rounding(k) + rounding(k + 1);
}

/** entries: the number of weights of each layer (d_k · d_{k−1}). */
export function checkDhlFig2(s: DhlFig2Summary, entries: readonly number[]): void {
  const biggest = Math.max(...s.initial);
  atLeast('layers-grow', Math.min(...s.growth), MIN_GROWTH * biggest, `smallest growth of ‖W_k‖_F² vs ${MIN_GROWTH} × the largest ‖W_k(0)‖_F²`);
  for (let k = 0; k + 1 < s.growth.length; k++)
    atMost(
      'growth-spread',
      Math.abs(s.growth[k] - s.growth[k + 1]),
      growthSpreadBound(s, k, entries),
      `|growth of ‖W_${k + 1}‖² − growth of ‖W_${k + 2}‖²| vs η² max(Σ‖G_${k + 1}‖², Σ‖G_${k + 2}‖²) + rounding`,
    );
}
