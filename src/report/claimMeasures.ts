import type { CaughtBy } from '../claims/claimTestMeta.js';
import type { Claim } from '../claims/registry.js';
import { powerMetrics, type PowerCell } from '../verify/power.js';
import type { RegimeSummary } from '../verify/regime.js';
import type { ClaimTest, TestStatus } from './vitestResults.js';

/**
 * What the report measures of a claim beyond its verdict (issue 13): whether its runs reached the regime where its
 * bound is informative, how tight each inequality came to binding, which check caught each twin's fault and by how
 * much, and its row of the power matrix. Everything here is read from what the tests recorded in their meta
 * (RegimeTracker, findCounterexample) and from `dlncheck power`'s file: nothing is estimated or filled in.
 */

/** One test's RegimeTracker summary. */
export interface RegimeView {
  readonly test: string;
  readonly status: TestStatus;
  readonly summary: RegimeSummary;
}

/**
 * A claim's regime: the registry's statement of it and what the tests measured. null for a claim that neither states
 * nor measures one and has only EXACT or CEX checks (an identity or a counterexample has no regime).
 */
export interface ClaimRegime {
  /** the registry's regime text, null when the claim states none yet */
  readonly stated: string | null;
  /** one entry per test that ran a RegimeTracker; empty: "regime not measured" */
  readonly measured: readonly RegimeView[];
}

/** A twin (a test expecting a counterexample) whose shrunk counterexample failed a named check. */
export interface TwinView {
  readonly test: string;
  readonly status: TestStatus;
  readonly caughtBy: CaughtBy;
}

/** An inequality whose worst observed/bound stayed below LOOSE_RATIO over every run: it never came near binding. */
export interface LooseBound {
  readonly claimId: string;
  readonly check: string;
  readonly ratio: number;
}

/** Below this worst observed/bound a bound is listed as loose (more than 10× away from binding: such a bound checks little). */
export const LOOSE_RATIO = 0.1;

const TRAJECTORY_CHECKS = new Set(['INEQ', 'MONO', 'STAT', 'TREND']);

export function claimRegime(c: Claim, tests: readonly ClaimTest[]): ClaimRegime | null {
  // the regime is the main property's: a twin or ablation that ran a tracker on a broken trainer says nothing about it
  const measured = tests
    .filter((t): t is ClaimTest & { regime: RegimeSummary } => t.regime !== null && !t.expectsCounterexample)
    .map((t) => ({ test: t.title, status: t.status, summary: t.regime }));
  const stated = c.regime ?? null;
  if (measured.length === 0 && stated === null && !c.checks.some((k) => TRAJECTORY_CHECKS.has(k))) return null;
  return { stated, measured };
}

/** The worst observed/bound per named inequality over all of a claim's measured tests. */
export function worstTightness(regime: ClaimRegime | null): Record<string, number> {
  const out: Record<string, number> = {};
  for (const m of regime?.measured ?? [])
    for (const [check, ratio] of Object.entries(m.summary.tightness)) out[check] = Math.max(out[check] ?? Number.NEGATIVE_INFINITY, ratio);
  return out;
}

export function twinsOf(tests: readonly ClaimTest[]): TwinView[] {
  return tests.flatMap((t) => (t.meta?.caughtBy ? [{ test: t.title, status: t.status, caughtBy: t.meta.caughtBy }] : []));
}

export function looseBounds(claimId: string, tightness: Readonly<Record<string, number>>): LooseBound[] {
  return Object.entries(tightness)
    .filter(([, ratio]) => ratio < LOOSE_RATIO)
    .map(([check, ratio]) => ({ claimId, check, ratio }));
}

/**
 * The claim's numbers for claims.json's `metrics` map, which `report --compare` compares between a base and a head run
 * (src/report/compare.ts names the thresholds):
 * - regimeShare: the least share of runs in the regime over the claim's measured tests; closestMedian: the median
 *   closest value, when a single test measures the regime (two tests' closest values are different quantities);
 * - tightnessRatio:<check>: worst observed/bound of each inequality;
 * - twinRatio:<check>: the least observed/bound by which that check caught a twin's fault;
 * - power, power:<fault>: from the power matrix (powerMetrics).
 */
export function claimMetrics(
  regime: ClaimRegime | null,
  tightness: Readonly<Record<string, number>>,
  twins: readonly TwinView[],
  power: Readonly<Record<string, PowerCell>> | null,
): Record<string, number> {
  const out: Record<string, number> = {};
  const measured = regime?.measured ?? [];
  if (measured.length > 0) out.regimeShare = Math.min(...measured.map((m) => m.summary.share));
  if (measured.length === 1 && measured[0].summary.closest) out.closestMedian = measured[0].summary.closest.median;
  for (const [check, ratio] of Object.entries(tightness)) if (Number.isFinite(ratio)) out[`tightnessRatio:${check}`] = ratio;
  for (const t of twins) {
    const r = t.caughtBy.ratio;
    if (r === null) continue;
    const key = `twinRatio:${t.caughtBy.check}`;
    out[key] = Math.min(out[key] ?? Number.POSITIVE_INFINITY, r);
  }
  if (power) Object.assign(out, powerMetrics(power));
  return out;
}
