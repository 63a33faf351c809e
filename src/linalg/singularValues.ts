import { Matrix, SingularValueDecomposition } from 'ml-matrix';

export interface SingularPair {
  readonly sigma: number;
  /** top left singular vector (length rows) */
  readonly u: Float64Array;
  /** top right singular vector (length cols) */
  readonly v: Float64Array;
}

export interface FullSvd {
  readonly sigmas: number[];
  /** rows × rows (padded with an orthonormal completion when rows > cols) */
  readonly U: Matrix;
  readonly V: Matrix;
}

export function toMatrix(A: Float64Array, rows: number, cols: number): Matrix {
  const M = new Matrix(rows, cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) M.set(i, j, A[i * cols + j]);
  return M;
}

/** Full SVD by ml-matrix (thin off, so U is rows×rows and V cols×cols). */
export function svd(A: Float64Array, rows: number, cols: number): FullSvd {
  const dec = new SingularValueDecomposition(toMatrix(A, rows, cols), {
    computeLeftSingularVectors: true,
    computeRightSingularVectors: true,
    autoTranspose: true,
  });
  return { sigmas: dec.diagonal, U: dec.leftSingularVectors, V: dec.rightSingularVectors };
}

/** Largest singular value with its singular vectors (signs arbitrary). */
export function topSingular(A: Float64Array, rows: number, cols: number): SingularPair {
  const { sigmas, U, V } = svd(A, rows, cols);
  let best = 0;
  for (let i = 1; i < sigmas.length; i++) if (sigmas[i] > sigmas[best]) best = i;
  return { sigma: sigmas[best] ?? 0, u: Float64Array.from(U.getColumn(best)), v: Float64Array.from(V.getColumn(best)) };
}
