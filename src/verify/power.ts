import { escapeRegExp } from './escapeRegExp.js';
import { FAULT_META_KEY } from './fault.js';

/**
 * The claim × fault matrix of `dlncheck power`: for each claim, whether its MAIN property (not a twin, an ablation or a
 * CEX test) fails when the trainer is broken in a stated way. A check that a 1 % error in one layer's gradient, or a
 * trainer that never moves, cannot make fail checks nothing about training (the regimes in docs/claims.md, "Power").
 */

/** The broken trainers every claim is run against (src/verify/fault.ts forms; layers count from 1). */
export const DEFAULT_FAULTS: readonly string[] = ['scale:1:1.01', 'scale:1:0.99', 'scale:2:1.01', 'transpose:1', 'sign:1', 'drop:1', 'frozen'];

/** Test titles after the claim ID that mark a test other than the claim's main property. */
const NOT_MAIN = /^(twin:|ablation drop=|CEX|finding:)/;

/** Whether a test title (without describe blocks) is a main property of claim id. */
export function isMainTest(title: string, id: string): boolean {
  return title.startsWith(`${id} `) && !NOT_MAIN.test(title.slice(id.length + 1));
}

/** A vitest -t pattern selecting the main properties of the given claims (twins and ablations skip). */
export function mainTestPattern(ids: readonly string[]): string {
  return `(?:${ids.map(escapeRegExp).join('|')}) (?!twin:|ablation drop=|CEX|finding:)`;
}

/** One test of a vitest JSON report, as runVitest returns it. */
export interface PowerTestResult {
  readonly title: string;
  readonly status: string;
  readonly meta?: unknown;
}

export type PowerCell = 'detected' | 'missed' | 'not wired' | 'no test';

export interface PowerRow {
  readonly claimId: string;
  /** the main tests found, and whether all of them pass on the exact trainer */
  readonly tests: number;
  readonly clean: 'passes' | 'fails' | 'no test';
  readonly cells: Readonly<Record<string, PowerCell>>;
}

function appliedFault(meta: unknown): string | null {
  if (!meta || typeof meta !== 'object') return null;
  const v = (meta as Record<string, unknown>)[FAULT_META_KEY];
  return typeof v === 'string' ? v : null;
}

/**
 * Builds the matrix from one clean run and one run per fault. A cell is "detected" when some main test of the claim
 * failed while training with the fault, "missed" when every one that trained with it passed, "not wired" when none
 * trained with it (the property does not take its trainer from trainerGradient()).
 */
export function powerMatrix(
  ids: readonly string[],
  clean: readonly PowerTestResult[],
  byFault: Readonly<Record<string, readonly PowerTestResult[]>>,
): PowerRow[] {
  return ids.map((claimId) => {
    // a test skipped in this profile (e.g. thorough-only) ran nothing: it neither passes, fails nor detects
    const mine = (tests: readonly PowerTestResult[]) => tests.filter((t) => isMainTest(t.title, claimId) && t.status !== 'skipped' && t.status !== 'pending');
    const base = mine(clean);
    const cells: Record<string, PowerCell> = {};
    for (const [fault, tests] of Object.entries(byFault)) {
      const ran = mine(tests);
      const wired = ran.filter((t) => appliedFault(t.meta) !== null);
      cells[fault] = ran.length === 0 ? 'no test' : wired.length === 0 ? 'not wired' : wired.some((t) => t.status === 'failed') ? 'detected' : 'missed';
    }
    return { claimId, tests: base.length, clean: base.length === 0 ? 'no test' : base.every((t) => t.status === 'passed') ? 'passes' : 'fails', cells };
  });
}

const MARK: Record<PowerCell, string> = { detected: '✓', missed: '✗ missed', 'not wired': '–', 'no test': '·' };

