import { failCheck } from '../checkFailure.js';
import { atLeast, atMost } from './figureCheck.js';

/**
 * The trends of the seed report's remarks and figures (docs/claims.md, SR) as checks over the numbers a figure's runs produce.
 * "Gap" below is 1 − min_k ρ_k, ρ_k = ‖W_k‖_2/‖W_k‖_F: 0 when every layer is rank one.
 *
 * Why ρ_k stalls, and what a stall looks like (used by SR.R4.1 and SR.R4.2): under GD, D_k = W_kW_kᵀ − W_{k+1}ᵀW_{k+1}
 * changes only at O(η²) per step (F2), so the mass outside the top singular direction stays of order ‖D‖ ∝ s² (the
 * init scale squared) while ‖W_k‖_F² grows only like log t on separable data (JT.Thm1-norms): late in training the gap
 * behaves like c·s²/‖W_k‖_F² ∝ s²/log t. Over one decade of steps 1/log t shrinks by log(T/10)/log T ≈ 0.75–0.8 at
 * T = 10⁴–10⁶, so a stalled gap keeps at least half of itself over the last decade (STALL_KEEP = 1/2). Every init
 * stalls in this sense; what the init scale decides is the level, through s²: at s = 1.5 the gap stays ≈ 0.03 (measured
 * 0.036 → 0.032 from 10⁴ to 10⁵ steps), at s = 0.3 it falls to ≈ 0.0013, below the 0.01 of "ρ_k reached 1". So
 * "stalls below 1" is checked as both: the level (gap ≥ RANK_ONE_GAP) and the flatness (share kept ≥ STALL_KEEP). */

/** ρ_k counts as 1 (rank one reached) at 1 − ρ_k ≤ 0.01: the 0.99 of the regimes in docs/claims.md. */
export const RANK_ONE_GAP = 0.01;
/** A gap that keeps at least this share of itself over the last decade of steps has stalled (derivation above). */
export const STALL_KEEP = 0.5;

export interface SrR41Summary {
  /** the largest JT.A4 step η_t at a checkpoint at or after step `early` (a few thousand steps, or the horizon if shorter) */
  readonly a4EtaLate: number;
  readonly early: number;
  /** constant-step run: risk at step 0 and at the horizon T */
  readonly riskStart: number;
  readonly riskEnd: number;
  /** constant-step run: 1 − min_k ρ_k at T and at the checkpoint nearest T/10 */
  readonly gapEnd: number;
  readonly gapTenth: number;
}

/** SR.R4.1: the JT.A4 step is below 1e-5 after a few thousand steps ("becomes tiny"). */
export const A4_TINY = 1e-5;
/** SR.R4.1: "a constant 1e-2 step lowers the risk": by at least a factor 10 over the horizon (an order of magnitude). */
export const RISK_DROP = 10;

export function checkSrR41(s: SrR41Summary): void {
  atMost('A4-step-tiny', s.a4EtaLate, A4_TINY, `largest JT.A4 step from step ${s.early} on`);
  atMost('risk-falls', s.riskEnd, s.riskStart / RISK_DROP, `constant step: final risk vs initial risk/${RISK_DROP}`);
  atLeast('rho-below-1', s.gapEnd, RANK_ONE_GAP, 'constant step: final 1 − min_k ρ_k (ρ_k must stall below 0.99)');
  atLeast('rho-flat', s.gapEnd / s.gapTenth, STALL_KEEP, 'constant step: share of 1 − min_k ρ_k kept over the last decade of steps');
}

export interface SrR42Summary {
  /** 1 − min_{k<L} ρ_k of the larger init at T and near T/10 */
  readonly gapLarge: number;
  readonly gapLargeTenth: number;
  /** 1 − min_{k<L} ρ_k of the 5× smaller init at T */
  readonly gapSmall: number;
  /** the two init scales */
  readonly large: number;
  readonly small: number;
}

