/**
 * The regime, TREND and rate of the JT margin claims (JT.Thm2-margin under gradient flow, JT.Thm4-margin under GD):
 * per checkpoint sin∠(w_prod, ū) and γ(w_prod)/γ̄; per run whether it ended in the regime of the regimes in docs/claims.md
 * (sin∠ ≤ REGIME_SIN and γ/γ̄ ≥ REGIME_MARGIN_RATIO); over runs the pooled Mann–Kendall test that both distances
 * to the limit fall across the in-regime checkpoints, and the fitted rate of sin∠ against the theorem's 1/log t.
 */
import { failCheck } from '../checkFailure.js';
import { RegimeTracker } from '../regime.js';
import { fallingTrend, TREND_LEVEL, type TrendResult } from '../statistics.js';
import { REGIME_MARGIN_RATIO, REGIME_SIN } from './marginRegime.js';

export interface MarginPoint {
  /** step count (GD) or flow time */
  readonly t: number;
  readonly sin: number;
  /** γ(w_prod)/γ̄ */
  readonly marginRatio: number;
}

export function inMarginRegime(p: MarginPoint): boolean {
  return p.sin <= REGIME_SIN && p.marginRatio >= REGIME_MARGIN_RATIO;
}

/** Integer checkpoints first, …, last spaced by 2^{1/perOctave} (rounded, deduplicated), last included. */
export function logCheckpoints(first: number, last: number, perOctave: number): number[] {
  if (!(first >= 1 && last >= first && Number.isInteger(perOctave) && perOctave >= 1))
    throw new RangeError(`logCheckpoints: first=${first}, last=${last}, perOctave=${perOctave} need 1 ≤ first ≤ last and a whole perOctave ≥ 1`);
  const out = new Set<number>();
  for (let j = 0; ; j++) {
    const t = Math.round(first * 2 ** (j / perOctave));
    if (t >= last) break;
    out.add(t);
  }
  out.add(last);
  return [...out];
}

/** Flow times first·2^{j/perOctave} < last, and last. */
export function flowCheckpoints(first: number, last: number, perOctave: number): number[] {
  if (!(first > 0 && last >= first && Number.isInteger(perOctave) && perOctave >= 1))
    throw new RangeError(`flowCheckpoints: first=${first}, last=${last}, perOctave=${perOctave} need 0 < first ≤ last and a whole perOctave ≥ 1`);
  const out: number[] = [];
  for (let j = 0; ; j++) {
    const t = first * 2 ** (j / perOctave);
    if (t >= last * (1 - 1e-12)) break;
    out.push(t);
  }
  out.push(last);
  return out;
}

export const MARGIN_REGIME_TEXT = `sin∠(w_prod, ū) ≤ ${REGIME_SIN} and γ(w_prod)/γ̄ ≥ ${REGIME_MARGIN_RATIO} at the horizon`;

export function marginRegimeTracker(claimId: string): RegimeTracker {
  return new RegimeTracker(claimId, { regime: MARGIN_REGIME_TEXT, closest: 'sin∠(w_prod, ū) at the horizon' });
}

/** Feeds one run to the tracker: reached when its last checkpoint is in the regime; closest = its final sin∠. */
export function recordMarginRun(tracker: RegimeTracker, points: readonly MarginPoint[]): void {
  const last = points[points.length - 1];
  tracker.run(last !== undefined && inMarginRegime(last), last ? last.sin : Number.NaN);
}

/**
 * Records the tracker's summary (RegimeTracker.record) and throws CheckFailure "regime" when fewer than the required
 * share of runs reached it: observed the required share, bound the share reached (a lower bound, so ratio > 1 means
 * violated; ∞ when no run reached it). record = false (twins) leaves the test's meta alone.
 */
export function assertMarginRegime(tracker: RegimeTracker, record = true): void {
  const s = record ? tracker.record() : tracker.summary();
  if (s.runs === 0 || s.share < s.minShare)
    failCheck('regime', s.minShare, s.share, `${tracker.describe()}: too few runs reached the regime, so the limit was not tested where it shows`);
  if (record) tracker.assertReached();
}

/**
 * TREND over all in-regime checkpoints of all runs (pooled Mann–Kendall, src/verify/statistics.ts): sin∠(w_prod, ū)
 * falls, and so does 1 − γ(w_prod)/γ̄. A failure throws CheckFailure "trend-sin" / "trend-margin" with observed the
 * p-value and bound the level.
 */
export function assertMarginTrends(claimId: string, runs: readonly (readonly MarginPoint[])[]): { sin: TrendResult; margin: TrendResult; line: string } {
  const inRegime = runs.map((r) => r.filter(inMarginRegime));
  const sin = fallingTrend(inRegime.map((r) => r.map((p) => p.sin)));
  const margin = fallingTrend(inRegime.map((r) => r.map((p) => 1 - p.marginRatio)));
  const describe = (name: string, r: TrendResult) =>
    `${name}: S=${r.s} over ${r.checkpoints} checkpoints of ${r.runs} runs (${r.fallingRuns} falling), z=${r.z.toFixed(2)}, p=${r.pValue.toExponential(1)}`;
  const line = `${claimId} TREND (pooled Mann–Kendall, level ${TREND_LEVEL}) ${describe('sin∠(w_prod, ū)', sin)}; ${describe('1 − γ/γ̄', margin)}`;
  if (!(sin.pValue <= TREND_LEVEL)) failCheck('trend-sin', sin.pValue, TREND_LEVEL, `${line}: sin∠(w_prod, ū) does not fall over the regime`);
  if (!(margin.pValue <= TREND_LEVEL)) failCheck('trend-margin', margin.pValue, TREND_LEVEL, `${line}: γ(w_prod)/γ̄ does not rise toward 1 over the regime`);
  return { sin, margin, line };
}

/**
 * The fitted rate: per run, the least-squares slope of ln sin∠ against ln ln t over its in-regime checkpoints with
 * t > e (at least 3 of them); the theorem's rate sin∠ = O(1/ln t) is slope −1 (a slope below −1 is faster).
 * Returns the median slope and how many runs had enough points (NaN when none).
 */
export function fittedRate(runs: readonly (readonly MarginPoint[])[]): { median: number; runs: number } {
  const slopes: number[] = [];
  for (const r of runs) {
    const pts = r.filter((p) => inMarginRegime(p) && p.t > Math.E && p.sin > 0);
    if (pts.length < 3) continue;
    const xs = pts.map((p) => Math.log(Math.log(p.t)));
    const ys = pts.map((p) => Math.log(p.sin));
    const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
    const my = ys.reduce((a, b) => a + b, 0) / ys.length;
    let sxy = 0;
    let sxx = 0;
    for (let i = 0; i < xs.length; i++) {
      sxy += (xs[i] - mx) * (ys[i] - my);
      sxx += (xs[i] - mx) ** 2;
    }
    if (sxx > 0) slopes.push(sxy / sxx);
  }
  if (!slopes.length) return { median: Number.NaN, runs: 0 };
  slopes.sort((a, b) => a - b);
  const m = slopes.length >> 1;
  return { median: slopes.length % 2 ? slopes[m] : (slopes[m - 1] + slopes[m]) / 2, runs: slopes.length };
}
