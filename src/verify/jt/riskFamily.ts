/**
 * JT.Thm1-risk's cases as a vector of integers, for the targeted search (src/verify/targetedSearch.ts): the shape
 * (depth L, hidden width, input dimension d, sample count n), the kind of initialization the main property draws
 * (Gaussian σ = 1/2 or 1/4, or exactly balanced with path scales in [1/2, 1]), a draw seed for the data, and the
 * init: for the Gaussian kinds its entries themselves on a grid, σ·k/4 with k ∈ [−12, 12] (within ±3σ: points of the
 * support of the N(0, σ²) init the main property draws), so the climb can shape the init instead of redrawing it;
 * for the balanced kind balancedInit's draw at a seed. A point names one case: the data are separableDataset's draw
 * (planted margin above `minMargin`, ‖x_i‖ ≤ 1) at that shape and seed, the init oriented for JT.A2 as trainCase does
 * (the last layer negated when R(W(0)) ≥ ℓ(0)). The hypotheses of the claim are the only filter: a point whose
 * oriented init still fails JT.A2 names no case (riskFamilyCase returns null), and the search treats it as the lowest
 * value. Entries fill W_1, W_2, … row by row; those beyond the shape are unused.
 *
 * A seed coordinate moved by ±k is a fresh draw of that part, so along it the search is random sampling, kept while
 * the shape and the entries climb.
 */
import fc from 'fast-check';
import { balancedInit, separableDataset } from '../../arbitraries/index.js';
import { jtA2 } from '../../assumptions/index.js';
import type { MarginLoss } from '../../losses/loss.js';
import type { IntegerParameter } from '../targetedSearch.js';
import { dataOf, networkOf, orientForA2, type TrainCase } from './trainCase.js';

/** The init kinds trainCase draws (weights 2 : 2 : 1 there; each one value here). */
export const RISK_INIT_KINDS = ['gaussian σ=1/2', 'gaussian σ=1/4', 'balanced s∈[1/2,1]'] as const;

/** The largest draw seed (2^20 − 1): seeds are fast-check's, any integer; a range this wide never repeats a draw in practice. */
const SEED_MAX = 2 ** 20 - 1;
/** a Gaussian init entry is σ·k/4 with |k| ≤ INIT_LEVELS */
const INIT_LEVELS = 12;

/** The most weight entries of a net within the bounds: W_1 (width × d), L − 2 hidden layers (width²), W_L (1 × width). */
function maxEntries(b: RiskFamilyBounds): number {
  return b.maxWidth * b.maxDim + (b.maxDepth - 2) * b.maxWidth * b.maxWidth + b.maxWidth;
}

export interface RiskFamilyBounds {
  readonly maxDepth: number;
  readonly maxWidth: number;
  readonly maxDim: number;
  readonly maxSamples: number;
}

/** The parameters: L ∈ [2, maxDepth], width, d, n, init kind, data seed, balanced-init seed, Gaussian init entries. */
export function riskFamilyParameters(b: RiskFamilyBounds): IntegerParameter[] {
  for (const [name, v, min] of [
    ['maxDepth', b.maxDepth, 2],
    ['maxWidth', b.maxWidth, 1],
    ['maxDim', b.maxDim, 1],
    ['maxSamples', b.maxSamples, 1],
  ] as const)
    if (!Number.isInteger(v) || v < min) throw new RangeError(`riskFamilyParameters: ${name}=${v} must be an integer ≥ ${min}`);
  return [
    { name: 'L', min: 2, max: b.maxDepth },
    { name: 'width', min: 1, max: b.maxWidth },
    { name: 'd', min: 1, max: b.maxDim },
    { name: 'n', min: 1, max: b.maxSamples },
    { name: 'init', min: 0, max: RISK_INIT_KINDS.length - 1 },
    { name: 'dataSeed', min: 0, max: SEED_MAX },
    { name: 'initSeed', min: 0, max: SEED_MAX },
    ...Array.from({ length: maxEntries(b) }, (_, i) => ({ name: `w${i + 1}`, min: -INIT_LEVELS, max: INIT_LEVELS })),
  ];
}

/**
 * The case a point names (deterministic), or null when its init fails JT.A2 even after the orientation. `minMargin`
 * is the data's planted margin floor (the main property's: 1/4 by default, 1/16 under thorough).
 */
export function riskFamilyCase(point: readonly number[], b: RiskFamilyBounds, minMargin: number, loss: MarginLoss): TrainCase | null {
  const params = riskFamilyParameters(b);
  if (point.length !== params.length) throw new RangeError(`riskFamilyCase: point has ${point.length} values; the family has ${params.length}`);
  point.forEach((v, i) => {
    const p = params[i];
    if (!Number.isInteger(v) || v < p.min || v > p.max) throw new RangeError(`riskFamilyCase: ${p.name}=${v} must be an integer in [${p.min}, ${p.max}]`);
  });
  const [L, width, d, n, init, dataSeed, initSeed] = point;
  const [data] = fc.sample(separableDataset({ minDim: d, maxDim: d, minSamples: n, maxSamples: n, minMargin }), { seed: dataSeed, numRuns: 1 });
  const dims = [d, ...Array.from({ length: L - 1 }, () => width), 1];
  let weights: number[][][];
  if (init === 2) [weights] = fc.sample(balancedInit({ dims }, { minScale: 1 / 2, maxScale: 1 }), { seed: initSeed, numRuns: 1 });
  else {
    const sigma = init === 0 ? 1 / 2 : 1 / 4;
    const levels = point.slice(7);
    let next = 0;
    weights = dims.slice(1).map((rows, k) => Array.from({ length: rows }, () => Array.from({ length: dims[k] }, () => (sigma * levels[next++]) / 4 + 0)));
  }
  const c = orientForA2({ x: data.x, y: data.y.map((v) => (v > 0 ? 1 : -1)), weights }, loss);
  return jtA2(networkOf(c), dataOf(c), loss).holds ? c : null;
}

/**
 * The coordinates the case at a point depends on: the shape, the init kind and the data seed always; the init seed
 * for the balanced kind; for the Gaussian kinds the entries of the point's net, W_1 (width × d), the hidden layers
 * (width²), W_L (1 × width) — the rest are unused (targetedSearch moves only these).
 */
export function riskFamilyActive(point: readonly number[], b: RiskFamilyBounds): boolean[] {
  const params = riskFamilyParameters(b);
  const [L, width, d, , init] = point;
  const used = init === 2 ? 0 : width * d + (L - 2) * width * width + width;
  return params.map((_, i) => (i < 6 ? true : i === 6 ? init === 2 : i - 7 < used));
}
