import { CholeskyDecomposition, Matrix } from 'ml-matrix';
import { basisCoefficients, basisGram, checkLayerBasis, composeLayer, type LayerBasis } from './layerBasis.js';

/** P_S(G) into out: the orthogonal projection onto S = span{B_m}. */
export type Projector = (G: Float64Array, out?: Float64Array) => Float64Array;

/**
 * The orthogonal (Frobenius) projection onto span{B_m}: P_S(G) = Σ_m α_m B_m
 * with Gram·α = (⟨G, B_m⟩)_m. The Gram matrix is factored once (Cholesky); the
 * basis must be linearly independent.
 */
export function createProjector(b: LayerBasis, where = 'projector'): Projector {
  checkLayerBasis(b, where);
  const M = b.elements.length;
  const g = basisGram(b);
  const chol = new CholeskyDecomposition(new Matrix(Array.from({ length: M }, (_, i) => Array.from(g.subarray(i * M, (i + 1) * M)))));
  if (!chol.isPositiveDefinite())
    throw new RangeError(`${where} (${b.name}): the basis matrices are linearly dependent (singular Gram); drop the redundant ones`);
  const coeffs = new Float64Array(M);
  return (G, out) => {
    basisCoefficients(b, G, coeffs);
    const alpha = chol.solve(Matrix.columnVector(Array.from(coeffs))).getColumn(0);
    return composeLayer(b, alpha, out);
  };
}

/** Coefficients of W in the basis (least squares) and the relative residual ‖W − Σα_mB_m‖_F/‖W‖_F (0 when W is in the span). */
export function basisCoordinates(b: LayerBasis, W: Float64Array): { coefficients: Float64Array; residual: number } {
  checkLayerBasis(b);
  const M = b.elements.length;
  const g = basisGram(b);
  const chol = new CholeskyDecomposition(new Matrix(Array.from({ length: M }, (_, i) => Array.from(g.subarray(i * M, (i + 1) * M)))));
  const alpha = Float64Array.from(chol.solve(Matrix.columnVector(Array.from(basisCoefficients(b, W)))).getColumn(0));
  const back = composeLayer(b, alpha);
  let r = 0;
  let n = 0;
  for (let i = 0; i < W.length; i++) {
    r += (W[i] - back[i]) ** 2;
    n += W[i] * W[i];
  }
  return { coefficients: alpha, residual: n === 0 ? Math.sqrt(r) : Math.sqrt(r / n) };
}
