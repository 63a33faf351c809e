import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { claims } from '../../claims/registry.js';
import { parseFault } from '../../verify/fault.js';
import { DEFAULT_FAULTS, formatPowerMatrix, mainTestPattern, powerMatrix, type PowerTestResult } from '../../verify/power.js';
import { runVitest } from '../vitestRun.js';

type Runner = (env: Record<string, string>, pattern: string) => { status: number; tests: PowerTestResult[] };

const vitestRunner: Runner = (env, pattern) => runVitest('properties', pattern, env, { quiet: true });

/** The claim × fault matrix: one run of the selected main properties on the exact trainer, then one per fault. */
export function runPower(ids: readonly string[], faults: readonly string[], run: Runner = vitestRunner, log: (line: string) => void = () => {}) {
  const pattern = mainTestPattern(ids);
  log(`exact trainer: running the main properties of ${ids.length} claim(s)`);
  const clean = run({}, pattern).tests;
  const byFault: Record<string, PowerTestResult[]> = {};
  for (const f of faults) {
    log(`fault ${f}`);
    byFault[f] = run({ DLNCHECK_FAULT: f }, pattern).tests;
  }
  return powerMatrix(ids, clean, byFault);
}

export function registerPower(program: Command): void {
  program
    .command('power')
    .description("the claim × fault matrix: does each claim's main property fail on each broken trainer (1 % scaled, transposed, sign-flipped or dropped layer gradient, a trainer that never moves)?")
    .argument('[claim-ids...]', 'claims to run (default: every claim)')
    .option('--faults <list>', `comma-separated faults (scale:<layer>:<factor>, drop:<layer>, transpose:<layer>, sign:<layer>, frozen)`, DEFAULT_FAULTS.join(','))
    .option('--out <file>', 'where to write the matrix as JSON', 'reports/power.json')
    .action((ids: string[], opts: { faults: string; out: string }) => {
      const known = claims.map((c) => c.id);
      for (const id of ids) if (!known.includes(id)) throw new RangeError(`power: claim-id=${id} is not in the registry; \`dlncheck claims\` lists them`);
      const faults = opts.faults.split(',').map((f) => f.trim());
      faults.forEach((f, i) => parseFault(f, `power --faults[${i}]`));
      const selected = ids.length ? ids : known;
      const rows = runPower(selected, faults, vitestRunner, (line) => process.stderr.write(`${line}\n`));
      const out = resolve(opts.out);
      mkdirSync(dirname(out), { recursive: true });
      writeFileSync(out, `${JSON.stringify({ faults, rows }, null, 2)}\n`);
      process.stdout.write(`${formatPowerMatrix(rows, faults)}\n\nwritten to ${opts.out}\n`);
      // a main property that fails on the exact trainer is a failure of the suite, not a power figure
      process.exitCode = rows.some((r) => r.clean === 'fails') ? 1 : 0;
    });
}
