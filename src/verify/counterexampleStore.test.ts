import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import type { SpecInput } from '../spec/spec.js';
import {
  claimCounterexamples,
  loadCounterexamples,
  parseCounterexampleCase,
  saveCounterexample,
  savingEnabled,
  slug,
  storedExamples,
  type CounterexampleCase,
} from './counterexampleStore.js';

const roots: string[] = [];
function tempRoot(): string {
  const d = mkdtempSync(join(tmpdir(), 'dlncheck-cex-'));
  roots.push(d);
  return d;
}
afterEach(() => {
  for (const d of roots.splice(0)) rmSync(d, { recursive: true, force: true });
});

const spec: SpecInput = {
  data: { x: [[1, 0]], y: [1] },
  network: { weights: [[[0.5, 0.5]]] },
  loss: 'logistic',
  schedule: { kind: 'constant', eta: 0.1 },
  steps: 3,
};
const base: CounterexampleCase = {
  claimId: 'JT.Thm1-risk',
  label: 'ablation drop=separable: XOR',
  seed: 12,
  path: '3:0:1',
  counterexample: [[1, 2]],
  spec,
  ablation: 'separable',
};

describe('counterexample store: save and load round trip', () => {
  test('a saved case lands in <root>/<claim-id>/<label-slug>-<seed>.json and loads back', () => {
    const root = tempRoot();
    const file = saveCounterexample(base, root);
    expect(file).toBe(join(root, 'JT.Thm1-risk', 'ablation-drop=separable-xor-12.json'));
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(base);
    expect(loadCounterexamples(root)).toEqual([{ file: join('JT.Thm1-risk', 'ablation-drop=separable-xor-12.json'), case: base }]);
  });

  test('the same label and seed overwrite; other cases accumulate, sorted by folder and file', () => {
    const root = tempRoot();
    saveCounterexample(base, root);
    saveCounterexample({ ...base, note: 'second write' }, root);
    saveCounterexample({ ...base, seed: 3 }, root);
    saveCounterexample({ claimId: 'DHL.Thm2.1', label: 'property', seed: 1, path: '0' }, root);
    const all = loadCounterexamples(root);
    expect(all.map((s) => s.file)).toEqual([
      join('DHL.Thm2.1', 'property-1.json'),
      join('JT.Thm1-risk', 'ablation-drop=separable-xor-12.json'),
      join('JT.Thm1-risk', 'ablation-drop=separable-xor-3.json'),
    ]);
    expect(all[1].case.note).toBe('second write');
    expect(claimCounterexamples('JT.Thm1-risk', root).map((c) => c.seed)).toEqual([12, 3]);
    expect(claimCounterexamples('JT.Lem5', root)).toEqual([]);
  });

  test('a process parses the database once, and again whenever a file is added, changed or removed', () => {
    const root = tempRoot();
    const file = saveCounterexample(base, root);
    const first = loadCounterexamples(root);
    // unchanged listing: the same parsed cases (not re-read)
    expect(loadCounterexamples(root)[0].case).toBe(first[0].case);
    writeFileSync(file, JSON.stringify({ ...base, note: 'edited in place' }));
    expect(loadCounterexamples(root)[0].case.note).toBe('edited in place');
    saveCounterexample({ ...base, seed: 4 }, root);
    expect(loadCounterexamples(root).map((c) => c.case.seed)).toEqual([12, 4]);
    rmSync(file);
    expect(loadCounterexamples(root).map((c) => c.case.seed)).toEqual([4]);
  });

  test('storedExamples: the argument tuples of one test, cases without a value skipped', () => {
    const root = tempRoot();
    saveCounterexample(base, root);
    saveCounterexample({ ...base, seed: 4, counterexample: undefined }, root);
    saveCounterexample({ ...base, label: 'property', counterexample: [[9]] }, root);
    expect(storedExamples('JT.Thm1-risk', base.label, root)).toEqual([[[1, 2]]]);
    expect(storedExamples('JT.Thm1-risk', 'property', root)).toEqual([[[9]]]);
  });

  test('a missing root is an empty database; stray files and non-JSON files are ignored', () => {
    expect(loadCounterexamples(join(tempRoot(), 'absent'))).toEqual([]);
    const root = tempRoot();
    writeFileSync(join(root, 'README.md'), 'not a folder');
    mkdirSync(join(root, 'JT.Lem5'));
    writeFileSync(join(root, 'JT.Lem5', 'notes.txt'), 'not a case');
    expect(loadCounterexamples(root)).toEqual([]);
  });
});

