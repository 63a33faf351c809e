import type { Command } from 'commander';
import { parseSpec } from '../../spec/spec.js';
import { runSpec } from '../../run/recordedRun.js';
import { readJson, writeJson } from '../io.js';

export function registerTrain(program: Command): void {
  program
    .command('train')
    .description('train the network of a spec file and write the result (weights, divergence, max-margin direction, checkpoint metrics)')
    .requiredOption('--spec <file>', 'spec JSON file, or - for stdin')
    .option('--out <file>', 'result JSON file, or - for stdout', '-')
    .action((opts: { spec: string; out: string }) => {
      const setup = parseSpec(readJson(opts.spec, '--spec'));
      const result = runSpec(setup);
      writeJson(opts.out, result);
      if (result.diverged) {
        process.stderr.write(`dlncheck train: diverged at step ${result.diverged.step} (${result.diverged.reason})\n`);
        process.exitCode = 3;
      }
    });
}
