import type { Command } from 'commander';
import { claim } from '../../claims/registry.js';
import { parseSeed } from '../../verify/seed.js';
import { escapeRegExp, runVitest } from '../vitestRun.js';

export function registerReplay(program: Command): void {
  program
    .command('replay')
    .description("re-run one failure of a claim's property bit for bit from the seed and path it printed")
    .argument('<claim-id>', 'claim ID, e.g. DHL.Thm2.2')
    .requiredOption('--seed <seed>', 'the seed printed with the failure')
    .requiredOption('--path <path>', 'the path printed with the failure')
    .option('--test <name>', 'the test name printed with the failure (default: every test of the claim)')
    .option('--save', 'store the counterexample in fixtures/counterexamples/<claim-id>/')
    .action((id: string, opts: { seed: string; path: string; test?: string; save?: boolean }) => {
      const c = claim(id);
      parseSeed(opts.seed, 'replay --seed');
      if (!/^\d+(:\d+)*$/.test(opts.path)) throw new RangeError(`replay --path=${opts.path} must look like 12:0:3 (printed with the failure)`);
      // vitest matches -t against the full name (describe blocks first), so the pattern is not anchored at the start
      const pattern = opts.test ? `${escapeRegExp(opts.test)}$` : `${escapeRegExp(c.id)} `;
      const { status } = runVitest(c.property, pattern, {
        DLNCHECK_SEED: opts.seed,
        DLNCHECK_PATH: opts.path,
        ...(opts.save ? { DLNCHECK_SAVE_CEX: '1' } : {}),
      });
      process.exitCode = status;
    });
}
