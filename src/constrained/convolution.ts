import type { LayerBasis } from './layerBasis.js';

export interface ConvolutionConstraints {
  /** image height (1 for a 1-d signal) */
  readonly height?: number;
  readonly width: number;
  /** odd filter sizes; zero padding (f − 1)/2 keeps the output the size of the input */
  readonly filterHeight?: number;
  readonly filterWidth: number;
}

/**
 * Single-channel zero-padded ("same") convolution on a height×width image,
 * pixels in row-major order: (W x)[r, c] = Σ_{a,b} w[a, b] x[r + a − p_h, c + b − p_w]
 * over in-bounds pixels (cross-correlation, as in deep-learning libraries).
 * B_{a,b} has a one wherever tap (a, b) reads an in-bounds pixel: the supports
 * are disjoint (orthogonal basis) but off-centre taps lose the border pixels,
 * so the squared norms differ — the non-orthonormal case of RNBU.Proj.
 */
export function convolutionBasis(c: ConvolutionConstraints): LayerBasis {
  const height = c.height ?? 1;
  const fh = c.filterHeight ?? 1;
  const { width, filterWidth: fw } = c;
  for (const [name, v] of [
    ['height', height],
    ['width', width],
    ['filterHeight', fh],
    ['filterWidth', fw],
  ] as const)
    if (!Number.isInteger(v) || v < 1) throw new RangeError(`convolutionBasis: ${name}=${v} must be a positive integer`);
  if (fh > 2 * height - 1 || fw > 2 * width - 1)
    throw new RangeError(`convolutionBasis: filter ${fh}×${fw} on a ${height}×${width} image has taps that never read a pixel; use filter sizes ≤ 2·size − 1`);
  if (fh % 2 === 0 || fw % 2 === 0) throw new RangeError(`convolutionBasis: filter ${fh}×${fw} must have odd sizes (zero padding (f − 1)/2 on each side)`);
  const ph = (fh - 1) / 2;
  const pw = (fw - 1) / 2;
  const size = height * width;
  const elements: Float64Array[] = [];
  for (let a = 0; a < fh; a++)
    for (let b = 0; b < fw; b++) {
      const B = new Float64Array(size * size);
      for (let r = 0; r < height; r++)
        for (let col = 0; col < width; col++) {
          const rr = r + a - ph;
          const cc = col + b - pw;
          if (rr >= 0 && rr < height && cc >= 0 && cc < width) B[(r * width + col) * size + rr * width + cc] = 1;
        }
      elements.push(B);
    }
  return { name: `convolution(${height}×${width}, filter ${fh}×${fw})`, rows: size, cols: size, elements };
}
