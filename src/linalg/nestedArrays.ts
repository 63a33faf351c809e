/** Tiny dense helpers for building generated values (never in a GD loop). */

export function zeros(rows: number, cols: number): number[][] {
  return Array.from({ length: rows }, () => new Array<number>(cols).fill(0));
}

export function identity(n: number): number[][] {
  const m = zeros(n, n);
  for (let i = 0; i < n; i++) m[i][i] = 1;
  return m;
}

export function matMul(a: readonly (readonly number[])[], b: readonly (readonly number[])[]): number[][] {
  const n = a.length;
  const inner = b.length;
  const m = inner === 0 ? 0 : b[0].length;
  const out = zeros(n, m);
  for (let i = 0; i < n; i++)
    for (let l = 0; l < inner; l++) {
      const ail = a[i][l];
      if (ail === 0) continue;
      for (let j = 0; j < m; j++) out[i][j] += ail * b[l][j];
    }
  return out;
}

export function outer(u: readonly number[], v: readonly number[], scale = 1): number[][] {
  return u.map((ui) => v.map((vj) => scale * ui * vj + 0));
}

/**
 * Householder reflection I − 2vvᵀ/‖v‖² of an integer vector v (the identity for
 * v = 0). It is symmetric and orthogonal with rational entries of denominator
 * ‖v‖²; each entry is computed as one division of exact integers, so it is the
 * correctly rounded rational — exact when ‖v‖² is a power of two.
 */
export function householder(v: readonly number[]): number[][] {
  const n = v.length;
  const nv = v.reduce((s, x) => s + x * x, 0);
  if (nv === 0) return identity(n);
  return Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => ((i === j ? nv : 0) - 2 * v[i] * v[j]) / nv + 0));
}

/**
 * (I − 2vvᵀ/‖v‖²)·x for integer v and dyadic x of modest precision: the
 * numerator ‖v‖²x_i − 2v_i⟨v, x⟩ is exact, so each entry is the correctly
 * rounded rational.
 */
export function reflect(v: readonly number[], x: readonly number[]): number[] {
  const nv = v.reduce((s, a) => s + a * a, 0);
  if (nv === 0) return x.map((a) => a + 0);
  const vx = v.reduce((s, a, i) => s + a * x[i], 0);
  return x.map((a, i) => (nv * a - 2 * v[i] * vx) / nv + 0);
}
