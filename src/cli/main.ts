import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';

type Register = (program: Command) => void;

/**
 * Every command lives in cli/commands/ and is loaded only when it runs (or
 * for help): the plotting commands pull in vega, which takes longer to load
 * than `train` takes to run 10^5 steps.
 */
const commands: Record<string, () => Promise<Register>> = {
  train: async () => (await import('./commands/train.js')).registerTrain,
  claims: async () => (await import('./commands/claims.js')).registerClaims,
  audit: async () => (await import('./commands/audit.js')).registerAudit,
  ablate: async () => (await import('./commands/ablate.js')).registerAblate,
  replay: async () => (await import('./commands/replay.js')).registerReplay,
  explain: async () => (await import('./commands/explain.js')).registerExplain,
  report: async () => (await import('./commands/report.js')).registerReport,
  reproduce: async () => (await import('./commands/reproduce.js')).registerReproduce,
  sweep: async () => (await import('./commands/sweep.js')).registerSweep,
  power: async () => (await import('./commands/power.js')).registerPower,
};

/** Commands that run the suite's own properties with vitest: they need a source checkout, not the installed package. */
const checkoutOnly = new Set(['ablate', 'replay', 'sweep', 'report', 'power']);

/** The nearest folder above this module with a package.json (the checkout, or the installed package). */
function packageRoot(from = dirname(fileURLToPath(import.meta.url))): string {
  for (let dir = from; ; dir = dirname(dir)) if (existsSync(join(dir, 'package.json')) || dirname(dir) === dir) return dir;
}

/** Refuses a checkout-only command in a copy without properties/ (the installed package), naming what works there. */
export function requireCheckout(command: string | undefined, root = packageRoot()): void {
  if (command === undefined || !checkoutOnly.has(command) || existsSync(join(root, 'properties'))) return;
  throw new Error(
    `${command} runs the suite's own properties with vitest and needs a source checkout of dlncheck (this copy at ${root} has no properties/); the installed package runs claims, train, audit, explain and reproduce`,
  );
}

/** Builds the dlncheck command line with every command, or only `only` when it names one. */
export async function buildProgram(only?: string): Promise<Command> {
  const program = new Command();
  program.name('dlncheck').description('Property-based checks of theorems about gradient descent on deep linear networks');
  const names = only !== undefined && only in commands ? [only] : Object.keys(commands);
  for (const name of names) (await commands[name]())(program);
  return program;
}

export async function main(argv: string[]): Promise<void> {
  try {
    requireCheckout(argv[2]);
    await (await buildProgram(argv[2])).parseAsync(argv);
  } catch (e) {
    // one clear line, non-zero exit (stack traces only with DLNCHECK_DEBUG=1)
    process.stderr.write(`dlncheck: ${(e as Error).message}\n`);
    if (process.env.DLNCHECK_DEBUG) process.stderr.write(`${(e as Error).stack}\n`);
    process.exitCode = 2;
  }
}

const invokedDirectly = process.argv[1] && /cli[\\/]main\.[tj]s$/.test(process.argv[1]);
if (invokedDirectly) void main(process.argv);