/**
 * SR.R4.2: the larger init's gap exceeds the smaller one's by at least this factor. From the derivation above the gap is
 * about c·s²/‖W‖_F², so at equal norms the ratio is (s_large/s_small)² = 25; the smaller init's layers also have smaller
 * norms at T (measured ‖W‖_F ≈ 1.8 vs 2.5 at 10⁵ steps, a factor ≈ 0.5 in ‖W‖²), so theory predicts ≈ 12, and the run
 * measures 15 at 10⁵ steps (srFig1 at scale 0.1). 5 is the ratio of the init scales themselves: the larger init must be
 * further from rank one by at least the factor it is larger.
 */
export const GAP_RATIO = 5;

export function checkSrR42(s: SrR42Summary): void {
  atLeast('large-below-1', s.gapLarge, RANK_ONE_GAP, `init s=${s.large}: final 1 − min_k ρ_k (its ratios must flatten below 0.99)`);
  atLeast('large-flat', s.gapLarge / s.gapLargeTenth, STALL_KEEP, `init s=${s.large}: share of 1 − min_k ρ_k kept over the last decade`);
  atLeast('gap-ratio', s.gapLarge / s.gapSmall, GAP_RATIO, `final 1 − min_k ρ_k of s=${s.large} over that of s=${s.small}`);
}

export interface SrR43Summary {
  /** steps until the risk first fell by DEPTH_DROP of its initial value (checkpoint resolution); null: not within T */
  readonly stepsShallow: number | null;
  readonly stepsDeep: number | null;
  readonly horizon: number;
  /** the depths compared (shallow first as the claim states it) */
  readonly shallow: number;
  readonly deep: number;
  /** first-order prediction of stepsDeep/stepsShallow: (η‖∇R‖²)_shallow / (η‖∇R‖²)_deep at step 0 */
  readonly predicted: number;
}

/** SR.R4.3: the risk drop that counts as "moved": 2 % of R(0) (early, where the risk falls smoothly at both depths). */
export const DEPTH_DROP = 0.02;
/**
 * SR.R4.3 "far more steps", from the theory: early on, the risk falls at η_t‖∇R‖² per step, so the steps a depth needs
 * for a small drop scale like 1/(η_0‖∇R(W(0))‖²), and the ratio of these rates (the summary's `predicted`) is the
 * first-order prediction of the slowdown: 10.8 for the figure's draws (η_0: 6.0e-5 vs 1.4e-6, the A4 step's
 * R^{−(2L−2)}). Measured: 2.26e5 / 2.05e4 = 11.0 steps for a 2 % drop (3e5 steps, 48 checkpoints per decade); 15 for
 * halving (srFig2 at full scale). The check asks for at least half the prediction (FIRST_ORDER_BAND) and at least
 * DEPTH_SLOWDOWN = 5, so "far more" means ≥ 5× whatever the draws predict.
 */
export const DEPTH_SLOWDOWN = 5;
/** measured/predicted slowdown must lie in [1/FIRST_ORDER_BAND, FIRST_ORDER_BAND]: the first-order picture holds to a factor 2 */
export const FIRST_ORDER_BAND = 2;

export function checkSrR43(s: SrR43Summary): void {
  // observed "more than the horizon" against the horizon: a qualitative failure, ratio just above 1
  if (s.stepsShallow === null)
    failCheck('shallow-moves', s.horizon + 1, s.horizon, `depth ${s.shallow}: risk did not fall by ${DEPTH_DROP * 100} % within ${s.horizon} steps`);
  const shallow = Math.max(1, s.stepsShallow);
  const what = `steps to a ${DEPTH_DROP * 100} % risk drop, depth ${s.deep} over depth ${s.shallow}`;
  // not reached: the deep net needs more than the horizon, a lower bound on its count. "Far more" is then shown when the
  // bound already clears DEPTH_SLOWDOWN (and not shown otherwise: a failure); the comparison with the prediction is
  // undecided and left to the run that reaches the drop (the regime of SR.R4.3's property)
  const deep = s.stepsDeep ?? s.horizon + 1;
  atLeast('depth-slowdown', deep / shallow, DEPTH_SLOWDOWN, what);
  if (s.stepsDeep === null) return;
  atLeast(
    'first-order',
    deep / shallow,
    s.predicted / FIRST_ORDER_BAND,
    `${what} vs the first-order prediction ${s.predicted.toPrecision(3)}/${FIRST_ORDER_BAND}`,
  );
  atMost(
    'first-order',
    deep / shallow,
    s.predicted * FIRST_ORDER_BAND,
    `${what} vs the first-order prediction ${s.predicted.toPrecision(3)}×${FIRST_ORDER_BAND}`,
  );
}

