/** Small dense helpers on plain arrays for subspace computations (facet normals, complements): not the step loop. */

/** Rows 2..d of the Householder reflector taking u to ±e_1: an orthonormal basis of u^⊥ (u a unit vector). */
export function orthonormalComplement(u: Float64Array): Float64Array[] {
  const d = u.length;
  const v = Float64Array.from(u);
  v[0] += u[0] >= 0 ? 1 : -1; // the sign avoids cancellation
  let vv = 0;
  for (let j = 0; j < d; j++) vv += v[j] * v[j];
  const out: Float64Array[] = [];
  for (let r = 1; r < d; r++) {
    const h = new Float64Array(d);
    for (let j = 0; j < d; j++) h[j] = (r === j ? 1 : 0) - (2 * v[r] * v[j]) / vv;
    out.push(h);
  }
  return out;
}

/** a ⊥ every row of M ((m−1) × m): a_c = (−1)^c det(M without column c); ‖a‖ is the rows' (m−1)-volume. */
export function generalizedCross(M: number[][], m: number, a: Float64Array): void {
  for (let c = 0; c < m; c++) {
    const minor = M.map((row) => row.filter((_, j) => j !== c));
    a[c] = (c % 2 === 0 ? 1 : -1) * determinant(minor);
  }
}

/** Determinant by Gaussian elimination with partial pivoting (destroys A). det of the 0×0 matrix is 1. */
export function determinant(A: number[][]): number {
  const s = A.length;
  let det = 1;
  for (let col = 0; col < s; col++) {
    let piv = col;
    for (let r = col + 1; r < s; r++) if (Math.abs(A[r][col]) > Math.abs(A[piv][col])) piv = r;
    if (A[piv][col] === 0) return 0;
    if (piv !== col) {
      [A[piv], A[col]] = [A[col], A[piv]];
      det = -det;
    }
    det *= A[col][col];
    for (let r = col + 1; r < s; r++) {
      const f = A[r][col] / A[col][col];
      for (let c = col; c < s; c++) A[r][c] -= f * A[col][c];
    }
  }
  return det;
}
