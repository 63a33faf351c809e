import type { Activation } from './activation.js';
import type { Network } from './network.js';
import type { SeededRandom } from '../data/random.js';

/**
 * Layers with i.i.d. N(0, s_k²) entries, s_k = scale/√d_{k−1} when `fanIn`
 * (He-like, keeps activations O(scale) in wide nets), else s_k = scale.
 */
export function gaussianNetwork(dims: readonly number[], activation: Activation, rng: SeededRandom, scale: number, fanIn = false): Network {
  const weights = dims.slice(1).map((rows, k) => {
    const cols = dims[k];
    const s = fanIn ? scale / Math.sqrt(cols) : scale;
    const W = new Float64Array(rows * cols);
    for (let i = 0; i < W.length; i++) W[i] = s * rng.normal();
    return W;
  });
  return { dims: [...dims], weights, activation };
}

/** Every layer multiplied by c (the same directions, a different scale). */
export function scaledNetwork(net: Network, c: number): Network {
  return { dims: [...net.dims], weights: net.weights.map((W) => W.map((v) => v * c)), activation: net.activation };
}
