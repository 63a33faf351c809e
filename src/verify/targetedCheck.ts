/**
 * One INEQ check under a targeted search (issue 13 item 6): seeded hill climbing (targetedSearch) over a case family's
 * integer parameters to push the check's observed/bound up, the bound asserted at every point evaluated, and the
 * largest ratio found recorded for the report.
 *
 * - The objective evaluates the check at the case a point names and returns observed/bound; a violation throws (a
 *   CheckFailure from failCheck). Thrown errors are extended with the search seed, the point (the "path" of the search:
 *   DLNCHECK_TARGET=<point> replays exactly that case), the evaluation number and the caller's description of the case.
 * - Several seeds (independent searches) run in turn; each prints its replayLine.
 * - With DLNCHECK_TARGET set, only that point is evaluated (one evaluation, one search).
 * - The largest ratio is recorded in the test's meta through a RegimeTracker under the key `targeted: <check>`, so the
 *   report's tightness column shows "targeted: <check> r" beside the drawn cases' worst "<check> r" (and lists it as
 *   loose below 0.1, like any other ratio: a bound no search brings within 10× of binding is loose wherever the
 *   search looked). The tracker's regime for a search is that it climbed: its best case is strictly tighter than the
 *   case it started from (a search that never improves on its random start is not targeting anything); its closest
 *   value is the looseness bound/observed at the best case.
 *
 * API: targetedCheckName(check); runTargetedCheck(options) → TargetedCheckResult.
 */
import { RegimeTracker, type RegimeSummary } from './regime.js';
import {
  describePoint,
  replayLine,
  replayPoint,
  TARGET_ENV,
  targetedSearch,
  type IntegerParameter,
  type TargetedSearchOptions,
  type TargetedSearchResult,
} from './targetedSearch.js';

/** The tightness key of a check's targeted-search ratio (the drawn cases record the plain check name). */
export function targetedCheckName(check: string): string {
  return `targeted: ${check}`;
}

export interface TargetedCheckOptions {
  readonly claimId: string;
  /** the check's stable name (as failCheck names it) */
  readonly check: string;
  readonly parameters: readonly IntegerParameter[];
  /** observed/bound at the case the point names (−Infinity: the point names no case); throws on a violation */
  readonly objective: (point: readonly number[]) => number;
  /** one search per seed */
  readonly seeds: readonly number[];
  /** distinct evaluations per search */
  readonly budget: number;
  readonly patience?: number;
  readonly maxJump?: number;
  /** the coordinates the case at a point depends on (targetedSearch's `active`) */
  readonly active?: (point: readonly number[]) => readonly boolean[];
  /** the command that reruns this test (printed after DLNCHECK_TARGET=… in replay lines) */
  readonly command: string;
  /** the case a point names, for failure messages (e.g. its spec as JSON) */
  readonly describeCase?: (point: readonly number[]) => string;
  /** the environment (DLNCHECK_TARGET); default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /** where the replay lines go (default console.log) */
  readonly log?: (line: string) => void;
}

export interface TargetedCheckResult {
  /** one result per search run (one when replaying) */
  readonly searches: readonly TargetedSearchResult[];
  /** the largest observed/bound over all searches, and where */
  readonly best: { readonly value: number; readonly point: readonly number[]; readonly seed: number };
  /** distinct evaluations over all searches */
  readonly evaluations: number;
  readonly summary: RegimeSummary;
}

export function runTargetedCheck(o: TargetedCheckOptions): TargetedCheckResult {
  if (o.seeds.length === 0) throw new RangeError(`runTargetedCheck(${o.claimId} ${o.check}): seeds is empty; give at least one search seed`);
  const log = o.log ?? ((line: string) => console.log(line));
  const replay = replayPoint(o.parameters, o.env);
  const label = `${o.claimId} ${o.check}`;
  const tracker = new RegimeTracker(o.claimId, {
    regime: `targeted search of ${o.check}: each seeded search climbs (its best case is tighter than the case it started from)`,
    closest: `looseness bound/observed of ${o.check} at the search's best case`,
    minShare: 1,
  });
  const searches: TargetedSearchResult[] = [];
  let best = { value: Number.NEGATIVE_INFINITY, point: [] as readonly number[], seed: o.seeds[0] };
  let evaluations = 0;
  for (const seed of replay ? o.seeds.slice(0, 1) : o.seeds) {
    let evaluation = 0;
    let first = Number.NaN;
    const objective = (p: readonly number[]): number => {
      evaluation++;
      try {
        const v = o.objective(p);
        if (evaluation === 1) first = v;
        return v;
      } catch (e) {
        if (e instanceof Error) {
          let described = '';
          try {
            described = o.describeCase ? `\n  case: ${o.describeCase(p)}` : '';
          } catch {
            described = '';
          }
          e.message +=
            `\n  ${label}: targeted search seed ${seed}, evaluation ${evaluation}, at ${describePoint(o.parameters, p)}` +
            `\n  replay: ${TARGET_ENV}=${p.join(',')} ${o.command}${described}`;
        }
        throw e;
      }
    };
    const opts: TargetedSearchOptions = {
      seed,
      parameters: o.parameters,
      budget: replay ? 1 : o.budget,
      ...(o.patience === undefined ? {} : { patience: o.patience }),
      ...(o.maxJump === undefined ? {} : { maxJump: o.maxJump }),
      ...(o.active === undefined ? {} : { active: o.active }),
      ...(replay ? { start: replay } : {}),
    };
    const found = targetedSearch(objective, opts);
    searches.push(found);
    evaluations += found.evaluations;
    log(replayLine(label, o.parameters, found, opts, o.command));
    if (found.value > best.value) best = { value: found.value, point: found.best, seed };
    // a replay evaluates one point: there is nothing to climb
    tracker.run(replay !== null || found.value > first, found.value > 0 ? 1 / found.value : Number.POSITIVE_INFINITY);
    if (Number.isFinite(found.value)) tracker.tightness(targetedCheckName(o.check), found.value);
  }
  const summary = tracker.record();
  log(tracker.describe());
  return { searches, best, evaluations, summary };
}
