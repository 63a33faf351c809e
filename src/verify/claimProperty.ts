import fc from 'fast-check';
import { expect, TestRunner } from 'vitest';
import { recordClaimRun, type CaughtBy } from '../claims/claimTestMeta.js';
import { ablationLabel } from '../claims/ablationLabel.js';
import { claim } from '../claims/registry.js';
import type { SpecInput } from '../spec/spec.js';
import { CheckFailure, failedCheckOf } from './checkFailure.js';
import { saveCounterexample, savingEnabled, storedExamples } from './counterexampleStore.js';

export interface ClaimRunOptions<Ts> {
  /** numRuns (already scaled by the profile: use runs() from ./profile.js) */
  readonly numRuns: number;
  /** turns a counterexample into a spec `dlncheck train` can replay, when it is a training case */
  readonly toSpec?: (counterexample: Ts) => SpecInput | undefined;
  /** extra examples replayed first (stored counterexamples of this test are added automatically) */
  readonly examples?: Ts[];
  /** names the test within its claim for the counterexample database; default "property" */
  readonly label?: string;
  /** a short class of each generated case (e.g. "L=3"), tallied into the report's distribution column */
  readonly classify?: (value: Ts) => string;
}

/** The property with `observe(value, outcome)` called after each run (shrink attempts included). */
function observed<Ts>(property: fc.IProperty<Ts>, observe: (value: Ts, outcome: unknown) => void): fc.IProperty<Ts> {
  return new Proxy(property, {
    get(target, key) {
      const value = Reflect.get(target, key, target) as unknown;
      if (key === 'run')
        return (v: Ts, ...rest: unknown[]) => {
          const outcome = (value as (...a: unknown[]) => unknown).call(target, v, ...rest);
          observe(v, outcome);
          return outcome;
        };
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/** Counts classify(v) over the values the property runs on (shrink attempts included, which only follow a failure). */
function tallied<Ts>(property: fc.IProperty<Ts>, classify: ((v: Ts) => string) | undefined, counts: Record<string, number>): fc.IProperty<Ts> {
  if (!classify) return property;
  return observed(property, (v) => {
    const c = classify(v);
    counts[c] = (counts[c] ?? 0) + 1;
  });
}

/** Records runs, seed and distribution in the running test's meta for the report (no-op outside vitest). */
function record(details: { numRuns: number; seed: number }, counts: Record<string, number>, expectsCounterexample: boolean, caughtBy?: CaughtBy): void {
  const task = TestRunner.getCurrentTest();
  if (task)
    recordClaimRun(task, {
      runs: details.numRuns,
      seed: details.seed,
      expectsCounterexample,
      ...(Object.keys(counts).length ? { distribution: counts } : {}),
      ...(caughtBy ? { caughtBy } : {}),
    });
}

/**
 * A twin's failed check as the report reads it (test meta, JSON): numbers that JSON cannot carry (an infinite ratio
 * from a zero bound, NaN after divergence) become null or are left out.
 */
function caughtByRecord(error: unknown, expected: readonly string[] | undefined, minRatio: number | undefined): CaughtBy | undefined {
  if (!(error instanceof CheckFailure)) return undefined;
  const ok = (v: number) => Number.isFinite(v);
  return {
    check: error.check,
    ratio: ok(error.ratio) ? error.ratio : null,
    ...(ok(error.observed) ? { observed: error.observed } : {}),
    ...(ok(error.bound) ? { bound: error.bound } : {}),
    ...(expected ? { expected } : {}),
    ...(minRatio !== undefined ? { minRatio } : {}),
  };
}

/** Keeps the largest observed/bound of the wanted checks over every failing evaluation (the run's and the shrink's). */
function watchRatios<Ts>(property: fc.IProperty<Ts>, wanted: readonly string[] | undefined, largest: { ratio: number }): fc.IProperty<Ts> {
  if (!wanted) return property;
  return observed(property, (_v, outcome) => {
    const error = outcome && typeof outcome === 'object' && 'error' in outcome ? (outcome as { error: unknown }).error : undefined;
    if (error instanceof CheckFailure && wanted.includes(error.check) && error.ratio > largest.ratio) largest.ratio = error.ratio;
  });
}

function examplesFor<Ts>(claimId: string, opts: ClaimRunOptions<Ts>): Ts[] {
  return [...storedExamples<Ts>(claimId, opts.label ?? 'property'), ...(opts.examples ?? [])];
}

function store<Ts>(claimId: string, label: string, details: fc.RunDetails<Ts>, toSpec?: (ce: Ts) => SpecInput | undefined): string | null {
  if (!savingEnabled() || !details.failed || details.counterexample === null || details.counterexamplePath === null) return null;
  const spec = toSpec?.(details.counterexample);
  // the registry ablation this label belongs to ("ablation drop=<breaks>…"), longest match first
  const ablation = claim(claimId)
    .ablations.map((a) => a.breaks)
    .sort((a, b) => b.length - a.length)
    .find((b) => label.startsWith(ablationLabel(b)));
  return saveCounterexample({
    claimId,
    label,
    seed: details.seed,
    path: details.counterexamplePath,
    counterexample: details.counterexample,
    ...(spec ? { spec } : {}),
    ...(ablation ? { ablation } : {}),
  });
}

/** The running vitest test's own name (without its describe blocks), when inside a test. */
function currentTest(): string | undefined {
  try {
    const full = expect.getState().currentTestName;
    return full?.split(' > ').pop();
  } catch {
    return undefined;
  }
}

/** The one-line command that replays a failure of a claim's property bit for bit. */
export function replayCommand(claimId: string, seed: number, path: string, test = currentTest()): string {
  const quoted = test ? ` --test '${test.replace(/'/g, "'\\''")}'` : '';
  return `npm run dlncheck -- replay ${claimId} --seed ${seed} --path ${path}${quoted}`;
}

/** Formats a failed run: claim, seed, path, replay command, shrunk counterexample and its spec. */
export function describeFailure<Ts>(claimId: string, details: fc.RunDetails<Ts>, toSpec?: (ce: Ts) => SpecInput | undefined): string {
  const c = claim(claimId);
  const lines = [`${c.id} FAILED (${c.paper}: ${c.statement})`, `  seed: ${details.seed}`, `  path: ${details.counterexamplePath ?? '(none)'}`];
  if (details.counterexamplePath !== null) lines.push(`  replay: ${replayCommand(claimId, details.seed, details.counterexamplePath)}`);
  if (details.failed && details.counterexample !== null) {
    lines.push(`  shrunk ${details.numShrinks} time(s); counterexample:`, `  ${fc.stringify(details.counterexample)}`);
    const spec = toSpec?.(details.counterexample);
    if (spec) lines.push('  as a spec for `dlncheck train --spec -`:', `  ${JSON.stringify(spec)}`);
  }
  if (details.errorInstance) lines.push(`  error: ${details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance)}`);
  if (details.interrupted) lines.push('  run was interrupted');
  return lines.join('\n');
}

/** fast-check parameters for a claim's property: a reporter that names the claim on failure. */
export function claimParameters<Ts>(claimId: string, opts: ClaimRunOptions<Ts>): fc.Parameters<Ts> {
  claim(claimId);
  return {
    numRuns: opts.numRuns,
    examples: examplesFor(claimId, opts),
    reporter(details) {
      if (!details.failed) return;
      const saved = store(claimId, opts.label ?? 'property', details, opts.toSpec);
      throw new Error(describeFailure(claimId, details, opts.toSpec) + (saved ? `\n  saved: ${saved}` : ''));
    },
  };
}

/** Asserts a claim's property holds (fc.assert with the claim reporter). */
export function assertClaim<Ts>(claimId: string, property: fc.IProperty<Ts>, opts: ClaimRunOptions<Ts>): void {
  const counts: Record<string, number> = {};
  const params = claimParameters(claimId, opts);
  const report = params.reporter!;
  fc.assert(tallied(property, opts.classify, counts), {
    ...params,
    reporter(details) {
      record(details, counts, false);
      report(details);
    },
  });
}

export interface FoundCounterexample<Ts> {
  readonly counterexample: Ts;
  readonly seed: number;
  readonly path: string;
  readonly numShrinks: number;
  readonly error: string;
  /** the named check that failed (CheckFailure) and observed/bound, when the property threw one */
  readonly failedCheck: { readonly check: string; readonly ratio: number } | null;
  /** the report printed for the reader */
  readonly report: string;
}

/**
 * For twins and CEX tests: runs the property and requires fast-check to FIND
 * a counterexample; prints the shrunk case and returns it for quality checks.
 */
export function findCounterexample<Ts>(
  claimId: string,
  property: fc.IProperty<Ts>,
  opts: ClaimRunOptions<Ts> & {
    readonly label: string;
    readonly quiet?: boolean;
    /**
     * The check(s) that must catch it: the shrunk counterexample must throw a CheckFailure of one of these names (a
     * twin that fails for another reason — a crash, a different check — has not shown what it claims).
     */
    readonly expectCheck?: string | readonly string[];
    /**
     * The least observed/bound the expected check must show on some failing case (so no twin passes by a hair);
     * default: just > 1. Judged on the largest ratio seen over the run and the shrink, not on the shrunk case alone:
     * shrinking minimises the case, and so walks toward the edge of detection (ratio → 1).
     */
    readonly minRatio?: number;
  },
): FoundCounterexample<Ts> {
  const counts: Record<string, number> = {};
  const wanted = opts.expectCheck === undefined ? undefined : typeof opts.expectCheck === 'string' ? [opts.expectCheck] : opts.expectCheck;
  const largest = { ratio: Number.NEGATIVE_INFINITY };
  const watched = watchRatios(tallied(property, opts.classify, counts), wanted, largest);
  const details = fc.check(watched, { numRuns: opts.numRuns, examples: examplesFor(claimId, opts) });
  record(details, counts, true);
  if (!details.failed || details.counterexample === null || details.counterexamplePath === null)
    throw new Error(
      `${claimId} ${opts.label}: expected fast-check to find a counterexample in ${opts.numRuns} runs (seed ${details.seed}), found none: the property could not fail here`,
    );
  const saved = store(claimId, opts.label, details, opts.toSpec);
  const report =
    describeFailure(claimId, details, opts.toSpec).replace(' FAILED', ` counterexample found (${opts.label})`) + (saved ? `\n  saved: ${saved}` : '');
  if (!opts.quiet) console.log(report);
  const err = details.errorInstance;
  const failed = failedCheckOf(err);
  // recorded before the expectCheck assertions, so a twin caught by the wrong check shows which one in the report
  record(details, counts, true, caughtByRecord(err, wanted, opts.minRatio));
  if (wanted !== undefined) {
    const got = failed
      ? `check "${failed.check}" (observed/bound ${failed.ratio.toPrecision(4)})`
      : `an error that names no check: ${err instanceof Error ? err.message : String(err)}`;
    if (!failed || !wanted.includes(failed.check))
      throw new Error(
        `${claimId} ${opts.label}: expected ${wanted.map((w) => `"${w}"`).join(' or ')} to catch it, but the counterexample failed ${got}\n${report}`,
      );
    const least = opts.minRatio ?? 1;
    if (!(largest.ratio > least))
      throw new Error(
        `${claimId} ${opts.label}: "${failed.check}" caught it by observed/bound ${largest.ratio} at most (shrunk case ${failed.ratio}) ≤ ${least}: too close to call\n${report}`,
      );
  }
  if (failed && !opts.quiet)
    console.log(
      `  caught by "${failed.check}": observed/bound ${failed.ratio.toPrecision(4)} on the shrunk case${wanted ? `, ${largest.ratio.toPrecision(4)} at most` : ''}`,
    );
  return {
    counterexample: details.counterexample,
    seed: details.seed,
    path: details.counterexamplePath,
    numShrinks: details.numShrinks,
    error: err instanceof Error ? err.message : String(err),
    failedCheck: failed,
    report,
  };
}
