import { Command } from 'commander';
import { registerTrain } from './commands/train.js';
import { registerReproduce } from './commands/reproduce.js';
import { registerReport } from './commands/report.js';
import { registerClaims } from './commands/claims.js';
import { registerReplay } from './commands/replay.js';
import { registerAblate } from './commands/ablate.js';
import { registerSweep } from './commands/sweep.js';
import { registerExplain } from './commands/explain.js';

/** Builds the dlncheck command line; every command lives in cli/commands/. */
export function buildProgram(): Command {
  const program = new Command();
  program.name('dlncheck').description('Property-based checks of theorems about gradient descent on deep linear networks');
  registerTrain(program);
  registerReproduce(program);
  registerReport(program);
  registerClaims(program);
  registerReplay(program);
  registerAblate(program);
  registerSweep(program);
  registerExplain(program);
  return program;
}

export async function main(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (e) {
    // one clear line, non-zero exit (stack traces only with DLNCHECK_DEBUG=1)
    process.stderr.write(`dlncheck: ${(e as Error).message}\n`);
    if (process.env.DLNCHECK_DEBUG) process.stderr.write(`${(e as Error).stack}\n`);
    process.exitCode = 2;
  }
}

const invokedDirectly = process.argv[1] && /cli[\\/]main\.[tj]s$/.test(process.argv[1]);
if (invokedDirectly) void main(process.argv);
