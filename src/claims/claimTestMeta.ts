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
  if (o.distribution && typeof o.distribution === 'object') {
    const d: Record<string, number> = {};
    for (const [k, v] of Object.entries(o.distribution as Record<string, unknown>)) if (typeof v === 'number' && Number.isFinite(v)) d[k] = v;
    out.distribution = d;
  }
  return out;
}
