import { escapeRegExp } from './escapeRegExp.js';
import { FAULT_META_KEY } from './fault.js';

/**
 * The claim × fault matrix of `dlncheck power`: for each claim, whether its MAIN property (not a twin, an ablation or a
 * CEX test) fails when the trainer is broken in a stated way. A check that a 1 % error in one layer's gradient, or a
 * trainer that never moves, cannot make fail checks nothing about training (CLAIMS §8, "Power").
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
    const mine = (tests: readonly PowerTestResult[]) => tests.filter((t) => isMainTest(t.title, claimId));
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
