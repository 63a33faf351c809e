/**
 * Σ a_i² and its square root, summed left to right in plain floating point. The claims' rounding allowances
 * (src/tolerances) bound exactly this summation (γ_m relative error for m terms); metrics/norms.ts `frobenius`
 * scales into unit range first, which guards against overflow but is not the computation those bounds describe,
 * and the stored counterexamples replay bit for bit only with the plain sum.
 */
export function sumOfSquares(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * a[i];
  return s;
}

/** ‖A‖_F = √Σ a_i², plain summation (see sumOfSquares). */
export function plainFrobenius(a: ArrayLike<number>): number {
  return Math.sqrt(sumOfSquares(a));
}
