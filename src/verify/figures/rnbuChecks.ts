import { atLeast, atMost } from './figureCheck.js';

export interface RnbuS6Summary {
  /** the aligned autoencoder: largest distance from aligned over its checkpoints, risk at 0 and T */
  readonly aeAlignedMax: number;
  readonly aeRiskStart: number;
  readonly aeRiskEnd: number;
  /** the depth-10 convolutional factorization (identity filters at 0): largest distance from aligned, risk at 0 and T */
  readonly convMax: number;
  readonly convRiskStart: number;
  readonly convRiskEnd: number;
}

/**
 * The distance from aligned (src/metrics/alignmentDistance, RNBU.Def2) has a floor of order 1e-8 where singular values
 * nearly repeat, and is ~1e-16 elsewhere. ALIGNED = 1e-6 sits 100× above that floor: a run whose distance stays below
 * it stayed aligned up to the measure's resolution; one that goes above it left the aligned set. The autoencoder's
 * aligned run measures 5.2e-16 (RNBU.Thm1's invariant case Y = X, stable order); the convolutional run 0.117 after
 * 2·10³ steps and 0.19 after 2·10⁵ (RNBU.Thm3: constrained layers do not keep alignment).
 */
export const ALIGNED = 1e-6;
/** The autoencoder "trains": its risk falls tenfold (measured 0.20 → 9.0e-3 in 200 steps). */
export const AE_RISK_DROP = 10;
/** The convolutional run trains measurably: its risk falls by at least 10 % (measured 0.93 → 0.37 in 2·10³ steps). */
export const CONV_RISK_KEEP = 0.9;

export function checkRnbuS6(s: RnbuS6Summary): void {
  atMost('ae-invariant', s.aeAlignedMax, ALIGNED, 'autoencoder from an aligned init: largest distance from aligned');
  atMost('ae-trains', s.aeRiskEnd, s.aeRiskStart / AE_RISK_DROP, `autoencoder: final risk vs initial risk/${AE_RISK_DROP}`);
  atMost('conv-trains', s.convRiskEnd, s.convRiskStart * CONV_RISK_KEEP, `convolutional factorization: final risk vs ${CONV_RISK_KEEP} × initial risk`);
  atLeast('conv-breaks', s.convMax, ALIGNED, 'convolutional factorization from an aligned init: largest distance from aligned');
}
