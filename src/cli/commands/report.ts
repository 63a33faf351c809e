import { join } from 'node:path';
import type { Command } from 'commander';
import { progressBar } from '../../progress/progressBar.js';
import { buildReport } from '../../report/buildReport.js';
import { writeReport } from '../../report/htmlReport.js';

export function registerReport(program: Command): void {
  program
    .command('report')
    .description(
      'write <out>/index.html and <out>/claims.json: one row per claim with its verdict, stored counterexamples replayed and plotted, and the reproduced figures',
    )
    .option('--out <dir>', 'report directory', 'reports')
    .option('--vitest <file>', "vitest's JSON reporter output (default <out>/vitest.json)")
    .option('--counterexamples <dir>', 'stored counterexamples, one folder per claim ID', 'fixtures/counterexamples')
    .action(async (opts: { out: string; vitest?: string; counterexamples: string }) => {
      const model = await buildReport({
        vitestJson: opts.vitest ?? join(opts.out, 'vitest.json'),
        counterexamplesDir: opts.counterexamples,
        outDir: opts.out,
        progress: progressBar(),
      });
      const { html, json } = writeReport(model, opts.out);
      const counts = new Map<string, number>();
      for (const r of model.rows) counts.set(r.verdict, (counts.get(r.verdict) ?? 0) + 1);
      process.stdout.write(`wrote ${html} and ${json}\n${[...counts].map(([v, n]) => `  ${v}: ${n}`).join('\n')}\n`);
      if (!model.vitest)
        process.stdout.write(`  (no ${opts.vitest ?? join(opts.out, 'vitest.json')}: run vitest with --reporter=json --outputFile to fill in verdicts)\n`);
    });
}
