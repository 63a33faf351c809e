/**
 * Targeted search: push an INEQ check's observed/bound ratio up (fast-check has no `target()`).
 *
 * The search state is a vector of integers — a check's generator parameters (depth, widths, a radius index, angles on
 * a grid, …), each in a closed range — and the objective maps a vector to the check's ratio (the caller decodes the
 * vector into a case and evaluates the check). Seeded hill climbing with restarts:
 * - a restart starts at `start` (the first one, when given) or at a uniformly drawn point;
 * - a move changes one coordinate by ±1 or by ±k, k uniform in [2, maxJump], clamped to its range; with `active`
 *   given, only a coordinate the current point uses is moved (a family whose shape leaves some parameters unused —
 *   entries of layers a shallow net does not have — would otherwise spend its budget on moves that change nothing);
 * - a move is accepted when the ratio rises strictly; after `patience` proposals in a row without a rise the climb
 *   restarts; the search stops after `budget` distinct evaluations (revisited points are not re-evaluated).
 * Everything is drawn from one xoroshiro128+ stream seeded by `seed`, so (seed, parameters, budget, patience, maxJump,
 * start) reproduce the run move for move. The best point is itself a replay: `replayLine` prints it as
 * DLNCHECK_TARGET=<v1,v2,…>, and `replayPoint` reads it back so a property can evaluate that single point.
 *
 * API: targetedSearch(objective, options) → TargetedSearchResult; randomSearch (the same budget of uniform draws, the
 * baseline a targeted search should beat); describePoint; replayLine; replayPoint.
 */
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';

export interface IntegerParameter {
  readonly name: string;
  readonly min: number;
  readonly max: number;
}

export interface SearchOptions {
  readonly seed: number;
  readonly parameters: readonly IntegerParameter[];
  /** distinct objective evaluations in all (default 500) */
  readonly budget?: number;
}

export interface TargetedSearchOptions extends SearchOptions {
  /** proposals in a row without a rise before a restart (default 30) */
  readonly patience?: number;
  /** the largest jump k of a ±k move (default: a quarter of the widest range, at least 2) */
  readonly maxJump?: number;
  /** where the first climb starts (e.g. a replayed or previously best point) */
  readonly start?: readonly number[];
  /** which coordinates the case at a point depends on (default: all); a move changes only those */
  readonly active?: (point: readonly number[]) => readonly boolean[];
}

export interface TargetedSearchResult {
  /** the point with the largest objective (the first found among equals) */
  readonly best: readonly number[];
  readonly value: number;
  /** distinct points evaluated */
  readonly evaluations: number;
  /** the evaluation (1-based) at which `best` was found */
  readonly foundAt: number;
  /** climbs started (1 + restarts); 0 for randomSearch */
  readonly climbs: number;
  /** moves accepted over all climbs */
  readonly accepted: number;
}

function validate(opts: SearchOptions): number {
  const budget = opts.budget ?? 500;
  if (!Number.isInteger(opts.seed)) throw new RangeError(`targetedSearch: seed=${opts.seed} must be an integer`);
  if (!Number.isInteger(budget) || budget < 1) throw new RangeError(`targetedSearch: budget=${budget} must be a positive integer`);
  if (opts.parameters.length === 0) throw new RangeError('targetedSearch: parameters is empty; give at least one integer parameter');
  for (const p of opts.parameters)
    if (!Number.isInteger(p.min) || !Number.isInteger(p.max) || p.min > p.max)
      throw new RangeError(`targetedSearch: parameter ${p.name} has min=${p.min}, max=${p.max}; both must be integers with min ≤ max`);
  return budget;
}

function checkPoint(point: readonly number[], parameters: readonly IntegerParameter[], where: string): void {
  if (point.length !== parameters.length) throw new RangeError(`${where}: has ${point.length} values; the search has ${parameters.length} parameters`);
  point.forEach((v, i) => {
    const p = parameters[i];
    if (!Number.isInteger(v) || v < p.min || v > p.max) throw new RangeError(`${where}: ${p.name}=${v} must be an integer in [${p.min}, ${p.max}]`);
  });
}

/** Evaluates the objective once per distinct point, keeps the best, and stops at the budget. */
class Evaluator {
  private readonly seen = new Map<string, number>();
  best: readonly number[] = [];
  value = Number.NEGATIVE_INFINITY;
  foundAt = 0;

  constructor(
    private readonly objective: (point: readonly number[]) => number,
    readonly budget: number,
  ) {}

  get evaluations(): number {
    return this.seen.size;
  }

  get exhausted(): boolean {
    return this.seen.size >= this.budget;
  }

  /** The objective at point (cached); NaN is an error: a check must produce a number. */
  at(point: readonly number[]): number {
    const key = point.join(',');
    const cached = this.seen.get(key);
    if (cached !== undefined) return cached;
    const v = this.objective(point);
    if (Number.isNaN(v)) throw new RangeError(`targetedSearch: the objective is NaN at [${key}]; a check must produce a number`);
    this.seen.set(key, v);
    if (v > this.value) {
      this.value = v;
      this.best = [...point];
      this.foundAt = this.seen.size;
    }
    return v;
  }
}

function randomPoint(rng: ReturnType<typeof xoroshiro128plus>, parameters: readonly IntegerParameter[]): number[] {
  return parameters.map((p) => uniformInt(rng, p.min, p.max));
}

