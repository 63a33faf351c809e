import { availableParallelism } from 'node:os';
import type { Command } from 'commander';
import { runVitestAsync, type VitestTestResult } from '../vitestRun.js';

/**
 * Runs the whole default suite under several global seeds. A failure of a
 * positive claim found this way is a real finding: fix the derivation or the
 * code, never the tolerance by hand. With --jobs N, N seeds run at once (each
 * vitest in its own process); results are printed in seed order, so the output
 * is that of --jobs 1 apart from the times.
 */
export function registerSweep(program: Command): void {
  program
    .command('sweep')
    .description('run the whole suite under N different global seeds and list every failure')
    .option('--seeds <n>', 'number of seeds', '20')
    .option('--first <seed>', 'first seed (seeds are first, first+1, …)', '1')
    .option('--jobs <n>', 'seeds run at once, each vitest in its own process', String(availableParallelism()))
    .action(async (opts: { seeds: string; first: string; jobs: string }) => {
      const n = Number(opts.seeds);
      const first = Number(opts.first);
      const jobs = Number(opts.jobs);
      if (!Number.isInteger(n) || n < 1) throw new RangeError(`sweep --seeds=${opts.seeds} must be a positive integer`);
      if (!Number.isInteger(first)) throw new RangeError(`sweep --first=${opts.first} must be an integer`);
      if (!Number.isInteger(jobs) || jobs < 1) throw new RangeError(`sweep --jobs=${opts.jobs} must be an integer ≥ 1; use 1 to run one seed at a time`);
      // the seeds running at once share the cores: each vitest gets cores / jobs workers (at least one), so the
      // machine runs about one worker per core, as a plain npm test does, and no time limit sees extra load
      const workersPerRun = Math.max(1, Math.floor(availableParallelism() / jobs));
      type SeedRun = { status: number; tests: VitestTestResult[]; secs: string };
      const done: ((r: SeedRun) => void)[] = [];
      const runs = Array.from({ length: n }, (_, i) => new Promise<SeedRun>((resolve) => (done[i] = resolve)));
      let next = 0;
      // each lane starts the next seed when its previous one is done
      const lanes = Array.from({ length: Math.min(jobs, n) }, async () => {
        while (next < n) {
          const i = next++;
          const started = Date.now();
          const r = await runVitestAsync('', '', { DLNCHECK_SEED: String(first + i), DLNCHECK_WORKERS: String(workersPerRun) });
          done[i]({ ...r, secs: ((Date.now() - started) / 1000).toFixed(1) });
        }
      });
      const failures: string[] = [];
      for (let i = 0; i < n; i++) {
        const seed = first + i;
        const { status, tests, secs } = await runs[i];
        const failed = tests.filter((t) => t.status === 'failed');
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
      await Promise.all(lanes);
      process.stdout.write(`\nsweep over ${n} seeds: ${failures.length === 0 ? 'zero failures' : `${failures.length} failure(s)`}\n`);
      process.exitCode = failures.length ? 1 : 0;
    });
}
