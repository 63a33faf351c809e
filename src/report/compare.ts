/**
 * `dlncheck report --compare BASE`: what a change did to the claims, as
 * Markdown for a pull request's job summary. Both sides are claims.json files
 * as writeReport writes them; only the fields read here are required, so a
 * base written by an older dlncheck still compares.
 *
 * Read per claim row: `id`, `verdict`, and when present `runs`, `tests`
 * (`title`, `status`), `counterexamples` (`file`, `expected`, `case.label`)
 * and `metrics`, a map of metric name → number (regime share, tightness ratio,
 * power, … whatever later claims record). Metrics are compared only where the
 * base and the head both carry them.
 */

/** The part of a claims.json row the comparison reads. */
export interface CompareRow {
  readonly id: string;
  readonly verdict: string;
  readonly runs: number | null;
  readonly tests: readonly { readonly title: string; readonly status: string }[];
  readonly counterexamples: readonly { readonly file: string; readonly expected: boolean; readonly label: string }[];
  readonly metrics: Readonly<Record<string, number>>;
}

export interface CompareInput {
  readonly rows: readonly CompareRow[];
}

/**
 * When a metric's change is worth a line. absolute: |head − base| ≥ value;
 * relative: |head − base| ≥ value·|base| (any change at all when value is 0).
 */
export interface MetricThreshold {
  readonly kind: 'absolute' | 'relative';
  readonly value: number;
}

/**
 * Defaults, by metric name, or by its family, the part before the first ':' (tightnessRatio:F2-drift → tightnessRatio);
 * claims.json rows carry them in `metrics` (src/report/claimMeasures.ts, claimMetrics):
 * - regimeShare, power: shares of a claim's fast-check runs (regimeShare) or of the faults it was run against (power,
 *   and power:<fault>, 1 detected / 0 missed), compared on an absolute scale. A share p estimated from n runs has
 *   standard error √(p(1−p)/n) ≤ 0.5/√n, which is 0.05 at the default profile's typical n = 100; a change that moves
 *   what is generated shifts a share by about that much by resampling alone, so only |Δ| ≥ 0.05 is listed. A power
 *   cell moves by 1, always listed.
 * - tightnessRatio:<check>: the worst observed/bound of an inequality, compared relatively: ≥ 10 %.
 * - runs: the claim's fast-check run count (summed over its tests); it only changes when someone edits a numRuns or a
 *   profile, so every change is listed — a quietly lowered run count is exactly what a reviewer must see. Compared
 *   only when the verdict did not change (a failing property stops at its counterexample, after fewer runs).
 * - any other metric (closestMedian, twinRatio:<check>, …): relative change ≥ 10 % (OTHER_METRIC_THRESHOLD).
 */
export const DEFAULT_THRESHOLDS: Readonly<Record<string, MetricThreshold>> = {
  regimeShare: { kind: 'absolute', value: 0.05 },
  power: { kind: 'absolute', value: 0.05 },
  tightnessRatio: { kind: 'relative', value: 0.1 },
  runs: { kind: 'relative', value: 0 },
};

export const OTHER_METRIC_THRESHOLD: MetricThreshold = { kind: 'relative', value: 0.1 };

/**
 * The threshold of a metric: its own entry, else its family's (the name before the first ':'), in the given
 * thresholds, then in the defaults; else OTHER_METRIC_THRESHOLD.
 */
export function thresholdOf(metric: string, thresholds: Readonly<Record<string, MetricThreshold>> = DEFAULT_THRESHOLDS): MetricThreshold {
  const family = metric.split(':')[0];
  return thresholds[metric] ?? thresholds[family] ?? DEFAULT_THRESHOLDS[metric] ?? DEFAULT_THRESHOLDS[family] ?? OTHER_METRIC_THRESHOLD;
}

/**
 * `--threshold power=0.1 tightnessRatio=20%` on top of the defaults: a bare number is an absolute change, a percentage
 * one relative to the base value. A name is a metric or a family (`tightnessRatio`), or one metric of it
 * (`tightnessRatio:F2-drift=5%`).
 */
export function parseThresholds(specs: readonly string[]): Record<string, MetricThreshold> {
  const out: Record<string, MetricThreshold> = { ...DEFAULT_THRESHOLDS };
  for (const s of specs) {
    const m = /^([A-Za-z_][\w.:-]*)=(\d+(?:\.\d+)?)(%?)$/.exec(s);
    if (!m)
      throw new RangeError(
        `report: --threshold=${s} must be name=number (absolute change) or name=number% (relative to the base); e.g. power=0.05 or tightnessRatio=10%`,
      );
    out[m[1]] = m[3] === '%' ? { kind: 'relative', value: Number(m[2]) / 100 } : { kind: 'absolute', value: Number(m[2]) };
  }
  return out;
}