/** Seeded hill climbing with restarts (see the header). */
export function targetedSearch(objective: (point: readonly number[]) => number, opts: TargetedSearchOptions): TargetedSearchResult {
  const budget = validate(opts);
  const { parameters } = opts;
  const patience = opts.patience ?? 30;
  if (!Number.isInteger(patience) || patience < 1) throw new RangeError(`targetedSearch: patience=${patience} must be a positive integer`);
  const widest = Math.max(...parameters.map((p) => p.max - p.min));
  const maxJump = opts.maxJump ?? Math.max(2, Math.floor(widest / 4));
  if (!Number.isInteger(maxJump) || maxJump < 1) throw new RangeError(`targetedSearch: maxJump=${maxJump} must be a positive integer`);
  if (opts.start) checkPoint(opts.start, parameters, 'targetedSearch: start');
  const rng = xoroshiro128plus(opts.seed);
  const ev = new Evaluator(objective, budget);
  /** the indices a move may change at a point (null: any, the default) */
  const movableOf = (point: readonly number[]): number[] | null => {
    if (!opts.active) return null;
    const mask = opts.active(point);
    if (mask.length !== parameters.length)
      throw new RangeError(`targetedSearch: active() returned ${mask.length} flags at [${point.join(',')}]; the search has ${parameters.length} parameters`);
    return parameters.flatMap((p, i) => (mask[i] && p.min < p.max ? [i] : []));
  };
  let climbs = 0;
  let accepted = 0;
  // a climb whose proposals all revisit cached points costs no budget: bound the proposals too
  let proposals = 0;
  const maxProposals = 20 * budget;
  while (!ev.exhausted && proposals < maxProposals) {
    let current = climbs === 0 && opts.start ? [...opts.start] : randomPoint(rng, parameters);
    climbs++;
    let value = ev.at(current);
    let movable = movableOf(current);
    let stale = 0;
    while (stale < patience && !ev.exhausted && proposals < maxProposals) {
      proposals++;
      if (movable !== null && movable.length === 0) break;
      const i = movable === null ? uniformInt(rng, 0, parameters.length - 1) : movable[uniformInt(rng, 0, movable.length - 1)];
      const p = parameters[i];
      if (p.min === p.max) {
        stale++;
        continue;
      }
      const size = maxJump < 2 || uniformInt(rng, 0, 1) === 0 ? 1 : uniformInt(rng, 2, maxJump);
      const step = uniformInt(rng, 0, 1) === 0 ? -size : size;
      const next = [...current];
      next[i] = Math.min(p.max, Math.max(p.min, current[i] + step));
      if (next[i] === current[i]) {
        stale++;
        continue;
      }
      const v = ev.at(next);
      if (v > value) {
        current = next;
        movable = movableOf(current);
        value = v;
        accepted++;
        stale = 0;
      } else stale++;
    }
  }
  return { best: ev.best, value: ev.value, evaluations: ev.evaluations, foundAt: ev.foundAt, climbs, accepted };
}

/** The baseline: `budget` uniform draws from the same box and seed (duplicates are drawn again, up to 20× budget). */
export function randomSearch(objective: (point: readonly number[]) => number, opts: SearchOptions): TargetedSearchResult {
  const budget = validate(opts);
  const rng = xoroshiro128plus(opts.seed);
  const ev = new Evaluator(objective, budget);
  for (let draws = 0; !ev.exhausted && draws < 20 * budget; draws++) ev.at(randomPoint(rng, opts.parameters));
  return { best: ev.best, value: ev.value, evaluations: ev.evaluations, foundAt: ev.foundAt, climbs: 0, accepted: 0 };
}

/** "L=2 width=3 …" for a point. */
export function describePoint(parameters: readonly IntegerParameter[], point: readonly number[]): string {
  return parameters.map((p, i) => `${p.name}=${point[i]}`).join(' ');
}

/** The environment variable a property reads to evaluate one point instead of searching. */
export const TARGET_ENV = 'DLNCHECK_TARGET';

/**
 * One line: what was found, and how to evaluate exactly that point again (`command`, e.g. the vitest invocation of the
 * test that ran the search, follows the environment variable).
 */
export function replayLine(
  label: string,
  parameters: readonly IntegerParameter[],
  result: TargetedSearchResult,
  opts: TargetedSearchOptions,
  command?: string,
): string {
  return (
    `targeted search ${label}: best ratio ${result.value.toPrecision(4)} at ${describePoint(parameters, result.best)} ` +
    `(evaluation ${result.foundAt} of ${result.evaluations}, ${result.climbs} climbs, seed ${opts.seed}); ` +
    `replay: ${TARGET_ENV}=${result.best.join(',')}${command ? ` ${command}` : ''}`
  );
}

/** The point DLNCHECK_TARGET names (validated against the parameters), or null when it is unset. */
export function replayPoint(parameters: readonly IntegerParameter[], env: NodeJS.ProcessEnv = process.env): number[] | null {
  const raw = env[TARGET_ENV];
  if (raw === undefined || raw === '') return null;
  const parts = raw.split(',');
  const point = parts.map((s) => (/^-?\d+$/.test(s.trim()) ? Number(s) : Number.NaN));
  if (point.some(Number.isNaN))
    throw new RangeError(`${TARGET_ENV}=${raw} must be ${parameters.length} comma-separated integers (printed as "replay:" by the search)`);
  checkPoint(point, parameters, `${TARGET_ENV}=${raw}`);
  return point;
}