export interface SrFig3Summary {
  /** left panel, one entry per leaky ReLU slope m: final ρ_3, risk, whether every point is classified, dead points */
  readonly left: readonly { readonly m: number; readonly rho3: number; readonly risk: number; readonly allClassified: boolean; readonly dead: number }[];
  /** right panel (the linear net on two moons): risk at 0 and T, final 1 − min_k ρ_k; null when not run */
  readonly right: { readonly riskStart: number; readonly riskEnd: number; readonly gapEnd: number } | null;
}

/**
 * A left-panel run is in the regime where "ρ_3 → 1" can be judged when every point is classified (R < ℓ(0)/n: the late
 * phase where JT's alignment argument runs) and no point is dead (f(x) = 0 exactly: a ReLU path cut off for good, whose
 * gradient is 0, so that point never enters the late phase).
 */
export function inFig3Regime(r: SrFig3Summary['left'][number]): boolean {
  return r.allClassified && r.dead === 0;
}

/**
 * SR.5.1 right: "the risk stays positive". On data no linear classifier separates, R(W) = R_lin(w_prod) ≥ min_w R_lin(w)
 * > 0 for every W, and GD levels off at that floor (0.305 here, from 0.693); on separable data the same net and step
 * drive R below 1e-3·R(0) within the same 2·10³ steps. So "stays positive" is checked as R(T) ≥ R(0)/RISK_DROP: at
 * most one order of magnitude lost, where a separable run loses three.
 */
export function checkSrFig3(s: SrFig3Summary): void {
  for (const r of s.left)
    if (inFig3Regime(r)) atLeast('rho3-to-1', r.rho3, 1 - RANK_ONE_GAP, `m=${r.m} (every point classified, risk ${r.risk.toPrecision(3)}): final ρ_3`);
  if (s.right) {
    atLeast('moons-rho-to-1', 1 - s.right.gapEnd, 1 - RANK_ONE_GAP, 'linear net on two moons: final min_k ρ_k');
    atLeast('risk-positive', s.right.riskEnd, s.right.riskStart / RISK_DROP, `linear net on two moons: final risk vs initial risk/${RISK_DROP}`);
  }
}

/**
 * SR.5.2: "nearly the same direction" as cos(W_L, ū_h) ≥ 0.9. For a homogeneous net trained by GD on the logistic
 * loss, W_L's direction tends to a max-margin direction of the final features (the late-phase KKT conditions of
 * LL.smoothed-margin's theory), so the cosine → 1 only asymptotically; 0.9 (an angle of 26°) is what a few hundred
 * steps reach: measured 0.94 at full scale (400 steps, width 256), 0.899 at scale 0.1 (40 steps, width 26).
 */
export const SVM_COSINE = 0.9;

/** cosFinal: cos(W_L, ū_h) at the horizon, or null when the last hidden features are not separable (no SVM exists). */
export function checkSrFig4(cosFinal: number | null): void {
  if (cosFinal === null)
    failCheck('svm-exists', Number.POSITIVE_INFINITY, 1, 'the last hidden features are not linearly separable: no hard-margin SVM to compare W_L with');
  // as 1 − cos ≤ 1 − 0.9, so observed/bound stays meaningful for a negative cosine
  atMost('svm-cosine', 1 - cosFinal, 1 - SVM_COSINE, '1 − cos(W_L, ū_h) at the horizon (ū_h: hard-margin SVM on the last hidden features)');
}
