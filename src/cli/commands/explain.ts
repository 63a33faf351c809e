import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { evaluateHypotheses } from '../../assumptions/hypotheses.js';
import { ablationLabel } from '../../claims/ablationLabel.js';
import { claim } from '../../claims/registry.js';
import { renderSvg } from '../../plots/renderSvg.js';
import { replayCase } from '../../report/replayCase.js';
import { parseSpec } from '../../spec/spec.js';
import { parseCounterexampleCase, slug } from '../../verify/counterexampleStore.js';
import { readJson } from '../io.js';

/**
 * `dlncheck explain <case.json>`: trains a stored counterexample (or a bare
 * spec with --claim), says which of the claim's hypotheses hold on it, and
 * writes its trajectory plots.
 */
export function registerExplain(program: Command): void {
  program
    .command('explain')
    .description('train a counterexample case, evaluate each hypothesis of its claim on it, and write its trajectory plots')
    .argument('<case>', 'a case from fixtures/counterexamples/<claim-id>/, or a spec file with --claim')
    .option('--claim <id>', 'the claim to explain against (required for a bare spec)')
    .option('--out <dir>', 'where the SVG plots go', 'reports/explain')
    .action(async (file: string, opts: { claim?: string; out: string }) => {
      const value = readJson(file, 'explain');
      const isCase = typeof value === 'object' && value !== null && 'claimId' in value;
      const stored = isCase ? parseCounterexampleCase(value, file) : null;
      const claimId = opts.claim ?? stored?.claimId;
      if (!claimId) throw new RangeError(`explain: ${file} is a bare spec; say which claim it concerns with --claim <id>`);
      const c = claim(claimId);
      const specValue = stored ? stored.spec : value;
      if (specValue === undefined)
        throw new RangeError(`explain: ${file} has no spec (its counterexample is not a training run): ${JSON.stringify(stored?.counterexample)}`);
      const setup = parseSpec(specValue);
      const { result, plots } = replayCase(c.id, setup, stored?.label ?? 'case');
      const lines = [`${c.id} (${c.paper}): ${c.statement}`];
      if (stored)
        lines.push(
          `case: ${stored.label} (seed ${stored.seed}, path ${stored.path})${stored.ablation ? ` — an expected counterexample of the ${ablationLabel(stored.ablation)}` : ''}`,
        );
      lines.push('hypotheses on this case:');
      const verdicts = evaluateHypotheses(c.hypotheses, setup);
      for (const v of verdicts) lines.push(`  ${v.holds === null ? '?' : v.holds ? '✓' : '✗'} ${v.reason}`);
      const broken = verdicts.filter((v) => v.holds === false).map((v) => v.name);
      lines.push(
        broken.length ? `broken: ${broken.join(', ')}` : 'every decidable hypothesis holds: if the claim fails here, the claim (or its check) is wrong',
      );
      if (result.diverged) lines.push(`training diverged at step ${result.diverged.step} (${result.diverged.reason})`);
      const last = result.checkpoints[result.checkpoints.length - 1];
      if (last)
        lines.push(
          `after ${last.step} steps: risk ${last.risk.toPrecision(4)}, ρ_k ${last.normRatio.map((r) => r.toFixed(4)).join(' ')}${last.cosineToMaxMargin === null ? '' : `, cos(w_prod, ū) ${last.cosineToMaxMargin.toFixed(6)}`}`,
        );
      const dir = join(opts.out, c.id, slug(stored ? `${stored.label}-${stored.seed}` : file.replace(/^.*\//, '').replace(/\.json$/, '')));
      mkdirSync(dir, { recursive: true });
      for (const p of plots) writeFileSync(join(dir, `${p.name}.svg`), await renderSvg(p.spec));
      writeFileSync(join(dir, 'result.json'), `${JSON.stringify(result, null, 2)}\n`);
      lines.push(`plots: ${plots.map((p) => join(dir, `${p.name}.svg`)).join(', ')}`);
      process.stdout.write(`${lines.join('\n')}\n`);
    });
}
