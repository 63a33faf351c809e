import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { type AuditReport, auditText, formatAudit } from '../../audit/audit.js';

export function registerAudit(program: Command): void {
  program
    .command('audit')
    .description(
      'check the claims that apply to a trajectory recorded elsewhere (JSON lines: a header, then {"step", "eta", "weights"} per step; docs/audit.md)',
    )
    .argument('<file>', 'trajectory file, or - for stdin')
    .option('--json', 'print the report as JSON')
    .action((file: string, opts: { json?: boolean }) => {
      let text: string;
      try {
        text = file === '-' ? readFileSync(0, 'utf8') : readFileSync(file, 'utf8');
      } catch (e) {
        throw new Error(`audit: cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      }
      let report: AuditReport;
      try {
        report = auditText(text);
      } catch (e) {
        throw new Error(`audit: ${file}: ${(e as Error).message}`);
      }
      // ±∞ and NaN ratios are written as strings: JSON has no such numbers and null would hide a failure
      const json = () => JSON.stringify(report, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v), 2) + '\n';
      process.stdout.write(opts.json ? json() : formatAudit(report));
      if (report.failed) process.exitCode = 1;
    });
}
