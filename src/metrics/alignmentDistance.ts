import { EigenvalueDecomposition, Matrix, SingularValueDecomposition } from 'ml-matrix';
import { matmul, transpose } from '../linalg/dense.js';
import { scaleToUnitRange } from '../linalg/powerOfTwoScaling.js';
import { frobenius } from '../linalg/norms.js';
import { toMatrix } from '../linalg/singularValues.js';

/**
 * Distance from aligned (RNBU.Def2): a linear net is aligned when orthogonal
 * U_0, …, U_L make every M_k = U_kᵀ W_k U_{k−1} rectangular-diagonal. The
 * distance of layer k is the largest off-diagonal |M_k[i,j]| relative to
 * ‖W_k‖_F (Frobenius: basis-free, no SVD needed, and ≥ ‖W_k‖_2, so the ratio is
 * at most the spectral-norm one). Two measures:
 * - alignmentInBases: against GIVEN bases (exact invariance checks, RNBU.Thm1);
 * - alignmentDistance: bases recovered from the weights (see there).
 * Bases are d×d row-major Float64Arrays whose COLUMNS are the basis vectors.
 */
export interface LayerAlignment {
  /** largest |off-diagonal entry| of U_kᵀ W_k U_{k−1} */
  readonly maxOff: number;
  /** Frobenius norm of the off-diagonal part */
  readonly offNorm: number;
  /** ‖W_k‖_F */
  readonly norm: number;
  /** maxOff / norm (0 for a zero layer) */
  readonly distance: number;
}

export interface AlignmentReport {
  readonly layers: readonly LayerAlignment[];
  /** max over layers */
  readonly distance: number;
}

function checkLayers(weights: readonly Float64Array[], dims: readonly number[], where: string): void {
  if (dims.length !== weights.length + 1)
    throw new RangeError(`${where}: dims has length ${dims.length}; it must be the number of layers + 1 = ${weights.length + 1}`);
  weights.forEach((W, k) => {
    if (W.length !== dims[k + 1] * dims[k])
      throw new RangeError(`${where}: weights[${k}] has ${W.length} entries; W_${k + 1} must be ${dims[k + 1]}×${dims[k]}`);
    for (let i = 0; i < W.length; i++) if (!Number.isFinite(W[i])) throw new RangeError(`${where}: weights[${k}][${i}]=${W[i]} is not finite`);
  });
}

/** M = U_leftᵀ W U_right for W rows×cols, U_left rows×rows, U_right cols×cols (columns are basis vectors). */
export function inBases(W: Float64Array, rows: number, cols: number, left: Float64Array, right: Float64Array): Float64Array {
  return matmul(matmul(transpose(left, rows, rows), W, rows, rows, cols), right, rows, cols, cols);
}

function summarize(M: Float64Array, rows: number, cols: number, onDiagonal: (i: number, j: number) => boolean, norm: number): LayerAlignment {
  const off: number[] = [];
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) if (!onDiagonal(i, j)) off.push(M[i * cols + j]);
  let maxOff = 0;
  for (const a of off) if (Math.abs(a) > maxOff) maxOff = Math.abs(a);
  return { maxOff, offNorm: frobenius(off), norm, distance: norm === 0 ? 0 : maxOff / norm };
}

function report(layers: LayerAlignment[]): AlignmentReport {
  return { layers, distance: layers.reduce((m, l) => Math.max(m, l.distance), 0) };
}

/** Distance from aligned with the given bases U_0..U_L: off-diagonal of U_kᵀW_kU_{k−1}, diagonal = (j, j). */
export function alignmentInBases(weights: readonly Float64Array[], dims: readonly number[], bases: readonly Float64Array[]): AlignmentReport {
  checkLayers(weights, dims, 'alignmentInBases');
  if (bases.length !== dims.length) throw new RangeError(`alignmentInBases: ${bases.length} bases given; give one per space, U_0..U_L (${dims.length})`);
  bases.forEach((U, k) => {
    if (U.length !== dims[k] * dims[k]) throw new RangeError(`alignmentInBases: bases[${k}] has ${U.length} entries; U_${k} must be ${dims[k]}×${dims[k]}`);
  });
  return report(
    weights.map((W, k) => summarize(inBases(W, dims[k + 1], dims[k], bases[k + 1], bases[k]), dims[k + 1], dims[k], (i, j) => i === j, frobenius(W))),
  );
}

