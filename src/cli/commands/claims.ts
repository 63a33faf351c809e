import type { Command } from 'commander';
import { claims } from '../../claims/registry.js';
import { CLAIMS_DOC, claimsMarkdown } from './claimsMarkdown.js';

/** Pads by code points, so ρ and ‖ count as one column. */
function pad(s: string, width: number): string {
  const len = [...s].length;
  return len >= width ? s : s + ' '.repeat(width - len);
}

export function registerClaims(program: Command): void {
  program
    .command('claims')
    .description('print the claim registry: ID, paper, check types, hypotheses, ablations and statement')
    .option('--json', 'print the registry as JSON instead of a table')
    .option('--markdown', `print the registry as the Markdown of ${CLAIMS_DOC} (npm run claims:doc writes it)`)
    .action((opts: { json?: boolean; markdown?: boolean }) => {
      // `dlncheck claims | head` closes the pipe early: that is not an error
      process.stdout.on('error', (e: NodeJS.ErrnoException) => {
        if (e.code !== 'EPIPE') throw e;
      });
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(claims, null, 2)}\n`);
        return;
      }
      if (opts.markdown) {
        process.stdout.write(claimsMarkdown(claims));
        return;
      }
      const header = ['ID', 'paper', 'checks', 'hypotheses', 'ablations', 'statement'];
      const rows = claims.map((c) => [c.id, c.paper, c.checks.join(','), c.hypotheses.join(',') || '—', String(c.ablations.length), c.statement]);
      const widths = header.map((h, i) => (i === header.length - 1 ? 0 : Math.max([...h].length, ...rows.map((r) => [...r[i]].length))));
      const line = (r: string[]): string => r.map((v, i) => (i === r.length - 1 ? v : pad(v, widths[i]))).join('  ');
      process.stdout.write(`${[line(header), line(widths.map((w, i) => '-'.repeat(i === widths.length - 1 ? 9 : w))), ...rows.map(line)].join('\n')}\n`);
      process.stdout.write(`\n${claims.length} claims. Test names start with the ID; ${CLAIMS_DOC} has each claim in full.\n`);
    });
}
