import { dot, norm2 } from './dense.js';

/**
 * A unit vector orthogonal to the unit vector u: the normalised projection Π_⊥r = r − ⟨r, u⟩u of r, or, when r lies
 * (to 1e-6 relative) in span(u), the projection of the first basis vector e_j that does not. Throws when u^⊥ = {0}
 * (d = 1). JT.Lem4 uses it to place w = a·ū + f·τ·ξ with ξ ⊥ ū.
 */
export function unitOrthogonal(r: readonly number[], u: Float64Array): Float64Array {
  const tryVec = (v: ArrayLike<number>): Float64Array | null => {
    const c = dot(v, u);
    const p = Float64Array.from(v, (vi, j) => vi - c * u[j]);
    const n = norm2(p);
    return n > 1e-6 * Math.max(1, norm2(v)) ? p.map((pi) => pi / n) : null;
  };
  const first = tryVec(r);
  if (first) return first;
  for (let j = 0; j < u.length; j++) {
    const e = new Float64Array(u.length);
    e[j] = 1;
    const p = tryVec(e);
    if (p) return p;
  }
  throw new RangeError('unitOrthogonal: ū^⊥ is {0} (d = 1)');
}