export interface AlignmentDistanceOptions {
  /**
   * Relative tolerance τ: eigenvalues of a Gram matrix S within τ‖S‖_F of each other (gap ≤ τ‖S‖_F) are
   * one cluster, and images W_k u with ‖W_k u‖ ≤ τ‖W_k‖_F count as zero. Default 1e-8.
   */
  readonly clusterTolerance?: number;
}

export interface RecoveredAlignment extends AlignmentReport {
  /** the recovered U_0..U_L (columns are basis vectors) */
  readonly bases: Float64Array[];
  /** matching[k][j]: the column of U_{k+1} holding the image of column j of U_k (−1: the image is zero) */
  readonly matching: number[][];
}

/** Columns of Q (d×m) that jointly diagonalize the symmetric matrices `grams`, by successive refinement inside clusters. */
function jointEigenbasis(Q: Matrix, grams: readonly Matrix[], tol: number): Matrix {
  let clusters: Matrix[] = Q.columns === 0 ? [] : [Q];
  for (const S of grams) {
    const scale = S.norm('frobenius');
    if (scale === 0) continue;
    const next: Matrix[] = [];
    for (const C of clusters) {
      if (C.columns === 1) {
        next.push(C);
        continue;
      }
      const R = C.transpose().mmul(S).mmul(C);
      const sym = R.add(R.transpose()).mul(0.5);
      const evd = new EigenvalueDecomposition(sym, { assumeSymmetric: true });
      const lam = evd.realEigenvalues;
      const order = lam.map((_, i) => i).sort((a, b) => lam[b] - lam[a]);
      const rotated = C.mmul(evd.eigenvectorMatrix);
      let start = 0;
      for (let i = 1; i <= order.length; i++) {
        if (i === order.length || lam[order[i - 1]] - lam[order[i]] > tol * scale) {
          next.push(rotated.subMatrixColumn(order.slice(start, i)));
          start = i;
        }
      }
    }
    clusters = next;
  }
  const out = new Matrix(Q.rows, Q.columns);
  let c = 0;
  for (const C of clusters) for (let j = 0; j < C.columns; j++) out.setColumn(c++, C.getColumn(j));
  return out;
}

/** An orthonormal basis (columns) of the orthogonal complement of the orthonormal columns of Q in ℝ^d. */
function complement(Q: Matrix, d: number): Matrix {
  if (Q.columns === 0) return Matrix.eye(d);
  if (Q.columns >= d) return new Matrix(d, 0);
  const proj = Matrix.eye(d).sub(Q.mmul(Q.transpose()));
  const evd = new EigenvalueDecomposition(proj.add(proj.transpose()).mul(0.5), { assumeSymmetric: true });
  const idx = evd.realEigenvalues
    .map((l, i) => [l, i] as const)
    .filter(([l]) => l > 0.5)
    .map(([, i]) => i);
  return evd.eigenvectorMatrix.subMatrixColumn(idx);
}

/** The orthonormal matrix nearest to V (its polar factor), V d×m with m ≤ d. */
function polar(V: Matrix): Matrix {
  const s = new SingularValueDecomposition(V, { autoTranspose: true });
  const U = s.leftSingularVectors;
  return U.subMatrixColumn(Array.from({ length: V.columns }, (_, j) => j)).mmul(s.rightSingularVectors.transpose());
}

function gram(B: Float64Array, rows: number, cols: number): Matrix {
  const M = toMatrix(B, rows, cols);
  return M.transpose().mmul(M);
}

/**
 * Distance from aligned with bases recovered from the weights alone.
 *
 * Choice (documented per the RNBU.Def2 note on repeated singular values): an
 * aligned net makes every Gram matrix of a partial product diagonal in the
 * same bases, and singular vectors are only determined up to rotation inside a
 * cluster of (nearly) repeated singular values. So:
 * 1. U_0 jointly diagonalizes C_i = (W_i⋯W_1)ᵀ(W_i⋯W_1), i = 1..L: eigenvectors
 *    of C_1, each τ-cluster refined by C_2, then C_3, … — a rotation inside a
 *    cluster is fixed by the later layers rather than left to the eigensolver.
 * 2. Forward: the images W_k u_j of the columns of U_{k−1} (those above
 *    τ‖W_k‖_F) are replaced by their nearest orthonormal set (polar factor) and
 *    become columns of U_k; the rest of U_k is the orthogonal complement,
 *    refined by the Grams of the later partial products W_j⋯W_{k+1}.
 * 3. M_k = U_kᵀ W_k U_{k−1}; the "diagonal" is the matching j ↦ slot of the
 *    image of u_j, every other entry counts as off-diagonal.
 * For an aligned net every M_k comes out generalized-diagonal up to rounding;
 * within a cluster of width τ the rotation costs at most O(τ) of off-diagonal,
 * so the distance has a floor of order τ on nearly repeated values. It is an
 * upper bound on the best distance over all bases (these bases are one choice).
 * Re-indexing is allowed: the matching need not be j ↦ j, which agrees with
 * Def2's rectangular diagonal except when a path of nonzero singular values
 * starts or ends at a hidden layer of a rectangular net (e.g. 1→2→1 with
 * W_2W_1 = 0), which this measure reports as aligned.
 */
