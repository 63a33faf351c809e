/**
 * Floating-point operations of one descent step as dlncheck's kernels compute it, to put a rate beside the
 * machine's ceiling. A multiply–add counts as two operations (WebAssembly SIMD has no fused multiply–add, so the
 * kernel issues both). Linear nets with one output (the bench's linear sizes) take the output-side association
 * of src/trainer/gradient.ts; other activations take back-propagation.
 *
 * The count is that of the dense products. For ReLU nets the SIMD kernel leaves out the terms whose multiplier is
 * an exact zero (about half of a_k and δ_k below the top layer; src/trainer/kernels/simd.ts), so it does fewer
 * operations than counted here (about 0.6 of them at the bench's ReLU size), and its rate is a dense-equivalent
 * rate: what a dense kernel would need to reach the same steps per second.
 */
import type { BenchSize } from './benchFixture.js';

export function flopsPerStep(size: Pick<BenchSize, 'dims' | 'n' | 'activation'>): number {
  const { dims, n } = size;
  const L = dims.length - 1;
  const layer = (k: number) => dims[k] * dims[k - 1];
  let madds = 0;
  // the update W ← W − ηG with ‖W‖² and ‖G‖²: three multiply–adds per weight
  for (let k = 1; k <= L; k++) madds += 3 * layer(k);
  if ((size.activation?.kind ?? 'linear') === 'linear' && dims[L] === 1) {
    // suffix chain s_{k−1} = s_k W_k, then per layer the outer product G_k = s_kᵀ C_k and C_{k+1} = C_k W_kᵀ
    for (let k = 1; k < L; k++) madds += 3 * layer(k);
    // data pass: f = X pᵀ and E = cᵀX
    madds += 2 * n * dims[0];
  } else {
    // forward a_k = φ(a_{k−1} W_kᵀ), gradients G_k = δ_kᵀ a_{k−1}, and δ_{k−1} = (δ_k W_k) ⊙ φ' below the top
    for (let k = 1; k <= L; k++) madds += 2 * n * layer(k) + (k > 1 ? n * layer(k) : 0);
  }
  return 2 * madds;
}