describe('counterexample store: every bad case names its file and field', () => {
  test('a file that is not JSON', () => {
    const root = tempRoot();
    mkdirSync(join(root, 'JT.Lem5'));
    const file = join(root, 'JT.Lem5', 'x-1.json');
    writeFileSync(file, '{');
    expect(() => loadCounterexamples(root)).toThrow(SyntaxError);
    expect(() => loadCounterexamples(root)).toThrow(`${file}: not valid JSON: `);
  });

  test('a case filed under another claim’s folder says where to move it', () => {
    const root = tempRoot();
    mkdirSync(join(root, 'JT.Lem5'));
    const file = join(root, 'JT.Lem5', 'x-1.json');
    writeFileSync(file, JSON.stringify({ claimId: 'DHL.Thm2.1', label: 'property', seed: 1, path: '0' }));
    expect(() => loadCounterexamples(root)).toThrow(`${file}: claimId=DHL.Thm2.1 but the folder is JT.Lem5; move the file to ${join(root, 'DHL.Thm2.1')}`);
  });

  test.each([
    [
      'an empty label',
      { label: '' },
      /^here: label must not be empty; say which test found the case; see src\/verify\/counterexampleStore\.ts for the format$/,
    ],
    ['a fractional seed', { seed: 1.5 }, /^here: seed must be an integer;/],
    ['an unknown field', { extra: 1 }, /^here: \(root\) .*extra/],
    ['an unknown claim', { claimId: 'JT.Nope' }, /claim id=JT\.Nope is not in the registry/],
    [
      'an ablation the claim does not have',
      { ablation: 'JT.A9' },
      /^here: ablation="JT\.A9" is not an ablation of JT\.Thm1-risk; use one of \["separable","JT\.A2","JT\.A1","JT\.A4"\] or omit it$/,
    ],
    ['a spec that does not parse', { spec: { ...spec, steps: -1 } }, /^here: spec\.steps: must be ≥ 0$/],
  ])('%s', (_name, edit, message) => {
    expect(() => parseCounterexampleCase({ ...base, ...edit }, 'here')).toThrow(message);
  });

  test('saving validates first and writes nothing on error', () => {
    const root = tempRoot();
    expect(() => saveCounterexample({ ...base, label: '' }, root)).toThrow(/^saveCounterexample\(JT\.Thm1-risk\): label must not be empty/);
    expect(loadCounterexamples(root)).toEqual([]);
  });
});

describe('slug and savingEnabled', () => {
  test('slug keeps lowercase letters, digits, dots and =, joins the rest with -, caps at 60', () => {
    expect(slug('Twin: G_1 scaled by 1.01')).toBe('twin-g-1-scaled-by-1.01');
    expect(slug('  --ablation drop=JT.A2--  ')).toBe('ablation-drop=jt.a2');
    expect(slug('ρ ‖')).toBe('case');
    expect(slug('a'.repeat(80))).toHaveLength(60);
  });

  test('saving is on only for DLNCHECK_SAVE_CEX=1', () => {
    expect(savingEnabled({ DLNCHECK_SAVE_CEX: '1' })).toBe(true);
    expect(savingEnabled({ DLNCHECK_SAVE_CEX: 'true' })).toBe(false);
    expect(savingEnabled({})).toBe(false);
  });
});
