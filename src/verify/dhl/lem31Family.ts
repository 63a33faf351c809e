/**
 * DHL.Lem3.1's cases as a vector of integers, for the targeted search (src/verify/targetedSearch.ts): the shape of M*
 * (rows m, columns n, rank r ≤ 2, integer factors with entries in [−1, 1]), the init scale σ ∈ {0.001, 0.01, 0.05},
 * the step constant c = k/64 ∈ [1/2, 1] and δ ∈ {1/8, 1/4} of η_t = c(t+1)^{−(1/2+δ)}, a draw seed for the target's
 * factors, and the init's entries themselves on a grid, σ·k/4 with k ∈ [−12, 12] (within ±3σ: points of the support
 * of the N(0, σ²) init the main property draws, properties/dhl/lem3-1.property.test.ts), so the climb can shape the
 * init (an entry at 0, one factor smaller than the other) instead of redrawing it. W_1 = Vᵀ (r × n) fills the first
 * entries row by row, then W_2 = U (m × r); entries beyond the shape are unused. A rank above min(m, n) is clamped.
 */
import fc from 'fast-check';
import { factorizationTarget, type Weights } from '../../arbitraries/index.js';
import type { IntegerParameter } from '../targetedSearch.js';

export const LEM31_SIGMAS = [0.001, 0.01, 0.05] as const;
export const LEM31_DELTAS = [1 / 8, 1 / 4] as const;

/** The largest draw seed (2^20 − 1). */
const SEED_MAX = 2 ** 20 - 1;
/** the most init entries: r(m + n) with r ≤ 2, m, n ≤ 4 */
const MAX_ENTRIES = 16;
/** an init entry is σ·k/4 with |k| ≤ INIT_LEVELS */
const INIT_LEVELS = 12;

export interface Lem31Case {
  readonly target: number[][];
  readonly weights: Weights;
  readonly c: number;
  readonly delta: number;
}

/** The parameters (their order is the point's). */
export const LEM31_PARAMETERS: readonly IntegerParameter[] = [
  { name: 'm', min: 1, max: 4 },
  { name: 'n', min: 1, max: 4 },
  { name: 'r', min: 1, max: 2 },
  { name: 'sigma', min: 0, max: LEM31_SIGMAS.length - 1 },
  // c = k/64
  { name: 'c64', min: 32, max: 64 },
  { name: 'delta', min: 0, max: LEM31_DELTAS.length - 1 },
  { name: 'targetSeed', min: 0, max: SEED_MAX },
  ...Array.from({ length: MAX_ENTRIES }, (_, i) => ({ name: `w${i + 1}`, min: -INIT_LEVELS, max: INIT_LEVELS })),
];

/** The case a point names (deterministic). */
export function lem31Case(point: readonly number[]): Lem31Case {
  if (point.length !== LEM31_PARAMETERS.length) throw new RangeError(`lem31Case: point has ${point.length} values; the family has ${LEM31_PARAMETERS.length}`);
  point.forEach((v, i) => {
    const p = LEM31_PARAMETERS[i];
    if (!Number.isInteger(v) || v < p.min || v > p.max) throw new RangeError(`lem31Case: ${p.name}=${v} must be an integer in [${p.min}, ${p.max}]`);
  });
  const [m, n, rank, sigma, c64, delta, targetSeed] = point;
  const levels = point.slice(7);
  const r = Math.min(rank, m, n);
  const [t] = fc.sample(factorizationTarget({ minRows: m, maxRows: m, minCols: n, maxCols: n, minRank: r, maxRank: r, maxFactorEntry: 1 }), {
    seed: targetSeed,
    numRuns: 1,
  });
  const s = LEM31_SIGMAS[sigma];
  let next = 0;
  const layer = (rows: number, cols: number) => Array.from({ length: rows }, () => Array.from({ length: cols }, () => (s * levels[next++]) / 4 + 0));
  const weights: Weights = [layer(r, n), layer(m, r)];
  return { target: t.target, weights, c: c64 / 64, delta: LEM31_DELTAS[delta] };
}

/**
 * The coordinates the case at a point depends on: the shape (the rank only when min(m, n) ≥ 2 leaves a choice), σ,
 * c, δ, the target seed, and the r(m + n) init entries of its factors (targetedSearch moves only these).
 */
export function lem31Active(point: readonly number[]): boolean[] {
  const [m, n, rank] = point;
  const r = Math.min(rank, m, n);
  const used = r * (m + n);
  return LEM31_PARAMETERS.map((_, i) => (i === 2 ? Math.min(m, n) >= 2 : i < 7 ? true : i - 7 < used));
}
