import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { FIGURE_SEED, type FigureDefinition } from '../../figures/figure.js';
import { updateFigureIndex, type FigureIndexEntry } from '../../figures/figureIndex.js';
import { progressBar, type Progress } from '../../figures/progressBar.js';
import { figure, figures } from '../../figures/registry.js';

/** Runs one figure and writes <id>-<panel>.svg and <id>.txt (the caption with the figure's time); scale is the figure budget (budget.ts). */
export async function reproduceFigure(f: FigureDefinition, outDir: string, seed: number, progress: Progress, scale = 1): Promise<FigureIndexEntry> {
  const start = performance.now();
  const out = await f.run({ seed, progress, scale });
  const seconds = (performance.now() - start) / 1000;
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

export function registerReproduce(program: Command): void {
  program
    .command('reproduce')
    .description(`reproduce a figure of the papers as SVGs with captions (ids: ${figures.map((f) => f.id).join(', ')}, or all)`)
    .argument('<id>', 'figure id or alias (e.g. SR.R4.2 or SR.Fig1), or all')
    .option('--out <dir>', 'output directory', 'reports/figures')
    .option('--seed <n>', 'base seed of the figure runs', String(FIGURE_SEED))
    .option('--scale <x>', 'budget: multiply every step count by x (e.g. 0.001 for a smoke run; captions say so)', '1')
    .action(async (id: string, opts: { out: string; seed: string; scale: string }) => {
      const seed = Number(opts.seed);
      if (!Number.isInteger(seed)) throw new RangeError(`reproduce: --seed=${opts.seed} must be an integer`);
      const scale = Number(opts.scale);
      if (!(Number.isFinite(scale) && scale > 0)) throw new RangeError(`reproduce: --scale=${opts.scale} must be a number > 0; use 1 for the full figures`);
      const chosen = id === 'all' ? figures : [figure(id)];
      const progress = progressBar();
      const timings: string[] = [];
      for (const f of chosen) {
        process.stderr.write(`${f.id}: ${f.title}\n`);
        const entry = await reproduceFigure(f, opts.out, seed, progress, scale);
        updateFigureIndex(
          opts.out,
          entry,
          figures.map((g) => g.id),
        );
        timings.push(`${f.id.padEnd(10)} ${entry.seconds.toFixed(1).padStart(7)} s  ${entry.files.length} SVG(s)`);
        process.stdout.write(`${f.id}: wrote ${entry.files.map((x) => join(opts.out, x)).join(', ')} (${entry.seconds.toFixed(1)} s)\n`);
      }
      process.stdout.write(`\nfigure times:\n${timings.join('\n')}\n`);
    });
}
