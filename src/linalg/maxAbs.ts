/** max_{k,i} |M_k[i]| over a list of matrices; 0 for none. */
export function maxAbs(ms: readonly Float64Array[]): number {
  return Math.max(0, ...ms.flatMap((m) => Array.from(m, Math.abs)));
}
