import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseSpec } from '../spec/spec.js';
import { runSpec } from '../run/recordedRun.js';
import { readFileSync } from 'node:fs';

const specPath = fileURLToPath(new URL('../../fixtures/specs/separable-depth4-logistic.json', import.meta.url));

/** The bytes of every float in a result, so equality means bit-identical (NaN and −0 included). */
function bits(value: unknown): string {
  const out: string[] = [];
  const view = new DataView(new ArrayBuffer(8));
  const walk = (v: unknown): void => {
    if (typeof v === 'number') {
      view.setFloat64(0, v);
      out.push(view.getBigUint64(0).toString(16));
    } else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') for (const k of Object.keys(v).sort()) walk((v as Record<string, unknown>)[k]);
    else out.push(String(v));
  };
  walk(value);
  return out.join(',');
}

describe('determinism', () => {
  test('the same spec gives a bit-identical trajectory twice in one process', () => {
    const spec = JSON.parse(readFileSync(specPath, 'utf8'));
    expect(bits(runSpec(parseSpec(spec)))).toBe(bits(runSpec(parseSpec(spec))));
  });

  test('and in another process through the CLI (JSON round trip is exact for doubles)', () => {
    const spec = JSON.parse(readFileSync(specPath, 'utf8'));
    const here = bits(JSON.parse(JSON.stringify(runSpec(parseSpec(spec)))));
    const root = fileURLToPath(new URL('../..', import.meta.url));
    const res = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'train', '--spec', specPath, '--out', '-'], { cwd: root, encoding: 'utf8' });
    expect(res.status).toBe(0);
    expect(bits(JSON.parse(res.stdout))).toBe(here);
  }, 30_000);

  test('a fast-check sample is the same for the same seed', () => {
    const arb = fc.array(fc.integer(), { maxLength: 20 });
    expect(fc.sample(arb, { seed: 42, numRuns: 10 })).toEqual(fc.sample(arb, { seed: 42, numRuns: 10 }));
  });
});
