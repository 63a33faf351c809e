/**
 * The statistics of the claim checks. TREND: a quantity's direction across geometric checkpoints, judged per run and
 * accepted over runs by a one-sided sign test (a single run's direction is not a theorem at a finite horizon).
 * STAT: N independent draws and a one-sided binomial test.
 */
import fc from 'fast-check';
import { expect } from 'vitest';

/**
 * The TREND verdict of one run: between the first checkpoint of the asymptotic regime (R < ℓ(0)/n: every point
 * classified, where JT's arguments start) and the last checkpoint, did the quantity move toward its limit?
 * Runs with fewer than MIN_REGIME_CHECKPOINTS regime checkpoints (three doublings) are inconclusive.
 */
export const MIN_REGIME_CHECKPOINTS = 4;

export type TrendVerdict = 'toward' | 'away' | 'inconclusive';

export function trendVerdict(points: readonly { inRegime: boolean; value: number }[], resolution: number): TrendVerdict {
  const reg = points.filter((p) => p.inRegime);
  if (reg.length < MIN_REGIME_CHECKPOINTS) return 'inconclusive';
  const first = reg[0].value;
  const last = reg[reg.length - 1].value;
  // a quantity already at its limit to rounding at the regime's start has no direction to show
  if (first <= resolution) return 'inconclusive';
  return last < first ? 'toward' : 'away';
}

/**
 * One-sided sign test at level 0.01: the smallest k with P(Bin(N, 1/2) ≥ k) ≤ 0.01. A TREND over N conclusive runs
 * is accepted when at least k of them moved toward the limit, i.e. when "toward" and "away" being equally likely
 * is rejected. (Per run the direction is not a theorem at a finite horizon: see the report in JT.Thm4-margin.)
 */
export function signTestThreshold(N: number, level = 0.01): number {
  let tail = 0;
  const pmf: number[] = [];
  for (let k = 0; k <= N; k++) pmf.push(Math.exp(lgammaInt(N + 1) - lgammaInt(k + 1) - lgammaInt(N - k + 1) - N * Math.LN2));
  for (let k = N; k >= 0; k--) {
    tail += pmf[k];
    if (tail > level) return k + 1;
  }
  return 0;
}

/** log((m − 1)!) for integer m ≥ 1. */
export function lgammaInt(m: number): number {
  let s = 0;
  for (let i = 2; i < m; i++) s += Math.log(i);
  return s;
}

export function assertTrend(claimId: string, label: string, verdicts: readonly TrendVerdict[]): string {
  const toward = verdicts.filter((v) => v === 'toward').length;
  const away = verdicts.filter((v) => v === 'away').length;
  const N = toward + away;
  const k = signTestThreshold(N);
  const line = `${claimId} TREND ${label}: ${toward}/${N} conclusive runs toward the limit (${away} away, ${verdicts.length - N} inconclusive); sign test needs ≥ ${k}`;
  expect(N, `${line}: too few conclusive runs to judge a TREND; lengthen the horizon`).toBeGreaterThanOrEqual(8);
  expect(toward, line).toBeGreaterThanOrEqual(k);
  return line;
}

// ---------------------------------------------------------------- STAT: N independent draws, one-sided binomial test

/** P(Bin(n, p) ≥ k), summed in log space (p^n underflows for n in the thousands). */
export function binomialUpperTail(n: number, p: number, k: number): number {
  if (k <= 0) return 1;
  if (k > n) return 0;
  const logs: number[] = [];
  let lp = n * Math.log1p(-p);
  for (let j = 0; j <= n; j++) {
    if (j >= k) logs.push(lp);
    lp += Math.log((n - j) / (j + 1)) + Math.log(p) - Math.log1p(-p);
  }
  const top = Math.max(...logs);
  return Math.exp(top) * logs.reduce((s, l) => s + Math.exp(l - top), 0);
}

export interface StatOutcome {
  readonly draws: number;
  readonly failures: number;
  /** P(Bin(draws, 1 − claimed) ≥ failures): small means more failures than the claim allows */
  readonly pValue: number;
}

/**
 * A STAT check as a fast-check property over the experiment's seed: the N draws
 * come from fc.sample(arbitrary, { seed }), so a failure replays from one seed.
 * The claim "the event holds with probability ≥ claimed" is rejected when the
 * failure count is improbably large: P(Bin(N, 1 − claimed) ≥ failures) < level.
 */
export function statExperiment<T>(init: fc.Arbitrary<T>, draws: number, claimed: number, event: (draw: T) => boolean): (seed: number) => StatOutcome {
  return (seed) => {
    let failures = 0;
    for (const draw of fc.sample(init, { seed, numRuns: draws })) if (!event(draw)) failures++;
    return { draws, failures, pValue: binomialUpperTail(draws, 1 - claimed, failures) };
  };
}

export const seedArbitrary = fc.integer({ min: 0, max: 2 ** 31 - 1 });
