/**
 * The training cases of JT.Thm1-rank1, -align and -prod (the regimes in docs/claims.md): shapes where the claims are not true by
 * construction, and an init small enough that the JT.A4 step reaches the claims' regimes within the default horizon.
 *
 * A layer with a single row or column is rank one whatever GD does, and a width-1 hidden layer makes its adjacent
 * pair aligned (|⟨v_{k+1}, u_k⟩| = 1 for 1-vectors), so F5 and F6 check nothing there. These cases draw d ≥ 2 and
 * every hidden width ≥ 2: W_1 … W_{L−1} then have both dimensions ≥ 2 and every pair (k, k+1) has d_k ≥ 2.
 * The last layer is a row (d_L = 1) in every case: it is rank one by construction, which the classes below record.
 */
import type fc from 'fast-check';
import { architecture, gaussianInit, separableDataset } from '../../arbitraries/index.js';
import { jtA2 } from '../../assumptions/index.js';
import type { MarginLoss } from '../../losses/loss.js';
import { type TrainCase, dataOf, networkOf, orientForA2 } from './trainCase.js';

export interface AlignmentCaseConstraints {
  /** the loss JT.A2 is checked with */
  readonly loss: MarginLoss;
  /** depth range (default 2 … 3) */
  readonly minDepth?: number;
  readonly maxDepth?: number;
  /**
   * σ of the Gaussian init (default 1/20). Measured with the JT.A4 step over 20 cases per setting, L = 3 at 8192 steps:
   * σ = 0.05 put 20/20 runs in all three regimes (40/40 rank1, 39/40 align on a second seed), σ = 0.1 19/20 rank1 but
   * 15/20 align, σ = 0.2 6/20 rank1 and 0/20 align (D grows like σ²·width², and ‖W_k‖² must outgrow 10·D); σ = 0.03
   * reached the regimes more slowly (9/20 rank1 at 4096 steps against 16/20 for 0.05): the saddle at 0 holds a
   * smaller init longer.
   */
  readonly scale?: number;
}

const DEFAULT_SCALE = 1 / 20;

/**
 * Separable data (4–8 points in d = 2 or 3, ‖x_i‖ ≤ 1), hidden widths 2–3, Gaussian init N(0, σ²), oriented and
 * filtered for JT.A2 as trainCase does (the last layer negated when R(W(0)) ≥ ℓ(0); the rare init still failing A2
 * is dropped), so every value, shrunk ones included, satisfies the hypotheses and is non-trivial.
 */
export function alignmentCase(c: AlignmentCaseConstraints): fc.Arbitrary<TrainCase> {
  const minDepth = c.minDepth ?? 2;
  const maxDepth = c.maxDepth ?? 3;
  if (!(Number.isInteger(minDepth) && minDepth >= 2 && maxDepth >= minDepth))
    throw new RangeError(
      `alignmentCase: minDepth=${minDepth}, maxDepth=${maxDepth} must be integers with 2 ≤ minDepth ≤ maxDepth; a single layer has no pair to align`,
    );
  const scale = c.scale ?? DEFAULT_SCALE;
  if (!(scale > 0)) throw new RangeError(`alignmentCase: scale=${scale} must be > 0 (σ of the Gaussian init)`);
  return separableDataset({ minDim: 2, maxDim: 3, minSamples: 4, maxSamples: 8 })
    .chain((data) =>
      architecture({ minDepth, maxDepth, minWidth: 2, maxWidth: 3, minInputDim: data.x[0].length, maxInputDim: data.x[0].length }).chain((arch) =>
        gaussianInit(arch, { scale }).map((weights): TrainCase => ({ x: data.x, y: data.y.map((v) => (v > 0 ? 1 : -1)), weights })),
      ),
    )
    .map((tc) => orientForA2(tc, c.loss))
    .filter((tc) => jtA2(networkOf(tc), dataOf(tc), c.loss).holds);
}

/** Layers (0-based) with both dimensions ≥ 2: the only ones F5 can say anything about. */
export function nonTrivialLayers(dims: readonly number[]): number[] {
  const out: number[] = [];
  for (let k = 0; k + 1 < dims.length; k++) if (dims[k] >= 2 && dims[k + 1] >= 2) out.push(k);
  return out;
}

/** Adjacent pairs (k, k+1), 0-based k, whose shared width d_{k+1} ≥ 2: the only ones F6 can say anything about. */
export function nonTrivialPairs(dims: readonly number[]): number[] {
  const out: number[] = [];
  for (let k = 0; k + 2 < dims.length; k++) if (dims[k + 1] >= 2) out.push(k);
  return out;
}

/**
 * The report's class of a run: depth, whether the claim can fail on this shape at all ("trivial": every layer a
 * vector, or every pair joined by a width-1 layer), and whether the run reached the claim's regime at its horizon.
 */
export function alignmentClass(dims: readonly number[], claim: 'rank1' | 'align' | 'prod', reached: boolean | null): string {
  const trivial = claim === 'align' ? nonTrivialPairs(dims).length === 0 : nonTrivialLayers(dims).length === 0;
  const regime = reached === null ? 'diverged' : reached ? 'in regime' : 'regime not reached';
  return `L=${dims.length - 1} ${trivial ? 'trivial' : 'non-trivial'} ${regime}`;
}