/** The matrix as a Markdown table: ✓ detected, ✗ missed, – the property does not train with the fault, · no test. */
export function formatPowerMatrix(rows: readonly PowerRow[], faults: readonly string[]): string {
  const head = `| claim | main tests | exact trainer | ${faults.join(' | ')} |`;
  const rule = `|---|---|---|${faults.map(() => '---').join('|')}|`;
  const body = rows.map((r) => `| ${r.claimId} | ${r.tests} | ${r.clean} | ${faults.map((f) => MARK[r.cells[f] ?? 'no test']).join(' | ')} |`);
  return [
    head,
    rule,
    ...body,
    '',
    '✓ detected (the main property fails), ✗ missed, – not wired (the property does not train with trainerGradient()), · no main test',
  ].join('\n');
}

/** What `dlncheck power` writes (reports/power.json) and the report reads back. */
export interface PowerFile {
  readonly faults: readonly string[];
  readonly rows: readonly PowerRow[];
  /** when it was measured (ISO time) and under which profile; absent in files written before they were recorded */
  readonly generatedAt?: string;
  readonly profile?: string;
  /** the commit of the checkout the properties ran from (short hash, "+dirty" with uncommitted changes) */
  readonly commit?: string;
}

const CELLS: readonly PowerCell[] = ['detected', 'missed', 'not wired', 'no test'];
const CLEAN: readonly PowerRow['clean'][] = ['passes', 'fails', 'no test'];

/** Reads a parsed power.json; a malformed one is an error naming the file, the field and the rule. */
export function parsePowerFile(raw: unknown, where: string): PowerFile {
  const fix = 'regenerate it with dlncheck power';
  const bad = (field: string, value: unknown, rule: string): TypeError => new TypeError(`${where}: ${field}=${JSON.stringify(value)} ${rule}; ${fix}`);
  if (!raw || typeof raw !== 'object') throw bad('(root)', raw, 'must be an object with faults and rows');
  const o = raw as Record<string, unknown>;
  if (!Array.isArray(o.faults) || !o.faults.every((f) => typeof f === 'string')) throw bad('faults', o.faults, 'must be an array of fault names');
  const faults = o.faults as string[];
  if (!Array.isArray(o.rows)) throw bad('rows', o.rows, 'must be an array');
  const rows = o.rows.map((r, i): PowerRow => {
    const row = (r ?? {}) as Record<string, unknown>;
    if (typeof row.claimId !== 'string') throw bad(`rows[${i}].claimId`, row.claimId, 'must be a string');
    if (typeof row.tests !== 'number' || !Number.isInteger(row.tests) || row.tests < 0) throw bad(`rows[${i}].tests`, row.tests, 'must be a whole number ≥ 0');
    if (!CLEAN.includes(row.clean as PowerRow['clean'])) throw bad(`rows[${i}].clean`, row.clean, `must be one of ${CLEAN.join(', ')}`);
    const cells: Record<string, PowerCell> = {};
    const rawCells = (row.cells ?? {}) as Record<string, unknown>;
    for (const f of faults) {
      const c = rawCells[f];
      if (!CELLS.includes(c as PowerCell)) throw bad(`rows[${i}].cells["${f}"]`, c, `must be one of ${CELLS.join(', ')}`);
      cells[f] = c as PowerCell;
    }
    return { claimId: row.claimId, tests: row.tests, clean: row.clean as PowerRow['clean'], cells };
  });
  return {
    faults,
    rows,
    ...(typeof o.generatedAt === 'string' ? { generatedAt: o.generatedAt } : {}),
    ...(typeof o.profile === 'string' ? { profile: o.profile } : {}),
    ...(typeof o.commit === 'string' ? { commit: o.commit } : {}),
  };
}

/**
 * A claim's power as numbers for claims.json and `report --compare`: `power:<fault>` 1 when the main property detected
 * the fault and 0 when it missed it, and `power`, the share of those faults it detected (faults it does not train with,
 * or has no test for, are left out: they measure wiring, not power).
 */
export function powerMetrics(cells: Readonly<Record<string, PowerCell>>): Record<string, number> {
  const out: Record<string, number> = {};
  let judged = 0;
  let detected = 0;
  for (const [fault, cell] of Object.entries(cells)) {
    if (cell !== 'detected' && cell !== 'missed') continue;
    judged++;
    if (cell === 'detected') detected++;
    out[`power:${fault}`] = cell === 'detected' ? 1 : 0;
  }
  if (judged > 0) out.power = detected / judged;
  return out;
}
