import { failCheck } from '../checkFailure.js';
import { atMost } from './figureCheck.js';

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
