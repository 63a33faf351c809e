/** observed/bound with 0/0 = 0 (both sides exactly zero) and x/0 = ∞. */
export function quotient(observed: number, bound: number): number {
  const o = Math.abs(observed);
  if (o === 0) return 0;
  return bound > 0 ? o / bound : Infinity;
}
