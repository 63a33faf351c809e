import { failCheck, failedCheckOf } from '../checkFailure.js';

/**
 * The checks a figure's stated trend becomes (docs/claims.md, SR: "each trend stated here is also a check"). A figure's
 * check is a pure function of the numbers its runs produce (a summary), so the property test, its twin and the
 * figure's own caption (`dlncheck reproduce`) judge the same numbers the same way.
 */

/** Fails `check` unless observed ≤ bound (ratio observed/bound > 1 = violated by that factor). */
export function atMost(check: string, observed: number, bound: number, what: string): void {
  if (!(observed <= bound)) failCheck(check, observed, bound, `${what}: ${observed.toPrecision(4)} > ${bound.toPrecision(4)}`);
}

/** Fails `check` unless observed ≥ bound (the CheckFailure carries bound/observed, so its ratio > 1 still means violated). */
export function atLeast(check: string, observed: number, bound: number, what: string): void {
  if (!(observed >= bound)) failCheck(check, bound, observed, `${what}: ${observed.toPrecision(4)} < ${bound.toPrecision(4)}`);
}

/**
 * The caption line of a figure's check: "Check: PASS" or "Check: FAIL [name] …" with observed/bound. Any other error
 * is not a verdict and is rethrown.
 */
export function figureVerdict(id: string, check: () => void): string {
  try {
    check();
    return `Check ${id}: PASS (the stated trend holds in this run).`;
  } catch (e) {
    const failed = failedCheckOf(e);
    if (!failed) throw e;
    return `Check ${id}: FAIL ${(e as Error).message} (observed/bound ${failed.ratio.toPrecision(3)}).`;
  }
}

/** The record whose step is nearest to `step` (records sorted by step, non-empty). */
export function nearestStep<T extends { readonly step: number }>(records: readonly T[], step: number): T {
  if (records.length === 0) throw new RangeError('nearestStep: records is empty; record at least one checkpoint');
  let best = records[0];
  for (const r of records) if (Math.abs(r.step - step) < Math.abs(best.step - step)) best = r;
  return best;
}
