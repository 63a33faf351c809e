import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { FIGURE_SEED, type FigureDefinition, type FigureOutput } from '../../figures/figure.js';
import { updateFigureIndex, type FigureIndexEntry } from '../../figures/figureIndex.js';
import { progressBar, type Progress } from '../../progress/progressBar.js';
import { figure, figures } from '../../figures/registry.js';
import { FigureWorker } from './reproduceWorker.js';

/**
 * A file or output of `reproduce` with its wall-clock times masked ("0.4 s" → "T s", "seconds": 0.41 →
 * "seconds": T): what two runs of the same figures, seed and scale must agree on byte for byte (the
 * times are the only part that measures the machine rather than the figure).
 */
export function withoutTimes(text: string): string {
  return text.replace(/\d+(?:\.\d+)?(?:e[-+]?\d+)? s\b/g, 'T s').replace(/"seconds": [^,\n}]+/g, '"seconds": T');
}

/** Writes <id>-<panel>.svg and <id>.txt (the caption with the figure's time) for a computed figure. */
function writeFigure(f: FigureDefinition, outDir: string, seed: number, out: FigureOutput, seconds: number): FigureIndexEntry {
  mkdirSync(outDir, { recursive: true });
  const files = out.panels.map((p) => {
    const file = `${f.id}-${p.name}.svg`;
    writeFileSync(join(outDir, file), p.svg);
    return file;
  });
  const caption = `${out.caption}\nFigure time: ${seconds.toFixed(1)} s (seed ${seed}).`;
  writeFileSync(join(outDir, `${f.id}.txt`), `${f.id}: ${f.title}\n\n${caption}\n`);
  return { id: f.id, title: f.title, caption, seed, seconds, files };
}

/** Runs one figure and writes <id>-<panel>.svg and <id>.txt (the caption with the figure's time); scale is the figure budget (budget.ts). */
export async function reproduceFigure(f: FigureDefinition, outDir: string, seed: number, progress: Progress, scale = 1): Promise<FigureIndexEntry> {
  const start = performance.now();
  const out = await f.run({ seed, progress, scale });
  return writeFigure(f, outDir, seed, out, (performance.now() - start) / 1000);
}

/**
 * The figures, each computed in the calling process (jobs = 1, with a progress bar) or by a pool
 * of `jobs` child processes (reproduceWorker.ts). Either way each figure is written, indexed and
 * reported in the order given, as soon as it and every figure before it are done.
 */
async function reproduceAll(chosen: readonly FigureDefinition[], outDir: string, seed: number, scale: number, jobs: number): Promise<void> {
  const timings: string[] = [];
  const finish = (f: FigureDefinition, entry: FigureIndexEntry) => {
    updateFigureIndex(
      outDir,
      entry,
      figures.map((g) => g.id),
    );
    timings.push(`${f.id.padEnd(10)} ${entry.seconds.toFixed(1).padStart(7)} s  ${entry.files.length} SVG(s)`);
    process.stdout.write(`${f.id}: wrote ${entry.files.map((x) => join(outDir, x)).join(', ')} (${entry.seconds.toFixed(1)} s)\n`);
  };
  const workers = Math.min(jobs, chosen.length);
  if (workers <= 1) {
    const progress = progressBar();
    for (const f of chosen) {
      process.stderr.write(`${f.id}: ${f.title}\n`);
      finish(f, await reproduceFigure(f, outDir, seed, progress, scale));
    }
  } else {
    const pool = Array.from({ length: workers }, () => new FigureWorker());
    type Result = { out: FigureOutput; seconds: number };
    const slots = chosen.map(() => {
      let resolve!: (r: Result) => void;
      let reject!: (e: unknown) => void;
      const promise = new Promise<Result>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      promise.catch(() => undefined); // awaited below, in order; this only keeps a later figure's failure from being "unhandled" meanwhile
      return { promise, resolve, reject };
    });
    let next = 0;
    let stopped = false;
    // each worker takes the next figure in order when it is free
    const lanes = pool.map(async (w) => {
      while (!stopped && next < chosen.length) {
        const i = next++;
        process.stderr.write(`${chosen[i].id}: ${chosen[i].title}\n`);
        await w.run(chosen[i].id, seed, scale).then(slots[i].resolve, slots[i].reject);
      }
    });
    try {
      for (let i = 0; i < chosen.length; i++) {
        const { out, seconds } = await slots[i].promise;
        finish(chosen[i], writeFigure(chosen[i], outDir, seed, out, seconds));
      }
    } finally {
      stopped = true;
      for (const w of pool) w.close();
      await Promise.allSettled(lanes);
    }
  }
  process.stdout.write(`\nfigure times:\n${timings.join('\n')}\n`);
}

export function registerReproduce(program: Command): void {
  program
    .command('reproduce')
    .description(`reproduce a figure of the papers as SVGs with captions (ids: ${figures.map((f) => f.id).join(', ')}, or all)`)
    .argument('<id>', 'figure id or alias (e.g. SR.R4.2 or SR.Fig1), or all')
    .option('--out <dir>', 'output directory', 'reports/figures')
    .option('--seed <n>', 'base seed of the figure runs', String(FIGURE_SEED))
    .option('--scale <x>', 'budget: multiply every step count by x (e.g. 0.001 for a smoke run; captions say so)', '1')
    .option('--jobs <n>', 'figures computed at once, each in its own process (outputs are those of --jobs 1)', String(availableParallelism()))
    .action(async (id: string, opts: { out: string; seed: string; scale: string; jobs: string }) => {
      const seed = Number(opts.seed);
      if (!Number.isInteger(seed)) throw new RangeError(`reproduce: --seed=${opts.seed} must be an integer`);
      const scale = Number(opts.scale);
      if (!(Number.isFinite(scale) && scale > 0)) throw new RangeError(`reproduce: --scale=${opts.scale} must be a number > 0; use 1 for the full figures`);
      const jobs = Number(opts.jobs);
      if (!(Number.isInteger(jobs) && jobs >= 1))
        throw new RangeError(`reproduce: --jobs=${opts.jobs} must be an integer ≥ 1; use 1 to run the figures one after another in this process`);
      await reproduceAll(id === 'all' ? figures : [figure(id)], opts.out, seed, scale, jobs);
    });
}
