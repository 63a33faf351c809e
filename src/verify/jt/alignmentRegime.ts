/**
 * The regimes of JT.Thm1-rank1, -align and -prod (the regimes in docs/claims.md) as numbers, from one checkpoint's layer spectra and the
 * run's constants D and S(t). Each is a "distance to informative": the rank1 and align values must fall to ≤ 0.1,
 * the prod value (∏ρ_k) must rise to ≥ 0.9.
 */
import { nonTrivialLayers, nonTrivialPairs } from './alignmentCase.js';

export interface RegimeInputs {
  readonly dims: readonly number[];
  /** JT's initialization constant D and S(t) */
  readonly D: number;
  readonly energy: number;
  /** ‖W_k(0)‖_2² per layer (F6's initial terms) */
  readonly spectralSquared0: readonly number[];
  /** per layer at t: ‖W_k‖_F² and σ_1(W_k) */
  readonly frobeniusSquared: readonly number[];
  readonly sigma1: readonly number[];
}

/** The F5 regime: max over layers with both dims ≥ 2 of (D + 4S)/‖W_k‖_F² (0 when there is none). Reached at ≤ 0.1. */
export function rankOneRegime(r: RegimeInputs): number {
  let worst = 0;
  for (const k of nonTrivialLayers(r.dims)) worst = Math.max(worst, (r.D + 4 * r.energy) / r.frobeniusSquared[k]);
  return worst;
}

/**
 * The F6 regime: max over pairs with d_{k+1} ≥ 2 of (D + 6S + ‖W_{k+1}(0)‖_2² + ‖W_k(0)‖_2²)/‖W_{k+1}(t)‖_2², i.e.
 * 1 − (F6's right side). Reached at ≤ 0.1 (F6's right side ≥ 0.9).
 */
export function alignmentRegime(r: RegimeInputs): number {
  let worst = 0;
  for (const k of nonTrivialPairs(r.dims)) {
    const x = r.D + 6 * r.energy + r.spectralSquared0[k + 1] + r.spectralSquared0[k];
    worst = Math.max(worst, x / (r.sigma1[k + 1] * r.sigma1[k + 1]));
  }
  return worst;
}

/** The prod regime: ∏_k ρ_k = ∏ σ_1(W_k)/‖W_k‖_F (an upper bound on q). Reached at ≥ 0.9. */
export function productRegime(r: RegimeInputs): number {
  let p = 1;
  r.sigma1.forEach((s, k) => (p *= s / Math.sqrt(r.frobeniusSquared[k])));
  return p;
}

/** The thresholds of the regimes in docs/claims.md. */
export const RANK1_REGIME = 0.1;
export const ALIGN_REGIME = 0.1;
export const PROD_REGIME = 0.9;
