import { EigenvalueDecomposition, Matrix } from 'ml-matrix';

/** Eigenvalues of a small symmetric matrix (closed form up to 2×2, ml-matrix beyond). */
export function symmetricEigenvalues(H: number[][]): number[] {
  if (H.length === 1) return [H[0][0]];
  if (H.length === 2) {
    const m = (H[0][0] + H[1][1]) / 2;
    const r = Math.hypot((H[0][0] - H[1][1]) / 2, (H[0][1] + H[1][0]) / 2);
    return [m - r, m + r];
  }
  const M = new Matrix(H);
  return new EigenvalueDecomposition(M.add(M.transpose()).mul(0.5), { assumeSymmetric: true }).realEigenvalues;
}