export function alignmentDistance(weights: readonly Float64Array[], dims: readonly number[], options: AlignmentDistanceOptions = {}): RecoveredAlignment {
  checkLayers(weights, dims, 'alignmentDistance');
  const tol = options.clusterTolerance ?? 1e-8;
  if (!(tol > 0 && tol < 1)) throw new RangeError(`alignmentDistance: clusterTolerance=${tol} must be in (0, 1)`);
  const L = weights.length;
  // The bases depend on each layer only up to scale, so they are computed from layers scaled by powers of two to
  // unit range: exact, and the Grams of products then stay finite for weights as large as 1e300 (a diverging run's
  // last checkpoints) or as small as 1e-300.
  const unit = weights.map((W) => scaleToUnitRange(W).scaled);
  const mats = unit.map((W, k) => toMatrix(W, dims[k + 1], dims[k]));
  // forward Grams on ℝ^{d_0}
  const forward: Matrix[] = [];
  let B: Float64Array = unit[0];
  forward.push(gram(B, dims[1], dims[0]));
  for (let k = 1; k < L; k++) {
    B = matmul(unit[k], B, dims[k + 1], dims[k], dims[0]);
    forward.push(gram(B, dims[k + 1], dims[0]));
  }
  const bases: Matrix[] = [jointEigenbasis(Matrix.eye(dims[0]), forward, tol)];
  const matching: number[][] = [];
  for (let k = 1; k <= L; k++) {
    const dk = dims[k];
    const Wk = mats[k - 1];
    const normW = Wk.norm('frobenius');
    const V = Wk.mmul(bases[k - 1]);
    const norms = Array.from({ length: V.columns }, (_, j) => Math.hypot(...V.getColumn(j)));
    let significant = norms.map((v, j) => [v, j] as const).filter(([v]) => v > tol * normW);
    if (significant.length > dk) significant = [...significant].sort((a, b) => b[0] - a[0]).slice(0, dk);
    const J = significant.map(([, j]) => j).sort((a, b) => a - b);
    const images = J.length > 0 ? polar(V.subMatrixColumn(J)) : new Matrix(dk, 0);
    // backward Grams of W_j⋯W_{k+1} on ℝ^{d_k}, restricted to the complement of the images
    const backward: Matrix[] = [];
    let A: Float64Array | null = null;
    for (let j = k + 1; j <= L; j++) {
      A = A === null ? unit[j - 1] : matmul(unit[j - 1], A, dims[j], dims[j - 1], dk);
      backward.push(gram(A, dims[j], dk));
    }
    const N = complement(images, dk);
    const rest =
      N.columns === 0
        ? N
        : N.mmul(
            jointEigenbasis(
              Matrix.eye(N.columns),
              backward.map((S) => N.transpose().mmul(S).mmul(N)),
              tol,
            ),
          );
    const U = new Matrix(dk, dk);
    const used = new Array<boolean>(dk).fill(false);
    const slotOf = new Array<number>(dims[k - 1]).fill(-1);
    J.forEach((j) => {
      if (j < dk && !used[j]) {
        used[j] = true;
        slotOf[j] = j;
      }
    });
    J.forEach((j) => {
      if (slotOf[j] === -1) {
        const s = used.indexOf(false);
        used[s] = true;
        slotOf[j] = s;
      }
    });
    J.forEach((j, c) => U.setColumn(slotOf[j], images.getColumn(c)));
    let r = 0;
    for (let s = 0; s < dk; s++) if (!used[s]) U.setColumn(s, rest.getColumn(r++));
    bases.push(U);
    matching.push(slotOf);
  }
  const flat = bases.map((U) => Float64Array.from(U.to1DArray()));
  const layers = weights.map((W, k) => {
    const M = inBases(W, dims[k + 1], dims[k], flat[k + 1], flat[k]);
    const slot = matching[k];
    return summarize(M, dims[k + 1], dims[k], (i, j) => slot[j] === i, frobenius(W));
  });
  return { ...report(layers), bases: flat, matching };
}
