import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../projectRoot.js';
import { z } from 'zod';
import { claim } from '../claims/registry.js';
import { parseSpec, type SpecInput } from '../spec/spec.js';

/**
 * The counterexample database: fixtures/counterexamples/<claim-id>/<label>-<seed>.json.
 * Every stored case is replayed by the suite as a fast-check example of the
 * test that found it (same claim and label), so a once-found failure is
 * checked on every later run; the report plots the cases that carry a spec.
 */
export interface CounterexampleCase {
  readonly claimId: string;
  /** which test found it: "property", "twin: G_1 scaled by 1.01", "ablation drop=separable: …" */
  readonly label: string;
  readonly seed: number;
  readonly path: string;
  /** the fast-check value (the property's argument tuple) as JSON; replayed through fast-check's examples */
  readonly counterexample?: unknown;
  /** a spec `dlncheck train` / `explain` can run, when the case is a training run */
  readonly spec?: SpecInput;
  readonly note?: string;
  /** the registry ablation (its `breaks`) when the case is an expected counterexample of a broken hypothesis */
  readonly ablation?: string;
}

export interface StoredCounterexample {
  /** path relative to the database root, e.g. JT.Lem4/ablation-drop-threshold-42.json */
  readonly file: string;
  readonly case: CounterexampleCase;
}

export const counterexampleRoot = join(projectRoot, 'fixtures', 'counterexamples');

const schema = z
  .object({
    claimId: z.string().min(1),
    label: z.string().min(1, { message: 'must not be empty; say which test found the case' }),
    seed: z.number().int({ message: 'must be an integer' }),
    path: z.string(),
    counterexample: z.unknown().optional(),
    spec: z.unknown().optional(),
    note: z.string().optional(),
    ablation: z.string().min(1).optional(),
  })
  .strict();

/** Validates a parsed JSON value; errors name the file and field. A spec is checked by parseSpec. */
export function parseCounterexampleCase(value: unknown, where: string): CounterexampleCase {
  const res = schema.safeParse(value);
  if (!res.success) {
    const issue = res.error.issues[0];
    throw new RangeError(`${where}: ${issue.path.join('.') || '(root)'} ${issue.message}; see src/verify/counterexampleStore.ts for the format`);
  }
  const c = res.data;
  const known = claim(c.claimId);
  if (c.ablation !== undefined && !known.ablations.some((a) => a.breaks === c.ablation))
    throw new RangeError(
      `${where}: ablation=${JSON.stringify(c.ablation)} is not an ablation of ${c.claimId}; use one of ${JSON.stringify(known.ablations.map((a) => a.breaks))} or omit it`,
    );
  if (c.spec !== undefined)
    try {
      parseSpec(c.spec);
    } catch (e) {
      throw new RangeError(`${where}: ${(e as Error).message}`);
    }
  return c as CounterexampleCase;
}

function readCase(file: string): CounterexampleCase {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new SyntaxError(`${file}: not valid JSON: ${(e as Error).message}`);
  }
  return parseCounterexampleCase(value, file);
}

/**
 * Parsed cases per database root, with the listing they were read from. Every claim test asks for its stored cases,
 * and validating them (zod, and parseSpec for cases that carry a spec) costs far more than listing the files, so a
 * process parses them again only when a file was added, removed or changed (name, size or mtime differ).
 */
const loaded = new Map<string, { signature: string; cases: StoredCounterexample[] }>();

/** Every case under <root>/<claim-id>/*.json, sorted; the folder must be named after the case's claimId. */
export function loadCounterexamples(root = counterexampleRoot): StoredCounterexample[] {
  if (!existsSync(root)) return [];
  const files: { dir: string; name: string }[] = [];
  const stamps: string[] = [];
  for (const dir of readdirSync(root).sort()) {
    if (!statSync(join(root, dir)).isDirectory()) continue;
    for (const f of readdirSync(join(root, dir))
      .filter((x) => x.endsWith('.json'))
      .sort()) {
      const st = statSync(join(root, dir, f));
      files.push({ dir, name: f });
      stamps.push(`${join(dir, f)}:${st.size}:${st.mtimeMs}`);
    }
  }
  const signature = stamps.join('\n');
  const hit = loaded.get(root);
  if (hit?.signature === signature) return [...hit.cases];
  const cases: StoredCounterexample[] = [];
  for (const { dir, name } of files) {
    const c = readCase(join(root, dir, name));
    if (c.claimId !== dir)
      throw new RangeError(`${join(root, dir, name)}: claimId=${c.claimId} but the folder is ${dir}; move the file to ${join(root, c.claimId)}`);
    cases.push({ file: join(dir, name), case: c });
  }
  loaded.set(root, { signature, cases });
  return [...cases];
}

/** The cases of one claim. */
export function claimCounterexamples(claimId: string, root = counterexampleRoot): CounterexampleCase[] {
  return loadCounterexamples(root)
    .filter((s) => s.case.claimId === claimId)
    .map((s) => s.case);
}

/** Stored counterexamples of one test, as fast-check examples (argument tuples). */
export function storedExamples<Ts>(claimId: string, label: string, root = counterexampleRoot): Ts[] {
  return claimCounterexamples(claimId, root)
    .filter((c) => c.label === label && c.counterexample !== undefined)
    .map((c) => c.counterexample as Ts);
}

export function slug(text: string): string {
  return (
    text
      .toLowerCase()
      .replace(/[^a-z0-9.=]+/g, '-')
      .replace(/^-|-$/g, '')
      .slice(0, 60) || 'case'
  );
}

/** Writes a case as <root>/<claim-id>/<label-slug>-<seed>.json and returns the path; the same label and seed overwrite. */
export function saveCounterexample(c: CounterexampleCase, root = counterexampleRoot): string {
  const checked = parseCounterexampleCase(JSON.parse(JSON.stringify(c)), `saveCounterexample(${c.claimId})`);
  const dir = join(root, checked.claimId);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${slug(checked.label)}-${checked.seed}.json`);
  writeFileSync(file, `${JSON.stringify(checked, null, 2)}\n`);
  return file;
}

/** DLNCHECK_SAVE_CEX=1 stores every counterexample found (set by `dlncheck ablate` and `replay --save`). */
export function savingEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.DLNCHECK_SAVE_CEX === '1';
}
