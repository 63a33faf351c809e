import fc from 'fast-check';
import { DEFAULT_SIZES } from './_internals/defaultSizes.js';
import { fail, integerIn, oneOf, ordered, rejectUnknownKeys } from './_internals/constraints.js';
import { clean, fixedArray } from './_internals/fixedArray.js';
import type { ClassificationData } from './types.js';

/**
 * How the dataset is made non-separable, as z_i = y_i x_i:
 * - 'antipodal': z and −z (a point and its negation with the same label, or one
 *   point with both labels);
 * - 'triangle': z_1, z_2 and z_3 = −(z_1 + z_2)/2;
 * - 'xor': p+q, −p−q labelled +1 and p−q, q−p labelled −1 (needs d ≥ 2).
 */
export type NonSeparableKind = 'antipodal' | 'triangle' | 'xor';

export interface NonSeparableDatasetConstraints {
  /** input dimension d: defaults 1 … DEFAULT_SIZES.maxWidth, fixed */
  minDim?: number;
  maxDim?: number;
  /**
   * n ≤ maxSamples (default DEFAULT_SIZES.maxSamples, fixed; at least the largest core
   * size). Up to maxSamples − (largest core among kinds) extra points are added, so
   * shrinking to a smaller core always lowers n.
   */
  maxSamples?: number;
  /** kinds to draw from, simplest first (default all three); shrinking moves toward the first */
  kinds?: readonly NonSeparableKind[];
  /** coordinates are multiples of 2^−gridBits (2^−gridBits−1 for the triangle's third point); default 4 */
  gridBits?: number;
}

export interface NonSeparableDataset extends ClassificationData {
  kind: NonSeparableKind;
  /**
   * Gordan certificate: λ_i ≥ 0, not all 0, with Σ_i λ_i y_i x_i = 0 exactly, so no
   * w has y_i⟨w, x_i⟩ > 0 for all i. Positive only on the core points, which are
   * all non-zero.
   */
  certificate: number[];
}

const API = 'nonSeparableDataset';
const KNOWN = ['minDim', 'maxDim', 'maxSamples', 'kinds', 'gridBits'] as const;
const ALL_KINDS: readonly NonSeparableKind[] = ['antipodal', 'triangle', 'xor'];
const CORE_SIZE: Record<NonSeparableKind, number> = { antipodal: 2, triangle: 3, xor: 4 };

/** r ↦ r+1 for r ≥ 0, r−1 for r < 0: a non-zero numerator whose magnitude grows with |r|. */
function nonZero(r: number): number {
  return r >= 0 ? r + 1 : r - 1;
}

/**
 * Datasets that are NOT linearly separable through the origin, with ‖x_i‖ ≤ 1
 * and labels ±1: a non-separable core (see NonSeparableKind) placed among extra
 * random points with random labels. Coordinates are dyadic and lie in a box of
 * half-side ⌊2^gridBits/√maxDim⌋·2^−gridBits, so ‖x_i‖ ≤ 1 exactly.
 *
 * Shrinking: drops extra points, moves the core to the front, switches to an
 * earlier kind (fewer core points), lowers d, sets labels to +1 and moves
 * coordinates toward 0 (core points stop one grid step short of 0). Never
 * increases n or d, and with n and d fixed never increases Σ|x_ij|.
 */
