import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { progressBar } from '../../progress/progressBar.js';
import { buildReport } from '../../report/buildReport.js';
import { compareClaims, compareInput, compareMarkdown, parseThresholds } from '../../report/compare.js';
import { claimsJson, writeReport } from '../../report/htmlReport.js';

interface ReportOptions {
  out: string;
  vitest?: string[];
  counterexamples: string;
  power?: string;
  compare?: string;
  compareOut?: string;
  threshold?: string[];
}

export function registerReport(program: Command): void {
  program
    .command('report')
    .description(
      'write <out>/index.html and <out>/claims.json: one row per claim with its verdict, stored counterexamples replayed and plotted, and the reproduced figures; with --compare, the change against a base claims.json as Markdown (exit 1 on a verdict regression)',
    )
    .option('--out <dir>', 'report directory', 'reports')
    .option('--vitest <files...>', "vitest's JSON reporter output (default <out>/vitest.json); several files are the shards of one run, merged")
    .option('--counterexamples <dir>', 'stored counterexamples, one folder per claim ID', 'fixtures/counterexamples')
    .option('--power <file>', 'the claim × fault matrix `dlncheck power` wrote (default <out>/power.json; shown when it exists)')
    .option('--compare <base>', "a base run's claims.json: print what changed (verdicts, counterexamples, tests, metrics) as Markdown")
    .option('--compare-out <file>', 'also append that Markdown to this file (e.g. $GITHUB_STEP_SUMMARY)')
    .option('--threshold <name=value...>', 'metric thresholds for --compare: power=0.05 (absolute) or tightnessRatio=10% (relative)')
    .action(async (opts: ReportOptions) => {
      const thresholds = parseThresholds(opts.threshold ?? []);
      if (opts.compare !== undefined && !existsSync(opts.compare))
        throw new Error(`report: --compare=${opts.compare} does not exist; pass the base run's claims.json (in CI: the main branch's report artifact)`);
      const vitestJson = opts.vitest ?? [join(opts.out, 'vitest.json')];
      if (opts.power !== undefined && !existsSync(opts.power))
        throw new Error(`report: --power=${opts.power} does not exist; write it with dlncheck power --out ${opts.power}, or leave --power out`);
      const model = await buildReport({
        vitestJson,
        counterexamplesDir: opts.counterexamples,
        outDir: opts.out,
        progress: progressBar(),
        ...(opts.power !== undefined ? { powerJson: opts.power } : {}),
      });
      const { html, json } = writeReport(model, opts.out);
      const counts = new Map<string, number>();
      for (const r of model.rows) counts.set(r.verdict, (counts.get(r.verdict) ?? 0) + 1);
      process.stdout.write(`wrote ${html} and ${json}\n${[...counts].map(([v, n]) => `  ${v}: ${n}`).join('\n')}\n`);
      if (!model.vitest) process.stdout.write(`  (no ${vitestJson.join(', ')}: run vitest with --reporter=json --outputFile to fill in verdicts)\n`);
      if (model.power) process.stdout.write(`  power matrix: ${model.power.file} (${model.power.rows.length} claims × ${model.power.faults.length} faults)\n`);
      if (opts.compare === undefined) return;
      let baseRaw: unknown;
      try {
        baseRaw = JSON.parse(readFileSync(opts.compare, 'utf8'));
      } catch (e) {
        throw new SyntaxError(`report: --compare=${opts.compare} is not valid JSON (${(e as Error).message}); pass a claims.json written by dlncheck report`);
      }
      const comparison = compareClaims(compareInput(baseRaw, opts.compare), compareInput(claimsJson(model), json), thresholds);
      const markdown = compareMarkdown(comparison, { base: opts.compare, head: json });
      process.stdout.write(`\n${markdown}`);
      if (opts.compareOut !== undefined) writeFileSync(opts.compareOut, markdown, { flag: 'a' });
      if (comparison.regressions > 0) process.exitCode = 1;
    });
}