/** Verdicts that make the suite fail, and those that mean the claim was checked and held (see verdict.ts). */
const FAILING = new Set(['counterexample found', 'expected counterexample not found']);
const PASSING = new Set(['verified', 'expected counterexample found (ablation)']);

export type ChangeKind = 'regression' | 'no longer checked' | 'changed' | 'fixed';
const KIND_ORDER: readonly ChangeKind[] = ['regression', 'no longer checked', 'changed', 'fixed'];

export interface VerdictChange {
  readonly id: string;
  /** null: the claim is not in the base (new in the registry) */
  readonly base: string | null;
  readonly head: string;
  readonly kind: ChangeKind;
}

export interface MetricChange {
  readonly id: string;
  readonly metric: string;
  readonly base: number;
  readonly head: number;
  readonly threshold: MetricThreshold;
}

/** A metric the base measured that the head no longer reports (a tracker removed, a check renamed, a power run missing). */
export interface MetricDropped {
  readonly id: string;
  readonly metric: string;
  readonly base: number;
}

export interface Comparison {
  /** regressions first, then claims no longer checked, other changes, fixes; by claim ID within each */
  readonly verdicts: readonly VerdictChange[];
  readonly regressions: number;
  readonly newCounterexamples: readonly { readonly id: string; readonly file: string; readonly expected: boolean; readonly label: string }[];
  readonly vanishedCounterexamples: readonly { readonly id: string; readonly file: string; readonly expected: boolean; readonly label: string }[];
  readonly testsAdded: readonly { readonly id: string; readonly title: string }[];
  readonly testsRemoved: readonly { readonly id: string; readonly title: string }[];
  readonly testStatusChanges: readonly { readonly id: string; readonly title: string; readonly base: string; readonly head: string }[];
  readonly claimsAdded: readonly string[];
  readonly claimsRemoved: readonly string[];
  readonly metrics: readonly MetricChange[];
  readonly metricsDropped: readonly MetricDropped[];
}

function classify(base: string | null, head: string): ChangeKind {
  if (FAILING.has(head) && (base === null || !FAILING.has(base))) return 'regression';
  if (base !== null && PASSING.has(base) && (head === 'not run' || (base === 'verified' && head !== 'verified' && !FAILING.has(head))))
    return 'no longer checked';
  if (base !== null && FAILING.has(base) && PASSING.has(head)) return 'fixed';
  return 'changed';
}

/** Whether a metric moved by at least its threshold. */
export function beyondThreshold(base: number, head: number, t: MetricThreshold): boolean {
  const delta = Math.abs(head - base);
  if (delta === 0) return false;
  return t.kind === 'absolute' ? delta >= t.value : delta >= t.value * Math.abs(base);
}

