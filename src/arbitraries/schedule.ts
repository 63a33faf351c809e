import fc from 'fast-check';
import type { ScheduleSpec } from '../trainer/schedule.js';
import { fail, integerIn, numberWhere, oneOf, ordered, rejectUnknownKeys } from './_internals/constraints.js';
import { dyadicValue, gridNumerators } from './_internals/dyadic.js';
import { stepSizeFor, type StepSizeConstraints } from './stepSize.js';

/** The discrete schedules with free parameters (docs/claims.md, DHL DHL.Lem3.1 uses 'decaying'). */
export type GeneratedSchedule = Extract<ScheduleSpec, { kind: 'constant' } | { kind: 'decaying' }>;
export type GeneratedScheduleKind = GeneratedSchedule['kind'];

export interface ScheduleConstraints {
  /** kinds to draw from, simplest first (default ['constant', 'decaying']); shrinking moves toward the first */
  kinds?: readonly GeneratedScheduleKind[];
  /** η for 'constant', η_0 for 'decaying' */
  eta?: StepSizeConstraints;
  /** δ of η_t = η_0 (t+1)^{−(1/2+δ)}: 0 < minDelta ≤ maxDelta ≤ 1/2 (defaults 1/16, 1/2) */
  minDelta?: number;
  maxDelta?: number;
  /** δ is a multiple of 2^−deltaGridBits (default 8) */
  deltaGridBits?: number;
}

const API = 'schedule';
const KNOWN = ['kinds', 'eta', 'minDelta', 'maxDelta', 'deltaGridBits'] as const;
const ALL_KINDS: readonly GeneratedScheduleKind[] = ['constant', 'decaying'];

/**
 * Step-size schedules as ScheduleSpec values (src/trainer/schedule.ts):
 * { kind: 'constant', eta } or { kind: 'decaying', eta0, delta } with 0 < δ ≤ 1/2.
 * Shrinking moves toward the first kind, smaller steps and smaller round δ.
 */
export function schedule(constraints: ScheduleConstraints = {}): fc.Arbitrary<GeneratedSchedule> {
  rejectUnknownKeys(API, constraints, KNOWN);
  const kindsIn: readonly unknown[] = constraints.kinds ?? ALL_KINDS;
  if (!Array.isArray(kindsIn) || kindsIn.length === 0)
    fail(API, 'constraints.kinds', kindsIn, 'must be a non-empty array', `use a subset of ${JSON.stringify(ALL_KINDS)}`, TypeError);
  const kinds = [...new Set(kindsIn.map((k, i) => oneOf(API, `constraints.kinds[${i}]`, k, ALL_KINDS)))];
  const eta = stepSizeFor(API, 'constraints.eta', constraints.eta ?? {});
  const minDelta = numberWhere(API, 'constraints.minDelta', constraints.minDelta ?? 1 / 16, (v) => v > 0 && v <= 0.5, 'must be in (0, 1/2]');
  const maxDelta = numberWhere(API, 'constraints.maxDelta', constraints.maxDelta ?? 0.5, (v) => v > 0 && v <= 0.5, 'must be in (0, 1/2]');
  ordered(API, 'constraints.minDelta', minDelta, 'constraints.maxDelta', maxDelta);
  const bits = integerIn(API, 'constraints.deltaGridBits', constraints.deltaGridBits ?? 8, 1, 30);
  const delta =
    minDelta === maxDelta
      ? fc.constant(minDelta)
      : (() => {
          const { lo, hi } = gridNumerators(API, minDelta, maxDelta, bits, {
            min: 'constraints.minDelta',
            max: 'constraints.maxDelta',
            bits: 'constraints.deltaGridBits',
          });
          return dyadicValue(lo, hi, bits);
        })();
  const byKind: Record<GeneratedScheduleKind, fc.Arbitrary<GeneratedSchedule>> = {
    constant: eta.map((e): GeneratedSchedule => ({ kind: 'constant', eta: e })),
    decaying: fc.tuple(eta, delta).map(([e, d]): GeneratedSchedule => ({ kind: 'decaying', eta0: e, delta: d })),
  };
  return kinds.length === 1 ? byKind[kinds[0]] : fc.oneof(...kinds.map((k) => byKind[k]));
}
