import fc from 'fast-check';
import { checkArchitecture, integerIn, numberWhere, rejectUnknownKeys } from './_internals/constraints.js';
import { clean, fixedArray } from './_internals/fixedArray.js';
import { normalLevel } from '../stats/normalQuantile.js';
import type { Architecture, Weights } from './types.js';

export interface GaussianInitConstraints {
  /** σ > 0: entries are N(0, σ²) */
  scale: number;
  /** K = 2^levelBits: each entry takes one of 2K+1 levels (default 16, in [1, 24]) */
  levelBits?: number;
}

const API = 'gaussianInit';
const KNOWN = ['scale', 'levelBits'] as const;

/**
 * Weights with i.i.d. N(0, σ²) entries for the given architecture, as used by
 * DHL.Lem3.1 / DHL.Thm3.2 (docs/claims.md, DHL).
 *
 * fast-check has no Gaussian, so each entry is an integer level k, uniform on
 * [−K, K] (fc.noBias: fast-check's bias toward small and extreme integers would
 * distort the law), mapped by the inverse CDF to σ·Φ^{−1}((k + K + 1/2)/(2K + 1)):
 * a Gaussian discretised to 2K+1 equiprobable levels and truncated at
 * |z| ≈ 4.48 for the default K = 2^16 (5.04 at K = 2^20, 5.54 at 2^24). The inverse CDF was
 * chosen over Box–Muller because it is monotone in |k|: shrinking k toward 0
 * moves every entry toward 0, whereas shrinking Box–Muller's uniforms toward 0
 * would drive |z| toward the tails. Deterministic from the fast-check seed.
 *
 * Shrinking: entries move toward 0 (the all-zero network); Σ_k ‖W_k‖_F² never increases.
 */
export function gaussianInit(arch: Architecture, constraints: GaussianInitConstraints): fc.Arbitrary<Weights> {
  const dims = checkArchitecture(API, arch);
  if (constraints === undefined) numberWhere(API, 'constraints.scale', undefined, () => true, '', 'pass { scale: σ }');
  rejectUnknownKeys(API, constraints, KNOWN);
  const sigma = numberWhere(API, 'constraints.scale', constraints.scale, (v) => v > 0, 'must be > 0 (σ of N(0, σ²))', 'pass { scale: σ }');
  const levels = 2 ** integerIn(API, 'constraints.levelBits', constraints.levelBits ?? 16, 1, 24);
  const level = fc.noBias(fc.integer({ min: -levels, max: levels }));
  const layers = dims.slice(1).map((rows, k) => fixedArray(fixedArray(level, dims[k]), rows));
  return fc.tuple(...layers).map((ws) => ws.map((w) => w.map((row) => row.map((l) => clean(sigma * normalLevel(l, levels))))));
}
