// c_i = ℓ'(m_i)·y_i/n for two samples (two lanes) with the built-in margin losses, as src/losses/logistic.ts and
// exponential.ts write ℓ' and the JavaScript kernels scale it: logistic −1/(1 + e^u) for u < 0, else
// −e^{−u}/(1 + e^{−u}) (both from e^{−|u|}, the numerator chosen per lane); exponential −e^{−u}. No branches: the sign
// of the margin varies from sample to sample. e^x by expPair (Math.exp's bits), K its constant table.

import { expPair, K_MINUS_ONE, kc } from './exp';

/** loss codes shared by the kernels' tables (builtinLossCode in src/trainer/kernels/moduleTables.ts) */
export const LOGISTIC = 1;
export const EXPONENTIAL = 2;
export const SQUARED = 3;

@inline export function marginDerivativeTimes(kind: i32, m: v128, y: v128, invN: v128, K: usize): v128 {
  if (kind == LOGISTIC) {
    const negative = f64x2.lt(m, f64x2.splat(0));
    const e = expPair(v128.bitselect(m, f64x2.neg(m), negative), K);
    const minusNumerator = v128.bitselect(kc(K, K_MINUS_ONE), f64x2.neg(e), negative);
    return f64x2.mul(f64x2.mul(f64x2.div(minusNumerator, f64x2.add(f64x2.splat(1), e)), y), invN);
  }
  return f64x2.mul(f64x2.mul(f64x2.neg(expPair(f64x2.neg(m), K)), y), invN);
}
