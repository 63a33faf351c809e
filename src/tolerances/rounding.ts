/**
 * The floating-point model every derived tolerance rests on (Higham, Accuracy and Stability of Numerical
 * Algorithms, 2nd ed., §2.2 and Lemma 3.1): fl(a ∘ b) = (a ∘ b)(1 + δ) with |δ| ≤ u, and m successive roundings
 * carry relative error at most γ_m.
 */

/** u = 2^−53, the unit roundoff of float64 round-to-nearest. */
export const UNIT_ROUNDOFF = 2 ** -53;

/** γ_m = m·u/(1 − m·u); requires m·u < 1. */
export function gamma(m: number): number {
  const mu = m * UNIT_ROUNDOFF;
  if (!(mu < 1)) throw new RangeError(`gamma: m=${m} is too large (m·u must be < 1)`);
  return mu / (1 - mu);
}
