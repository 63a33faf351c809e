/**
 * A layer constrained to a linear family W = Σ_m w_m B_m (RNBU.Proj): the basis
 * matrices B_m are rows×cols, row-major. Circulant, zero-padded convolution
 * and diagonal layers are built by circulantBasis, convolutionBasis and
 * diagonalBasis; projection.ts projects onto the span.
 */
export interface LayerBasis {
  readonly name: string;
  readonly rows: number;
  readonly cols: number;
  readonly elements: readonly Float64Array[];
}

export function checkLayerBasis(b: LayerBasis, where = 'basis'): void {
  if (!Number.isInteger(b.rows) || !Number.isInteger(b.cols) || b.rows < 1 || b.cols < 1)
    throw new RangeError(`${where} (${b.name}): rows=${b.rows}, cols=${b.cols} must be positive integers`);
  if (b.elements.length === 0) throw new RangeError(`${where} (${b.name}): no basis matrices; a constrained layer needs at least one`);
  b.elements.forEach((B, m) => {
    if (B.length !== b.rows * b.cols) throw new RangeError(`${where} (${b.name}).elements[${m}] has ${B.length} entries; it must be ${b.rows}×${b.cols}`);
    if (!B.every(Number.isFinite)) throw new RangeError(`${where} (${b.name}).elements[${m}] has a non-finite entry`);
  });
}

/** W = Σ_m w_m B_m (into out when given). */
export function composeLayer(b: LayerBasis, w: ArrayLike<number>, out: Float64Array = new Float64Array(b.rows * b.cols)): Float64Array {
  if (w.length !== b.elements.length) throw new RangeError(`composeLayer (${b.name}): ${w.length} coefficients for ${b.elements.length} basis matrices`);
  out.fill(0);
  b.elements.forEach((B, m) => {
    const c = w[m];
    if (c === 0) return;
    for (let i = 0; i < B.length; i++) if (B[i] !== 0) out[i] += c * B[i];
  });
  return out;
}

/** c_m = ⟨G, B_m⟩_F = ∂R/∂w_m when G = ∂R/∂W (chain rule). */
export function basisCoefficients(b: LayerBasis, G: Float64Array, out: Float64Array = new Float64Array(b.elements.length)): Float64Array {
  if (G.length !== b.rows * b.cols) throw new RangeError(`basisCoefficients (${b.name}): G has ${G.length} entries; it must be ${b.rows}×${b.cols}`);
  b.elements.forEach((B, m) => {
    let s = 0;
    for (let i = 0; i < B.length; i++) if (B[i] !== 0) s += G[i] * B[i];
    out[m] = s;
  });
  return out;
}

/** Gram matrix ⟨B_m, B_l⟩ (M × M, row-major). */
export function basisGram(b: LayerBasis): Float64Array {
  const M = b.elements.length;
  const out = new Float64Array(M * M);
  for (let m = 0; m < M; m++)
    for (let l = m; l < M; l++) {
      let s = 0;
      const A = b.elements[m];
      const B = b.elements[l];
      for (let i = 0; i < A.length; i++) s += A[i] * B[i];
      out[m * M + l] = s;
      out[l * M + m] = s;
    }
  return out;
}

/**
 * c² when the B_m are mutually orthogonal with equal squared norms c² (then
 * GD on w is projected GD with step c²η, RNBU.Proj); null otherwise.
 */
export function equalNormSquared(b: LayerBasis): number | null {
  const M = b.elements.length;
  const g = basisGram(b);
  const c2 = g[0];
  for (let m = 0; m < M; m++)
    for (let l = 0; l < M; l++) {
      const v = g[m * M + l];
      if (m === l ? v !== c2 : v !== 0) return null;
    }
  return c2;
}
