import { balancednessCheck } from './balancedness.js';
import type { CheckResult } from './check.js';
import { descentCheck } from './descent.js';
import { directionChecks } from './direction.js';
import { evaluate, type Evaluation } from './evaluate.js';
import { initializationBoundsChecks } from './initializationBounds.js';
import { normGrowthCheck } from './normGrowth.js';
import { parseTrajectory, type Trajectory } from './trajectory.js';

/**
 * `dlncheck audit`: the claims that apply to a trajectory recorded elsewhere (docs/audit.md).
 * Step checks (F2/F4, F3, descent) need consecutive recorded steps t, t+1; record checks (F5, F6, margins,
 * direction) run at every record. The report says which the file allows.
 */
export interface AuditReport {
  readonly records: number;
  readonly firstStep: number;
  readonly lastStep: number;
  /** recorded pairs (t, t+1) the step checks saw */
  readonly consecutivePairs: number;
  /** "every step" when steps firstStep…lastStep are all recorded, else "checkpoints" */
  readonly kind: 'every step' | 'checkpoints';
  readonly checks: readonly CheckResult[];
  /** ρ_k, |⟨v_{k+1}, u_k⟩| and cos(w_prod, ū) at the last record (empty/null where they do not apply) */
  readonly last: {
    readonly step: number;
    readonly risk: number;
    readonly rho: number[];
    readonly alignment: number[];
    readonly cosineToMaxMargin: number | null;
  };
  readonly failed: boolean;
}

export function auditTrajectory(traj: Trajectory): AuditReport {
  const evals: Evaluation[] = traj.records.map((r) => evaluate(traj, r));
  const pairs: [Evaluation, Evaluation][] = [];
  for (let i = 1; i < evals.length; i++) if (evals[i].record.step === evals[i - 1].record.step + 1) pairs.push([evals[i - 1], evals[i]]);
  const bounds = initializationBoundsChecks(traj, evals);
  const dir = directionChecks(traj, evals);
  const checks = [balancednessCheck(traj, pairs), normGrowthCheck(traj, pairs), descentCheck(traj, pairs), bounds.f5, bounds.f6, dir.margins, dir.direction];
  const first = traj.records[0].step;
  const last = evals[evals.length - 1];
  return {
    records: evals.length,
    firstStep: first,
    lastStep: last.record.step,
    consecutivePairs: pairs.length,
    kind: pairs.length === evals.length - 1 ? 'every step' : 'checkpoints',
    checks,
    last: { step: last.record.step, risk: last.risk, rho: bounds.rho, alignment: bounds.alignment, cosineToMaxMargin: dir.cosine },
    failed: checks.some((c) => c.verdict === 'fail'),
  };
}

/** Parses and audits a trajectory file's text. */
export function auditText(text: string): AuditReport {
  return auditTrajectory(parseTrajectory(text));
}

function ratioText(r: number | null): string {
  return r === null ? '—' : Number.isFinite(r) ? r.toExponential(2) : String(r);
}

/** One line per check: verdict, claim, worst ratio to its bound, where, and what it means. */
export function formatAudit(r: AuditReport): string {
  const head = `${r.records} records, steps ${r.firstStep}…${r.lastStep} (${r.kind}; ${r.consecutivePairs} consecutive pairs for the step checks)`;
  const width = Math.max(...r.checks.map((c) => c.check.length));
  const lines = r.checks.map((c) => {
    const verdict = c.verdict === 'pass' ? 'PASS' : c.verdict === 'fail' ? 'FAIL' : c.verdict === 'not reached' ? 'NOT REACHED' : 'N/A';
    const ratio = c.worstRatio === null ? '' : ` worst ratio ${ratioText(c.worstRatio)}${c.at ? ` at ${c.at}` : ''};`;
    return `${verdict.padEnd(11)} ${c.check.padEnd(width)} ${c.claim.padEnd(14)}${ratio} ${c.detail}`;
  });
  const tail: string[] = [];
  if (r.last.rho.length) tail.push(`at step ${r.last.step}: R=${r.last.risk.toPrecision(4)}, ρ_k = [${r.last.rho.map((x) => x.toFixed(6)).join(', ')}]`);
  if (r.last.alignment.length) tail.push(`|⟨v_{k+1}, u_k⟩| = [${r.last.alignment.map((x) => x.toFixed(6)).join(', ')}]`);
  if (r.last.cosineToMaxMargin !== null) tail.push(`cos(w_prod, ū) = ${r.last.cosineToMaxMargin.toFixed(6)}`);
  return [head, ...lines, ...(tail.length ? [tail.join('; ')] : []), r.failed ? 'audit FAILED' : 'audit passed'].join('\n') + '\n';
}
