/**
 * What a claim's test may record for the report, in vitest's task meta (the
 * JSON reporter copies `meta` into each assertion result):
 *
 *   test('JT.Thm1-rank1 …', ({ task }) => {
 *     …
 *     recordClaimRun(task, { runs: 200, seed, distribution: { 'L=2': 71, 'L=3': 66, 'L=4': 63 } });
 *   });
 */
export interface ClaimTestMeta {
  /** fast-check runs executed */
  readonly runs?: number;
  readonly seed?: number;
  /** counts of generated cases by a label of the test's choosing (depth, loss, n, …) */
  readonly distribution?: Readonly<Record<string, number>>;
  /** true for an ablation/twin/CEX test: it passes when fast-check finds a counterexample */
  readonly expectsCounterexample?: boolean;
  /** a twin's shrunk counterexample failed this named check (CheckFailure), by this much */
  readonly caughtBy?: CaughtBy;
}

/**
 * The named check that caught a twin's fault, as findCounterexample records it. ratio = observed/bound (> 1: violated
 * by that factor); null when it is not a finite number (a zero bound, or a NaN observation after divergence), which
 * JSON could not carry. expected and minRatio are what the twin demanded (findCounterexample's expectCheck, minRatio).
 */
export interface CaughtBy {
  readonly check: string;
  readonly ratio: number | null;
  readonly observed?: number;
  readonly bound?: number;
  readonly expected?: readonly string[];
  readonly minRatio?: number;
}

/** The key under task.meta. */
export const CLAIM_META_KEY = 'dlncheck';

export function recordClaimRun(task: { meta: object }, meta: ClaimTestMeta): void {
  (task.meta as Record<string, unknown>)[CLAIM_META_KEY] = meta;
}

/** Reads the meta back from a JSON reporter assertion result; anything malformed is ignored. */
export function claimMetaOf(meta: unknown): ClaimTestMeta | null {
  if (!meta || typeof meta !== 'object') return null;
  const m = (meta as Record<string, unknown>)[CLAIM_META_KEY];
  if (!m || typeof m !== 'object') return null;
  const o = m as Record<string, unknown>;
  const out: { -readonly [K in keyof ClaimTestMeta]: ClaimTestMeta[K] } = {};
  if (typeof o.runs === 'number' && Number.isFinite(o.runs)) out.runs = o.runs;
  if (typeof o.seed === 'number' && Number.isFinite(o.seed)) out.seed = o.seed;
  if (typeof o.expectsCounterexample === 'boolean') out.expectsCounterexample = o.expectsCounterexample;
  const caught = parseCaughtBy(o.caughtBy);
  if (caught) out.caughtBy = caught;
  if (o.distribution && typeof o.distribution === 'object') {
    const d: Record<string, number> = {};
    for (const [k, v] of Object.entries(o.distribution as Record<string, unknown>)) if (typeof v === 'number' && Number.isFinite(v)) d[k] = v;
    out.distribution = d;
  }
  return out;
}

const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

function parseCaughtBy(raw: unknown): CaughtBy | null {
  if (!raw || typeof raw !== 'object') return null;
  const o = raw as Record<string, unknown>;
  if (typeof o.check !== 'string' || o.check === '') return null;
  if (o.ratio !== null && !finite(o.ratio)) return null;
  const out: { -readonly [K in keyof CaughtBy]: CaughtBy[K] } = { check: o.check, ratio: o.ratio };
  if (finite(o.observed)) out.observed = o.observed;
  if (finite(o.bound)) out.bound = o.bound;
  if (Array.isArray(o.expected) && o.expected.every((e) => typeof e === 'string')) out.expected = o.expected as string[];
  if (finite(o.minRatio)) out.minRatio = o.minRatio;
  return out;
}

/**
 * The check that caught a twin's fault, read back from a JSON reporter assertion result's meta (like regimeOf in
 * src/verify/regime.ts); null when the test recorded none or it is malformed (a malformed optional field is dropped).
 */
export function caughtByOf(meta: unknown): CaughtBy | null {
  if (!meta || typeof meta !== 'object') return null;
  const m = (meta as Record<string, unknown>)[CLAIM_META_KEY];
  return m && typeof m === 'object' ? parseCaughtBy((m as Record<string, unknown>).caughtBy) : null;
}