function byId<T extends { id: string }>(a: T, b: T): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** The comparison of a head run's claims with a base run's. */
export function compareClaims(base: CompareInput, head: CompareInput, thresholds: Readonly<Record<string, MetricThreshold>> = DEFAULT_THRESHOLDS): Comparison {
  const baseRows = new Map(base.rows.map((r) => [r.id, r]));
  const headRows = new Map(head.rows.map((r) => [r.id, r]));
  const verdicts: VerdictChange[] = [];
  const metrics: MetricChange[] = [];
  const metricsDropped: MetricDropped[] = [];
  const testsAdded: { id: string; title: string }[] = [];
  const testsRemoved: { id: string; title: string }[] = [];
  const testStatusChanges: { id: string; title: string; base: string; head: string }[] = [];
  type Cex = { id: string; file: string; expected: boolean; label: string };
  const cexOf = (rows: readonly CompareRow[]): Map<string, Cex> =>
    new Map(rows.flatMap((r) => r.counterexamples.map((c) => [c.file, { id: r.id, ...c }] as const)));
  const baseCex = cexOf(base.rows);
  const headCex = cexOf(head.rows);

  for (const h of head.rows) {
    const b = baseRows.get(h.id) ?? null;
    if (b === null || b.verdict !== h.verdict)
      verdicts.push({ id: h.id, base: b?.verdict ?? null, head: h.verdict, kind: classify(b?.verdict ?? null, h.verdict) });
    if (b === null) continue;
    const baseTests = new Map(b.tests.map((t) => [t.title, t.status]));
    const headTests = new Map(h.tests.map((t) => [t.title, t.status]));
    for (const [title, status] of headTests) {
      const was = baseTests.get(title);
      if (was === undefined) testsAdded.push({ id: h.id, title });
      else if (was !== status) testStatusChanges.push({ id: h.id, title, base: was, head: status });
    }
    for (const title of baseTests.keys()) if (!headTests.has(title)) testsRemoved.push({ id: h.id, title });
    const pairs: [string, number, number][] = Object.entries(h.metrics)
      .filter(([k]) => k in b.metrics)
      .map(([k, v]) => [k, b.metrics[k], v]);
    // a failing property stops at its counterexample, so its run count says nothing about a changed numRuns
    if (b.runs !== null && h.runs !== null && b.verdict === h.verdict) pairs.unshift(['runs', b.runs, h.runs]);
    for (const [metric, bv, hv] of pairs) {
      const threshold = thresholdOf(metric, thresholds);
      if (beyondThreshold(bv, hv, threshold)) metrics.push({ id: h.id, metric, base: bv, head: hv, threshold });
    }
    for (const [metric, bv] of Object.entries(b.metrics)) if (!(metric in h.metrics)) metricsDropped.push({ id: h.id, metric, base: bv });
  }
  verdicts.sort((a, b) => KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) || byId(a, b));
  const sortCex = (xs: Cex[]): Cex[] => xs.sort((a, b) => byId(a, b) || (a.file < b.file ? -1 : 1));
  return {
    verdicts,
    regressions: verdicts.filter((v) => v.kind === 'regression').length,
    newCounterexamples: sortCex([...headCex.values()].filter((c) => !baseCex.has(c.file))),
    vanishedCounterexamples: sortCex([...baseCex.values()].filter((c) => !headCex.has(c.file))),
    testsAdded,
    testsRemoved,
    testStatusChanges,
    claimsAdded: head.rows.filter((r) => !baseRows.has(r.id)).map((r) => r.id),
    claimsRemoved: base.rows.filter((r) => !headRows.has(r.id)).map((r) => r.id),
    metrics,
    metricsDropped,
  };
}

function cell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function num(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toPrecision(4);
}

function thresholdText(t: MetricThreshold): string {
  if (t.value === 0) return 'any change';
  return t.kind === 'absolute' ? `|Δ| ≥ ${t.value}` : `|Δ| ≥ ${t.value * 100} % of base`;
}

/** The comparison as Markdown: a headline, then one section per kind of change that occurred. */
export function compareMarkdown(c: Comparison, o: { base: string; head: string }): string {
  const out: string[] = ['## dlncheck: claims compared with the base run', '', `Base \`${o.base}\`, head \`${o.head}\`.`, ''];
  out.push(
    c.regressions > 0
      ? `**${c.regressions} verdict regression${c.regressions === 1 ? '' : 's'}** (a claim that held in the base now fails).`
      : c.verdicts.length > 0
        ? 'No verdict regressions; other verdicts changed.'
        : 'No verdict changed.',
    '',
  );
  if (c.verdicts.length > 0) {
    out.push('### Verdict changes', '', '| claim | base | head | kind |', '|---|---|---|---|');
    for (const v of c.verdicts)
      out.push(
        `| ${cell(v.id)} | ${v.base === null ? '(new claim)' : cell(v.base)} | ${cell(v.head)} | ${v.kind === 'regression' ? '**regression**' : v.kind} |`,
      );
    out.push('');
  }
  if (c.claimsRemoved.length > 0) out.push('### Claims no longer in the registry', '', ...c.claimsRemoved.map((id) => `- ${id}`), '');
  if (c.newCounterexamples.length > 0 || c.vanishedCounterexamples.length > 0) {
    out.push('### Stored counterexamples', '');
    const line = (sign: string, x: { id: string; file: string; expected: boolean; label: string }): string =>
      `- ${sign} \`${x.file}\` (${x.id}, ${x.label}; ${x.expected ? 'expected: ablation' : 'refutes the claim as stated'})`;
    for (const x of c.newCounterexamples) out.push(line('new', x));
    for (const x of c.vanishedCounterexamples) out.push(line('vanished', x));
    out.push('');
  }
  if (c.testStatusChanges.length > 0) {
    out.push('### Tests whose status changed', '');
    for (const t of c.testStatusChanges) out.push(`- ${t.base} → ${t.head}: ${t.title}`);
    out.push('');
  }
  if (c.testsAdded.length > 0 || c.testsRemoved.length > 0) {
    out.push('### Tests added and removed', '');
    for (const t of c.testsAdded) out.push(`- added: ${t.title}`);
    for (const t of c.testsRemoved) out.push(`- removed: ${t.title}`);
    out.push('');
  }
  if (c.metrics.length > 0) {
    out.push('### Metrics beyond their threshold', '', '| claim | metric | base | head | threshold |', '|---|---|---|---|---|');
    for (const m of c.metrics) out.push(`| ${cell(m.id)} | ${cell(m.metric)} | ${num(m.base)} | ${num(m.head)} | ${cell(thresholdText(m.threshold))} |`);
    out.push('');
  }
  if (c.metricsDropped.length > 0) {
    out.push('### Metrics the head no longer reports', '', '| claim | metric | base |', '|---|---|---|');
    for (const m of c.metricsDropped) out.push(`| ${cell(m.id)} | ${cell(m.metric)} | ${num(m.base)} |`);
    out.push('');
  }
  return out.join('\n');
}

