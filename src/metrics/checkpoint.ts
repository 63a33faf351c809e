import type { Dataset } from '../data/dataset.js';
import type { MaxMargin } from '../maxMargin/maxMargin.js';
import type { Network } from '../network/network.js';
import { adjacentAlignment, cosine, layerSingularPairs, productAlignment, productVector } from './alignment.js';
import { balanceMatrices, balancednessDrift } from './balancedness.js';
import { frobenius } from '../linalg/norms.js';

/** One checkpoint of a result file. Field names are part of the output format: other tools read them. */
export interface CheckpointRecord {
  step: number;
  risk: number;
  /** min_i y_i f(x_i) (classification); null for regression */
  minMargin: number | null;
  frobenius: number[];
  spectral: number[];
  normRatio: number[];
  adjacentAlignment: number[];
  productAlignment: number | null;
  balancednessDrift: number[];
  cosineToMaxMargin: number | null;
}

export interface CheckpointContext {
  readonly data: Dataset;
  /** D_k(0) */
  readonly initialBalance: readonly Float64Array[];
  readonly maxMargin: MaxMargin | null;
}

/**
 * Metrics of W(t); risk and margins come from the trainer's last evaluation
 * at W(t) (no second forward pass). One SVD per layer.
 */
export function checkpointRecord(step: number, net: Network, risk: number, margins: Float64Array | null, ctx: CheckpointContext): CheckpointRecord {
  const { dims, weights } = net;
  const pairs = layerSingularPairs(weights, dims);
  const fro = weights.map(frobenius);
  const spec = pairs.map((p) => p.sigma);
  let minMargin: number | null = null;
  if (margins && ctx.data.task === 'classification') {
    minMargin = Infinity;
    for (let i = 0; i < ctx.data.n; i++) minMargin = Math.min(minMargin, margins[i]);
  }
  const w = productVector(weights, dims);
  return {
    step,
    risk,
    minMargin,
    frobenius: fro,
    spectral: spec,
    normRatio: spec.map((s, k) => (fro[k] === 0 ? 0 : s / fro[k])),
    adjacentAlignment: adjacentAlignment(pairs),
    productAlignment: productAlignment(weights, dims, pairs),
    balancednessDrift: balancednessDrift(balanceMatrices(weights, dims), ctx.initialBalance),
    cosineToMaxMargin: ctx.maxMargin && w && ctx.data.d === w.length ? cosine(w, ctx.maxMargin.direction) : null,
  };
}
