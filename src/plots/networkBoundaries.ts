import type { Dataset } from '../data/dataset.js';
import { endToEnd } from '../linalg/dense.js';
import type { Network } from '../network/network.js';
import type { Boundary, LabelledPoint } from './decisionBoundaryPlot.js';
import { networkOutput } from './networkOutput.js';

/** The points of a 2-D classification dataset, for decisionBoundaryPlot. */
export function planePoints(data: Dataset): LabelledPoint[] {
  if (data.task !== 'classification' || data.d !== 2) throw new TypeError(`planePoints: data must be 2-D classification, got task=${data.task} d=${data.d}`);
  return Array.from({ length: data.n }, (_, i) => ({ x: data.x[2 * i], y: data.x[2 * i + 1], label: data.y[i] }));
}

/**
 * The boundaries to draw for a trained net on 2-D data: the max-margin
 * direction's line ⟨ū, x⟩ = 0 when the data are separable, and the net's
 * own boundary — the line ⟨w_prod, x⟩ = 0 for a linear net, the zero contour
 * of f for any other activation.
 */
export function networkBoundaries(net: Network, maxMargin: { direction: ArrayLike<number> } | null): Boundary[] {
  const out: Boundary[] = [];
  if (net.activation.kind === 'linear') {
    const w = endToEnd(net.weights, net.dims);
    out.push({ name: 'network ⟨w_prod, x⟩ = 0', score: (a, b) => w[0] * a + w[1] * b });
  } else out.push({ name: 'network f(x) = 0', score: (a, b) => networkOutput(net, [a, b]) });
  if (maxMargin) {
    const u = maxMargin.direction;
    out.push({ name: 'max margin ⟨ū, x⟩ = 0', score: (a, b) => u[0] * a + u[1] * b });
  }
  return out;
}
