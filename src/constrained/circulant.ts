import type { LayerBasis } from './layerBasis.js';

/**
 * Circulant k×k layers: B_m = Z^m, the cyclic shift (Z^m)[i, j] = 1 iff
 * i − j ≡ m (mod k), m = 0..k−1. Disjoint supports with k ones each, so the
 * basis is orthogonal with equal squared norms c² = k (RNBU.Proj).
 */
export function circulantBasis(size: number): LayerBasis {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`circulantBasis: size=${size} must be a positive integer`);
  const elements = Array.from({ length: size }, (_, m) => {
    const B = new Float64Array(size * size);
    for (let j = 0; j < size; j++) B[((j + m) % size) * size + j] = 1;
    return B;
  });
  return { name: `circulant(${size})`, rows: size, cols: size, elements };
}
