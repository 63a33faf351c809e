import { EigenvalueDecomposition, Matrix } from 'ml-matrix';

/** (1 − e^{−λt})/λ, with its limit t at λ = 0, accurate for small λt */
function phi(lambda: number, t: number): number {
  return lambda === 0 ? t : -Math.expm1(-lambda * t) / lambda;
}

/**
 * Exact gradient flow of a depth-1 linear net W (k×d) under the squared loss
 * R(W) = (1/n) Σ_i ½‖W x_i − y_i‖²: dW/dt = −(W S − M) with S = (1/n) Σ x_i x_iᵀ
 * (d×d, symmetric PSD) and M = (1/n) Σ y_i x_iᵀ (k×d). With S = Q Λ Qᵀ and
 * V = W Q, each column solves v_j' = −λ_j v_j + (MQ)_j, so
 * v_j(t) = e^{−λ_j t} v_j(0) + (1 − e^{−λ_j t})/λ_j · (MQ)_j and W(t) = V(t) Qᵀ.
 * Returns W(t) (rows) at each of `times`. Accuracy: the eigendecomposition's
 * backward error O(d·u·‖S‖), amplified by at most cond(S) in W* = M S⁻¹.
 */
export function linearSquaredFlow(
  x: readonly (readonly number[])[],
  y: readonly (readonly number[])[],
  w0: readonly (readonly number[])[],
  times: readonly number[],
): number[][][] {
  const n = x.length;
  const d = x[0].length;
  const k = y[0].length;
  const S = Matrix.zeros(d, d);
  const M = Matrix.zeros(k, d);
  for (let i = 0; i < n; i++)
    for (let a = 0; a < d; a++) {
      for (let b = 0; b < d; b++) S.set(a, b, S.get(a, b) + (x[i][a] * x[i][b]) / n);
      for (let r = 0; r < k; r++) M.set(r, a, M.get(r, a) + (y[i][r] * x[i][a]) / n);
    }
  const eig = new EigenvalueDecomposition(S, { assumeSymmetric: true });
  const Q = eig.eigenvectorMatrix;
  const lambda = eig.realEigenvalues;
  const V0 = new Matrix(w0.map((r) => [...r])).mmul(Q);
  const MQ = M.mmul(Q);
  return times.map((t) => {
    const V = Matrix.zeros(k, d);
    for (let j = 0; j < d; j++) {
      const decay = Math.exp(-lambda[j] * t);
      const gain = phi(lambda[j], t);
      for (let r = 0; r < k; r++) V.set(r, j, decay * V0.get(r, j) + gain * MQ.get(r, j));
    }
    return V.mmul(Q.transpose()).to2DArray();
  });
}

/** eigenvalues of S = (1/n) Σ x_i x_iᵀ, ascending */
export function secondMomentSpectrum(x: readonly (readonly number[])[]): number[] {
  const d = x[0].length;
  const S = Matrix.zeros(d, d);
  for (const xi of x) for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) S.set(a, b, S.get(a, b) + (xi[a] * xi[b]) / x.length);
  return [...new EigenvalueDecomposition(S, { assumeSymmetric: true }).realEigenvalues].sort((a, b) => a - b);
}

/**
 * Exact gradient flow of the balanced scalar depth-2 net f(x) = w₂w₁x with
 * w₁(0) = w₂(0) = w₀ ≠ 0, squared loss R = (1/n) Σ_i ½(w₂w₁x_i − y_i)².
 * Derivation: with p = w₁w₂, s = (1/n)Σx_i², m = (1/n)Σx_i y_i,
 * ∂R/∂w₁ = w₂(s p − m) and ∂R/∂w₂ = w₁(s p − m), so the flow is
 * w₁' = −w₂(s p − m), w₂' = −w₁(s p − m). Then (w₁² − w₂²)' = 0: a balanced
 * start stays balanced, w₁ = w₂ = w, and w' = −(s w² − m)w. For p = w²:
 * p' = 2ww' = −2p(s p − m) = 2s p (p* − p), p* = m/s, a logistic equation
 * with solution p(t) = p*p₀ / (p₀ + (p* − p₀)e^{−2s p* t}). Dividing by p*
 * (so that p* → 0, where p' = −2s p², is the limit, not 0/0):
 * p(t) = p₀ / (E + p₀·g), E = e^{−z}, z = 2s p* t, g = (1 − E)/p* = 2st·(1 − e^{−z})/z (→ 2st as z → 0).
 * E + p₀g > 0 for all t ≥ 0 (it is 1 at t = 0 and p stays finite and
 * positive: p' = 0 at p = 0), and w keeps the sign of w₀: w(t) = sign(w₀)√p(t).
 */
export function balancedScalarFlow(x: readonly number[], y: readonly number[], w0: number, t: number): number {
  const n = x.length;
  let s = 0;
  let m = 0;
  for (let i = 0; i < n; i++) {
    s += (x[i] * x[i]) / n;
    m += (x[i] * y[i]) / n;
  }
  const p0 = w0 * w0;
  const pStar = m / s;
  const z = 2 * s * pStar * t;
  const E = Math.exp(-z);
  // g = 2st·(1 − e^{−z})/z: no division by a tiny p*
  const g = z === 0 ? 2 * s * t : 2 * s * t * (-Math.expm1(-z) / z);
  return Math.sign(w0) * Math.sqrt(p0 / (E + p0 * g));
}
