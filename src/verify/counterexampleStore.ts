import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SpecInput } from '../spec/spec.js';

/**
 * The counterexample database: fixtures/counterexamples/<claim-id>/<label>-<seed>.json.
 * Every stored case is replayed by the suite as a fast-check example, so a
 * once-found failure is checked on every later run.
 */
export interface StoredCounterexample {
  readonly claimId: string;
  /** which test found it: "property", "twin: G_1 scaled by 1.01", "ablation drop=separable", … */
  readonly label: string;
  readonly seed: number;
  readonly path: string;
  /** the fast-check value (the property's arguments tuple), as JSON */
  readonly counterexample: unknown;
  /** a spec `dlncheck train` and `dlncheck explain` can run, when the case is a training run */
  readonly spec?: SpecInput;
  readonly note?: string;
}

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export function counterexampleDir(claimId: string, base = join(root, 'fixtures', 'counterexamples')): string {
  return join(base, claimId);
}

export function slug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9.=]+/g, '-').replace(/^-|-$/g, '').slice(0, 60);
}

export function loadCounterexamples(claimId: string, base?: string): StoredCounterexample[] {
  const dir = counterexampleDir(claimId, base);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => {
      const value = JSON.parse(readFileSync(join(dir, f), 'utf8')) as StoredCounterexample;
      if (value.claimId !== claimId) throw new RangeError(`${join(dir, f)}: claimId=${value.claimId} must equal its folder ${claimId}`);
      return value;
    });
}

/** Stored counterexamples of one test, as fast-check examples (argument tuples). */
export function storedExamples<Ts>(claimId: string, label: string, base?: string): Ts[] {
  return loadCounterexamples(claimId, base)
    .filter((c) => c.label === label)
    .map((c) => c.counterexample as Ts);
}

/** Writes a case; returns its file path. Same label and seed overwrite (idempotent re-runs). */
export function saveCounterexample(c: StoredCounterexample, base?: string): string {
  const dir = counterexampleDir(c.claimId, base);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${slug(c.label)}-${c.seed}.json`);
  writeFileSync(file, JSON.stringify(c, null, 2) + '\n');
  return file;
}

/** DLNCHECK_SAVE_CEX=1 stores every counterexample found (set by `dlncheck ablate` and `replay --save`). */
export function savingEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.DLNCHECK_SAVE_CEX === '1';
}
