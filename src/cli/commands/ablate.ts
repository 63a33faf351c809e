import type { Command } from 'commander';
import { ablationLabel } from '../../claims/ablationLabel.js';
import { claim, type Ablation } from '../../claims/registry.js';
import { parseSeed } from '../../verify/seed.js';
import { claimCounterexamples } from '../../verify/counterexampleStore.js';
import { escapeRegExp, runVitest } from '../vitestRun.js';

/** The test name prefix of a claim's ablation test: "<id> ablation drop=<breaks>". */
export function ablationTestPrefix(claimId: string, a: Pick<Ablation, 'breaks'>): string {
  return `${claimId} ${ablationLabel(a.breaks)}`;
}

export function registerAblate(program: Command): void {
  program
    .command('ablate')
    .description("run a claim's property with one hypothesis removed from the generators, for each hypothesis in turn")
    .argument('<claim-id>', 'claim ID, e.g. JT.Thm1-risk')
    .option('--drop <assumption>', 'only this hypothesis (see `dlncheck claims`)')
    .option('--runs <n>', 'fast-check runs per ablation')
    .option('--seed <seed>', 'global seed')
    .action((id: string, opts: { drop?: string; runs?: string; seed?: string }) => {
      const c = claim(id);
      const chosen = opts.drop ? c.ablations.filter((a) => a.breaks === opts.drop) : c.ablations;
      if (opts.drop && chosen.length === 0)
        throw new RangeError(
          `ablate --drop=${opts.drop}: claim ${id} has no ablation of that hypothesis; it has: ${c.ablations.map((a) => a.breaks).join(', ') || 'none'}`,
        );
      if (chosen.length === 0) {
        process.stdout.write(`${id}: no ablations are listed for this claim (see docs/claims.md)\n`);
        return;
      }
      if (opts.runs !== undefined && !/^[1-9]\d*$/.test(opts.runs)) throw new RangeError(`ablate --runs=${opts.runs} must be a positive integer`);
      if (opts.seed !== undefined) parseSeed(opts.seed, 'ablate --seed');
      const env: Record<string, string> = { DLNCHECK_SAVE_CEX: '1' };
      if (opts.runs) env.DLNCHECK_RUNS = opts.runs;
      if (opts.seed) env.DLNCHECK_SEED = opts.seed;
      const lines: string[] = [];
      let bad = 0;
      for (const a of chosen) {
        const prefix = ablationTestPrefix(id, a);
        const { tests } = runVitest(c.property, escapeRegExp(prefix), env, { quiet: true });
        const ran = tests.filter((t) => t.status === 'passed' || t.status === 'failed');
        const stored = claimCounterexamples(id).filter((s) => s.label.startsWith(ablationLabel(a.breaks)));
        if (ran.length === 0) {
          lines.push(`${id} drop ${a.breaks}: no ablation test named "${prefix}…" in ${c.property}`);
          bad++;
        } else if (ran.every((t) => t.status === 'passed')) {
          const verdict = a.reportOnly ? 'reported (no counterexample expected)' : 'counterexample found';
          lines.push(`${id} drop ${a.breaks}: ${verdict} — expected: ${a.expect}`);
          for (const s of stored) lines.push(`    shrunk case (${s.label}, seed ${s.seed}, path ${s.path}): ${JSON.stringify(s.counterexample)}`);
        } else {
          lines.push(`${id} drop ${a.breaks}: none found in ${opts.runs ?? 'the default number of'} runs`);
          for (const t of ran.filter((r) => r.status === 'failed')) lines.push(`    ${t.failureMessages[0]?.split('\n')[0] ?? ''}`);
          bad++;
        }
      }
      process.stdout.write(`${lines.join('\n')}\n`);
      process.exitCode = bad ? 1 : 0;
    });
}
