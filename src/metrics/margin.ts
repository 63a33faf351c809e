import { dot, norm2 } from '../linalg/dense.js';
import { scaleToUnitRange } from '../linalg/powerOfTwoScaling.js';

/** min_i ⟨w, z_i⟩ for z (n × d). */
export function minMarginOf(w: ArrayLike<number>, z: Float64Array, n: number, d: number): number {
  let m = Infinity;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < d; j++) s += w[j] * z[i * d + j];
    if (s < m) m = s;
  }
  return m;
}

/** γ(w) = min_i ⟨w, z_i⟩/‖w‖ ≤ γ̄ (docs/claims.md, Notation); NaN for w = 0. */
export function normalizedMargin(w: ArrayLike<number>, z: Float64Array, n: number, d: number): number {
  // γ(2^k w) = γ(w), and scaling w to unit range keeps ‖w‖² from underflowing (w ≈ 1e-170) or overflowing
  const { scaled } = scaleToUnitRange(w);
  const nw = norm2(scaled);
  return nw === 0 ? NaN : minMarginOf(scaled, z, n, d) / nw;
}

/** Π_⊥ w = w − ⟨w, ū⟩ū. */
export function orthogonalPart(w: ArrayLike<number>, ubar: ArrayLike<number>): Float64Array {
  const c = dot(w, ubar);
  const out = new Float64Array(w.length);
  for (let i = 0; i < w.length; i++) out[i] = w[i] - c * ubar[i];
  return out;
}
