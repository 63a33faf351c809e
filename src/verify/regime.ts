import { TestRunner } from 'vitest';
import { binomialUpperTail } from './statistics.js';

/**
 * The regime of a trajectory claim (the regimes in docs/claims.md): the state in which its bound is informative. A property feeds one
 * observation per run — did the run reach the regime, and how close did it get — and the worst observed/bound ratio
 * of each inequality it checks (its tightness). At the end it asserts that a stated share of runs reached the regime,
 * and records everything in the test's meta for the report and claims.json.
 */
export interface RegimeSpec {
  /** what reaching the regime means, e.g. "(D + 4S(t))/‖W_k(t)‖_F² ≤ 0.1 for every layer with both dims ≥ 2" */
  readonly regime: string;
  /** the quantity the runs report as their closest approach, e.g. "max_k (D + 4S)/‖W_k‖_F² at the horizon" */
  readonly closest: string;
  /** the share of runs that must reach it (default 0.8, the regimes in docs/claims.md) */
  readonly minShare?: number;
}

export interface RegimeSummary {
  readonly regime: string;
  readonly runs: number;
  readonly reached: number;
  readonly share: number;
  readonly minShare: number;
  readonly closest: { readonly name: string; readonly median: number; readonly best: number } | null;
  /** worst observed/bound per named inequality (1 = binding) */
  readonly tightness: Readonly<Record<string, number>>;
}

/** The level of the one-sided test that the required share of runs reaches the regime. */
export const REGIME_LEVEL = 0.01;

/** P(Bin(runs, share) ≤ reached): how likely so few runs reach the regime if the share of cases that do is `share`. */
export function shareLowerTail(runs: number, reached: number, share: number): number {
  if (share === 1) return reached === runs ? 1 : 0;
  // P(X ≤ r | p) = P(runs − X ≥ runs − r | 1 − p)
  return binomialUpperTail(runs, 1 - share, runs - reached);
}

/** The key under vitest's task meta. */
export const REGIME_META_KEY = 'dlncheckRegime';

function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export class RegimeTracker {
  private reachedRuns = 0;
  private readonly closestValues: number[] = [];
  private readonly worst: Record<string, number> = {};

  constructor(
    readonly claimId: string,
    private readonly spec: RegimeSpec,
  ) {
    const s = spec.minShare ?? 0.8;
    if (!(s > 0 && s <= 1)) throw new RangeError(`RegimeTracker(${claimId}): minShare=${s} must be in (0, 1]`);
  }

  /** One run: whether it reached the regime, and its closest value (smaller is closer; NaN if not measured). */
  run(reached: boolean, closest: number): void {
    if (reached) this.reachedRuns++;
    this.closestValues.push(closest);
  }

  /** Keeps the worst observed/bound ratio of one inequality. */
  tightness(check: string, ratio: number): void {
    if (Number.isNaN(ratio)) throw new RangeError(`${this.claimId} tightness(${check}): ratio=NaN; a check must produce a number`);
    this.worst[check] = Math.max(this.worst[check] ?? Number.NEGATIVE_INFINITY, ratio);
  }

  summary(): RegimeSummary {
    const runs = this.closestValues.length;
    const finite = this.closestValues.filter((v) => Number.isFinite(v));
    const minShare = this.spec.minShare ?? 0.8;
    return {
      regime: this.spec.regime,
      runs,
      reached: this.reachedRuns,
      share: runs ? this.reachedRuns / runs : 0,
      minShare,
      closest: finite.length ? { name: this.spec.closest, median: median(finite), best: Math.min(...finite) } : null,
      tightness: { ...this.worst },
    };
  }

  /** One line for logs and failures. */
  describe(): string {
    const s = this.summary();
    const pct = (x: number) => `${Math.round(100 * x)} %`;
    const closest = s.closest ? `; ${s.closest.name}: median ${s.closest.median.toPrecision(3)}, best ${s.closest.best.toPrecision(3)}` : '';
    const tight = Object.entries(s.tightness)
      .map(([k, v]) => `${k} ${v.toPrecision(3)}`)
      .join(', ');
    return `${this.claimId} regime ${s.regime}: ${s.reached}/${s.runs} runs (${pct(s.share)}, required ${pct(s.minShare)})${closest}${tight ? `; worst observed/bound: ${tight}` : ''}`;
  }

  /** Records the summary in the running test's meta (no-op outside vitest). */
  record(): RegimeSummary {
    const s = this.summary();
    const task = TestRunner.getCurrentTest();
    if (task) (task.meta as Record<string, unknown>)[REGIME_META_KEY] = s;
    return s;
  }

  /**
   * Records, then throws when the runs show that fewer than the required share of cases reach the regime: the
   * one-sided binomial test of "share ≥ minShare" at REGIME_LEVEL, P(Bin(runs, minShare) ≤ reached) < 1 %. The share
   * is a property of the drawn cases, so a count a little under it by chance (23/30 against 80 %: P = 0.39) is not
   * evidence against it; 17/30 (P = 0.003) is; a true share of 50 % fails 30 runs with probability 0.90 (P(Bin(30, 0.5) ≤ 18), the power).
   */
  assertReached(): RegimeSummary {
    const s = this.record();
    if (s.runs === 0) throw new Error(`${this.claimId}: no run was observed; the regime share cannot be judged`);
    const p = shareLowerTail(s.runs, s.reached, s.minShare);
    if (p < REGIME_LEVEL)
      throw new Error(
        `${this.describe()}: too few runs reached the regime (P(Bin(${s.runs}, ${s.minShare}) ≤ ${s.reached}) = ${p.toPrecision(2)} < ${REGIME_LEVEL}), so the bound was not tested where it binds; lengthen the horizon or draw cases the theorem allows to get there faster`,
      );
    return s;
  }
}

/** Reads a regime summary back from a JSON reporter assertion result's meta; anything malformed gives null. */
export function regimeOf(meta: unknown): RegimeSummary | null {
  if (!meta || typeof meta !== 'object') return null;
  const m = (meta as Record<string, unknown>)[REGIME_META_KEY];
  if (!m || typeof m !== 'object') return null;
  const o = m as Record<string, unknown>;
  const num = (v: unknown) => typeof v === 'number' && Number.isFinite(v);
  if (typeof o.regime !== 'string' || !num(o.runs) || !num(o.reached) || !num(o.share) || !num(o.minShare)) return null;
  const tightness: Record<string, number> = {};
  if (o.tightness && typeof o.tightness === 'object') for (const [k, v] of Object.entries(o.tightness)) if (typeof v === 'number') tightness[k] = v;
  const c = o.closest as Record<string, unknown> | null | undefined;
  const closest = c && typeof c.name === 'string' && num(c.median) && num(c.best) ? { name: c.name, median: c.median as number, best: c.best as number } : null;
  return {
    regime: o.regime,
    runs: o.runs as number,
    reached: o.reached as number,
    share: o.share as number,
    minShare: o.minShare as number,
    closest,
    tightness,
  };
}
