import type { Command } from 'commander';
import { runVitest } from '../vitestRun.js';

/**
 * Runs the whole default suite under several global seeds. A failure of a
 * positive claim found this way is a real finding: fix the derivation or the
 * code, never the tolerance by hand.
 */
export function registerSweep(program: Command): void {
  program
    .command('sweep')
    .description('run the whole suite under N different global seeds and list every failure')
    .option('--seeds <n>', 'number of seeds', '20')
    .option('--first <seed>', 'first seed (seeds are first, first+1, …)', '1')
    .action((opts: { seeds: string; first: string }) => {
      const n = Number(opts.seeds);
      const first = Number(opts.first);
      if (!Number.isInteger(n) || n < 1) throw new RangeError(`sweep --seeds=${opts.seeds} must be a positive integer`);
      if (!Number.isInteger(first)) throw new RangeError(`sweep --first=${opts.first} must be an integer`);
      const failures: string[] = [];
      for (let i = 0; i < n; i++) {
        const seed = first + i;
        const started = Date.now();
        const { status, tests } = runVitest('', '', { DLNCHECK_SEED: String(seed) }, { quiet: true });
        const failed = tests.filter((t) => t.status === 'failed');
        const secs = ((Date.now() - started) / 1000).toFixed(1);
        process.stdout.write(
          `seed ${seed}: ${tests.length - failed.length} passed, ${failed.length} failed (${secs} s)${status && !failed.length ? ` [vitest exit ${status}]` : ''}\n`,
        );
        if (status && !failed.length) failures.push(`seed ${seed}: vitest exited ${status} without test failures (collection error?)`);
        for (const t of failed) {
          const line = `seed ${seed}: ${t.fullName}\n    ${(t.failureMessages[0] ?? '').split('\n').slice(0, 4).join('\n    ')}`;
          failures.push(line);
          process.stdout.write(`  ${line}\n`);
        }
      }
      process.stdout.write(`\nsweep over ${n} seeds: ${failures.length === 0 ? 'zero failures' : `${failures.length} failure(s)`}\n`);
      process.exitCode = failures.length ? 1 : 0;
    });
}
