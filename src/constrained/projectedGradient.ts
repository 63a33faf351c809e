import { riskAndGradient, type GradientFn } from '../trainer/gradient.js';
import type { LayerConstraints } from './parameterDescent.js';
import { createProjector } from './projection.js';

/**
 * Projected GD on the full matrices, as a gradient for gradientDescent:
 * G_k ← s_k P_{S_k}(G_k) for constrained layers (free layers untouched), so a
 * trainer step with η is W_k ← W_k − (s_k η) P_{S_k}(∇_{W_k} R), projected GD
 * with step s_k η. s_k = c_k² (equalNormSquared) is the step that RNBU.Proj
 * says matches GD on the parameters; s_k = 1 is plain projected GD.
 */
export function projectedGradient(
  layers: LayerConstraints,
  stepScales: readonly number[] = layers.map(() => 1),
  base: GradientFn = riskAndGradient,
): GradientFn {
  if (stepScales.length !== layers.length)
    throw new RangeError(`projectedGradient: stepScales has length ${stepScales.length}; give one per layer (${layers.length})`);
  const projectors = layers.map((b, k) => (b ? createProjector(b, `layers[${k}]`) : null));
  const scratch = layers.map((b) => (b ? new Float64Array(b.rows * b.cols) : null));
  return (ws, net, data, loss, grads) => {
    const r = base(ws, net, data, loss, grads);
    projectors.forEach((P, k) => {
      if (!P) return;
      const out = P(grads[k], scratch[k] as Float64Array);
      const s = stepScales[k];
      for (let i = 0; i < out.length; i++) grads[k][i] = s * out[i];
    });
    return r;
  };
}
