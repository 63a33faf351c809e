import type { LayerBasis } from './layerBasis.js';

/** Rectangular-diagonal rows×cols layers: B_m = e_m e_mᵀ, m < min(rows, cols). Orthonormal (c² = 1). */
export function diagonalBasis(rows: number, cols: number = rows): LayerBasis {
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 1 || cols < 1)
    throw new RangeError(`diagonalBasis: rows=${rows}, cols=${cols} must be positive integers`);
  const elements = Array.from({ length: Math.min(rows, cols) }, (_, m) => {
    const B = new Float64Array(rows * cols);
    B[m * cols + m] = 1;
    return B;
  });
  return { name: `diagonal(${rows}×${cols})`, rows, cols, elements };
}
