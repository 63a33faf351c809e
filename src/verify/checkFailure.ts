/**
 * A named check that failed, and by how much. Claim properties throw it (via failCheck) instead of a bare Error, so a
 * twin can assert WHICH of a claim's checks caught the fault — not merely that something threw — and report the
 * margin: ratio = observed/bound, > 1 when an upper bound is exceeded (for a lower bound pass observed and bound
 * the other way round, so that ratio > 1 still means "violated by that factor").
 */
export class CheckFailure extends Error {
  constructor(
    /** a short stable name of the check, e.g. "F2-drift", "descent-2nd-order" */
    readonly check: string,
    readonly observed: number,
    readonly bound: number,
    message: string,
  ) {
    super(`[${check}] ${message}`);
    this.name = 'CheckFailure';
  }

  /** observed/bound: how far past the bound the run went (Infinity for a zero bound, NaN if either is NaN). */
  get ratio(): number {
    return this.observed / this.bound;
  }
}

/** Throws a CheckFailure; the message should give the quantities a reader needs to see the violation. */
export function failCheck(check: string, observed: number, bound: number, message: string): never {
  throw new CheckFailure(check, observed, bound, message);
}

/** The check name inside an error thrown by a property (fast-check wraps nothing; vitest may stringify). */
export function failedCheckOf(error: unknown): { check: string; ratio: number } | null {
  if (error instanceof CheckFailure) return { check: error.check, ratio: error.ratio };
  return null;
}

/** The name of the check f fails (f throws a CheckFailure), or null when f passes; any other error is rethrown. */
export function failingCheck(f: () => void): string | null {
  try {
    f();
    return null;
  } catch (e) {
    if (e instanceof CheckFailure) return e.check;
    throw e;
  }
}