export function nonSeparableDataset(constraints: NonSeparableDatasetConstraints = {}): fc.Arbitrary<NonSeparableDataset> {
  rejectUnknownKeys(API, constraints, KNOWN);
  const sizes = DEFAULT_SIZES;
  const kindsIn: readonly unknown[] = constraints.kinds ?? ALL_KINDS;
  if (!Array.isArray(kindsIn) || kindsIn.length === 0)
    fail(API, 'constraints.kinds', kindsIn, 'must be a non-empty array', `use a subset of ${JSON.stringify(ALL_KINDS)}`, TypeError);
  const kinds = [...new Set(kindsIn.map((k, i) => oneOf(API, `constraints.kinds[${i}]`, k, ALL_KINDS)))];
  const largestCore = Math.max(...kinds.map((k) => CORE_SIZE[k]));
  const minDim = integerIn(API, 'constraints.minDim', constraints.minDim ?? 1, 1, 1024);
  const maxDim = integerIn(API, 'constraints.maxDim', constraints.maxDim ?? Math.max(sizes.maxWidth, minDim), 1, 1024);
  ordered(API, 'constraints.minDim', minDim, 'constraints.maxDim', maxDim);
  const maxSamples = integerIn(
    API,
    'constraints.maxSamples',
    constraints.maxSamples ?? Math.max(sizes.maxSamples, largestCore),
    largestCore,
    4096,
    `kinds=${JSON.stringify(kinds)} need ${largestCore} core points`,
  );
  const fallbackKind = kinds.find((k) => k !== 'xor');
  if (fallbackKind === undefined && minDim < 2)
    fail(API, 'constraints.minDim', minDim, "must be ≥ 2 when kinds is ['xor'] (XOR needs a plane)", "raise minDim or add 'antipodal' to kinds");
  const bits = integerIn(API, 'constraints.gridBits', constraints.gridBits ?? 4, 1, 12);
  const unit = 2 ** bits;
  // half-side h of the box: maxDim·h² ≤ unit², so ‖x‖ ≤ 1 in every dimension d ≤ maxDim
  let h = Math.floor(unit / Math.sqrt(maxDim));
  while (maxDim * h * h > unit * unit) h--;
  const needed = kinds.includes('xor') ? 2 : 1;
  if (h < needed) fail(API, 'constraints.gridBits', bits, `is too coarse for maxDim=${maxDim} (box half-side ${h}·2^${-bits})`, 'raise gridBits');
  const scale = 1 / unit;

  const coord = fc.integer({ min: -h, max: h });
  const coreVector = fc.record({ lead: fc.integer({ min: -(h - 1), max: h - 1 }), rest: fixedArray(coord, maxDim - 1) });
  const extra = fc.record({ x: fixedArray(coord, maxDim), negative: fc.boolean() });
  const maxExtras = maxSamples - largestCore;

  return fc
    .record({
      extras: fc.array(extra, { minLength: 0, maxLength: maxExtras, size: 'max' }),
      kind: fc.constantFrom(...kinds),
      d: fc.integer({ min: minDim, max: maxDim }),
      position: fc.integer({ min: 0, max: maxExtras }),
      first: coreVector,
      second: coreVector,
      labels: fixedArray(fc.boolean(), 3),
    })
    .map(({ extras, kind: drawn, d, position, first, second, labels }): NonSeparableDataset => {
      const kind: NonSeparableKind = drawn === 'xor' && d < 2 ? (fallbackKind as NonSeparableKind) : drawn;
      const sign = (negative: boolean): 1 | -1 => (negative ? -1 : 1);
      // core points as numerators z (before the 2^−bits scale) with their labels
      const core: { z: number[]; y: 1 | -1; weight?: number }[] = [];
      const z1 = [nonZero(first.lead), ...first.rest].slice(0, d);
      if (kind === 'antipodal') {
        core.push({ z: z1, y: sign(labels[0]) }, { z: z1.map((v) => -v), y: sign(labels[1]) });
      } else if (kind === 'triangle') {
        // same sign in coordinate 0 as z1, so z3 = −(z1 + z2)/2 is non-zero there too
        const z2 = [Math.sign(z1[0]) * (Math.abs(second.lead) + 1), ...second.rest].slice(0, d);
        const z3 = z1.map((v, j) => -(v + z2[j]) / 2);
        // z1 + z2 + 2·z3 = 0
        core.push({ z: z1, y: sign(labels[0]) }, { z: z2, y: sign(labels[1]) }, { z: z3, y: sign(labels[2]), weight: 2 });
      } else {
        // p has p_0 ≠ 0 and q has q_0 = 0, q_1 ≠ 0: p, q independent, no core point is 0;
        // halved ranges keep |p_j ± q_j| ≤ h
        const half = (v: number) => Math.trunc(v / 2);
        const p = [nonZero(half(first.lead)), ...first.rest.map(half)].slice(0, d);
        const q = [0, nonZero(half(second.lead)), ...second.rest.slice(1).map(half)].slice(0, d);
        const plus = p.map((v, j) => v + q[j]);
        const minus = p.map((v, j) => v - q[j]);
        // z = y·x: +(p+q), +(−p−q), −(p−q), −(q−p) sum to 0
        core.push({ z: plus, y: 1 }, { z: plus.map((v) => -v), y: 1 }, { z: minus.map((v) => -v), y: -1 }, { z: minus, y: -1 });
      }
      const at = Math.min(position, extras.length);
      const rows = [
        ...extras.slice(0, at).map((e) => ({ x: e.x.slice(0, d), y: sign(e.negative), weight: 0 })),
        ...core.map((c) => ({ x: c.z.map((v) => c.y * v), y: c.y, weight: c.weight ?? 1 })),
        ...extras.slice(at).map((e) => ({ x: e.x.slice(0, d), y: sign(e.negative), weight: 0 })),
      ];
      return {
        x: rows.map((r) => r.x.map((v) => clean(v * scale))),
        y: rows.map((r) => r.y),
        kind,
        certificate: rows.map((r) => r.weight),
      };
    });
}
