import type { Dataset } from '../data/dataset.js';
import type { Loss } from '../losses/loss.js';
import { cloneNetwork, type Network } from '../network/network.js';
import { checkCompatible, createWorkspace, riskAndGradient, zerosLike, type GradientFn } from '../trainer/gradient.js';
import { basisCoefficients, checkLayerBasis, composeLayer, type LayerBasis } from './layerBasis.js';
import { basisCoordinates } from './projection.js';

/** Per layer: the basis it is constrained to, or null for a free (fully connected) layer. */
export type LayerConstraints = readonly (LayerBasis | null)[];

export interface ParameterStepView {
  t: number;
  risk: number;
  /** W(t), live buffers (constrained layers recomposed from their parameters) */
  weights: readonly Float64Array[];
  /** ∂R/∂W_k at W(t), the full (unprojected) matrix gradient, live buffers */
  grads: readonly Float64Array[];
  /** w(t) of constrained layers (null for free layers), live buffers */
  params: readonly (Float64Array | null)[];
}

export interface ParameterDescentOptions {
  /** initial weights; a constrained layer must lie in its basis' span */
  readonly network: Network;
  readonly data: Dataset;
  readonly loss: Loss;
  readonly layers: LayerConstraints;
  readonly eta: number;
  readonly steps: number;
  /** called before each update (t = 0..steps−1) and once at t = steps */
  readonly onStep?: (view: ParameterStepView) => void;
  /** replaces the exact matrix gradient (broken trainers for twins) */
  readonly gradient?: GradientFn;
}

/**
 * Gradient descent on the free parameters of constrained layers (RNBU.Proj):
 * w_m ← w_m − η ∂R/∂w_m with ∂R/∂w_m = ⟨∂R/∂W, B_m⟩, then W = Σ w_m B_m;
 * free layers take the plain step W ← W − η ∂R/∂W.
 */
export function parameterDescent(opts: ParameterDescentOptions): { network: Network; params: (Float64Array | null)[] } {
  const { data, loss, layers, eta, steps } = opts;
  if (!Number.isInteger(steps) || steps < 0) throw new RangeError(`parameterDescent: steps=${steps} must be a non-negative integer`);
  if (!(eta > 0 && Number.isFinite(eta))) throw new RangeError(`parameterDescent: eta=${eta} must be a positive finite number`);
  const net = cloneNetwork(opts.network);
  const L = net.weights.length;
  if (layers.length !== L) throw new RangeError(`parameterDescent: layers has length ${layers.length}; give one entry (a basis or null) per layer (${L})`);
  checkCompatible(net, data, loss);
  const params = layers.map((b, k) => {
    if (b === null) return null;
    checkLayerBasis(b, `layers[${k}]`);
    if (b.rows !== net.dims[k + 1] || b.cols !== net.dims[k])
      throw new RangeError(`parameterDescent: layers[${k}] (${b.name}) is ${b.rows}×${b.cols} but W_${k + 1} is ${net.dims[k + 1]}×${net.dims[k]}`);
    const { coefficients, residual } = basisCoordinates(b, net.weights[k]);
    if (residual > 1e-12)
      throw new RangeError(
        `parameterDescent: network.weights[${k}] is not in the span of ${b.name} (relative residual ${residual.toExponential(2)}); build it with composeLayer`,
      );
    composeLayer(b, coefficients, net.weights[k]);
    return coefficients;
  });
  const grad = opts.gradient ?? riskAndGradient;
  const ws = createWorkspace(net.dims, data.n);
  const grads = zerosLike(net);
  const coeffs = layers.map((b) => (b ? new Float64Array(b.elements.length) : null));
  const view: ParameterStepView = { t: 0, risk: 0, weights: net.weights, grads, params };
  for (let t = 0; t <= steps; t++) {
    const r = grad(ws, net, data, loss, grads);
    if (!Number.isFinite(r)) throw new RangeError(`parameterDescent: non-finite risk at W(${t}); lower eta=${eta}`);
    view.t = t;
    view.risk = r;
    opts.onStep?.(view);
    if (t === steps) break;
    for (let k = 0; k < L; k++) {
      const b = layers[k];
      const W = net.weights[k];
      const G = grads[k];
      if (b === null) {
        for (let i = 0; i < W.length; i++) W[i] -= eta * G[i];
        continue;
      }
      const w = params[k] as Float64Array;
      const c = basisCoefficients(b, G, coeffs[k] as Float64Array);
      for (let m = 0; m < w.length; m++) w[m] -= eta * c[m];
      composeLayer(b, w, W);
    }
  }
  return { network: net, params };
}