/** Reads the comparable part of a parsed claims.json; a malformed one is an error naming the file and the field. */
export function compareInput(raw: unknown, where: string): CompareInput {
  const fix = 'regenerate it with dlncheck report';
  const root = raw as { rows?: unknown } | null;
  if (root === null || typeof root !== 'object' || !Array.isArray(root.rows))
    throw new TypeError(`${where}: rows is missing or not an array; is it a claims.json? ${fix}`);
  const rows = (root.rows as unknown[]).map((r, i): CompareRow => {
    const row = (r ?? {}) as Record<string, unknown>;
    if (typeof row.id !== 'string') throw new TypeError(`${where}: rows[${i}].id=${JSON.stringify(row.id)} must be a string; ${fix}`);
    if (typeof row.verdict !== 'string') throw new TypeError(`${where}: rows[${i}].verdict=${JSON.stringify(row.verdict)} must be a string; ${fix}`);
    const tests = Array.isArray(row.tests)
      ? (row.tests as Record<string, unknown>[])
          .filter((t) => t && typeof t.title === 'string')
          .map((t) => ({ title: t.title as string, status: String(t.status) }))
      : [];
    const counterexamples = Array.isArray(row.counterexamples)
      ? (row.counterexamples as Record<string, unknown>[])
          .filter((c) => c && typeof c.file === 'string')
          .map((c) => {
            const label = (c.case as { label?: unknown } | undefined)?.label;
            return { file: c.file as string, expected: c.expected === true, label: typeof label === 'string' ? label : '' };
          })
      : [];
    const metrics: Record<string, number> = {};
    if (row.metrics && typeof row.metrics === 'object')
      for (const [k, v] of Object.entries(row.metrics as Record<string, unknown>)) if (typeof v === 'number' && Number.isFinite(v)) metrics[k] = v;
    return {
      id: row.id,
      verdict: row.verdict,
      runs: typeof row.runs === 'number' && Number.isFinite(row.runs) ? row.runs : null,
      tests,
      counterexamples,
      metrics,
    };
  });
  return { rows };
}

/**
 * A claims.json without what differs between two runs of the same suite on the same code: when the report was
 * generated, which vitest JSON file(s) it read and when that run started, and every wall-clock time (test durations,
 * a claim's summed time, the replay time of a stored counterexample). Two reports of the same run — e.g. an unsharded
 * run and the merge of its shards — are equal after this, byte for byte once serialized.
 */
export function withoutRunDetails(claimsJson: unknown): unknown {
  const m = structuredClone(claimsJson) as Record<string, unknown>;
  delete m.generatedAt;
  const v = m.vitest as Record<string, unknown> | null | undefined;
  if (v) {
    delete v.file;
    delete v.startTime;
  }
  const p = m.power as Record<string, unknown> | null | undefined;
  if (p) delete p.generatedAt;
  for (const r of (Array.isArray(m.rows) ? m.rows : []) as Record<string, unknown>[]) {
    delete r.timeMs;
    for (const t of (Array.isArray(r.tests) ? r.tests : []) as Record<string, unknown>[]) delete t.durationMs;
    for (const c of (Array.isArray(r.counterexamples) ? r.counterexamples : []) as Record<string, unknown>[]) {
      const run = c.run as Record<string, unknown> | null | undefined;
      if (run) delete run.seconds;
    }
  }
  return m;
}
