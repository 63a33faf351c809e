import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { ablationTest, claim, claims, claimTitle } from './registry.js';

describe('claim registry', () => {
  test('IDs are unique and every claim names a property file that exists', () => {
    expect(new Set(claims.map((c) => c.id)).size).toBe(claims.length);
    for (const c of claims) expect(existsSync(c.property), `${c.id}: ${c.property}`).toBe(true);
  });

  test('every claim ID a property file names (claimTitle, ablationTest, assertClaim, findCounterexample) is a claim whose registry file is that file', () => {
    const files = readdirSync('properties', { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.property.test.ts'))
      .map((f) => join('properties', f).split('\\').join('/'));
    const named = new Set<string>();
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/(?:claimTitle|ablationTest|assertClaim|findCounterexample)\(\s*'([^']+)'/g)) {
        expect(claim(m[1]).property, `${m[1]} is checked in ${file}`).toBe(file);
        named.add(m[1]);
      }
    }
    for (const c of claims) expect(named.has(c.id), `${c.id}: no property file names it`).toBe(true);
  });

  test('lookups and test titles start with the ID', () => {
    expect(claim('JT.Lem5').paper).toBe('JT');
    expect(() => claim('JT.Lem9')).toThrow('claim id=JT.Lem9 is not in the registry; see `dlncheck claims` for the list');
    expect(claimTitle('JT.Lem5')).toBe(`JT.Lem5 ${claim('JT.Lem5').statement}`);
    expect(claimTitle('JT.Lem5', 'twin: G_1 dropped')).toBe('JT.Lem5 twin: G_1 dropped');
  });

  test('ablation test titles and labels come from the registry', () => {
    const a = claim('JT.Thm1-risk').ablations.find((x) => x.breaks === 'separable')!;
    expect(ablationTest('JT.Thm1-risk', 'separable')).toEqual({
      title: `JT.Thm1-risk ablation drop=separable: ${a.expect}`,
      label: 'ablation drop=separable',
      expect: a.expect,
    });
    expect(ablationTest('JT.Thm1-risk', 'separable', 'XOR')).toEqual({
      title: 'JT.Thm1-risk ablation drop=separable: XOR',
      label: 'ablation drop=separable: XOR',
      expect: a.expect,
    });
    expect(() => ablationTest('JT.Thm1-risk', 'JT.A9')).toThrow(
      'claim JT.Thm1-risk has no ablation breaking JT.A9; the registry lists ["separable","JT.A2","JT.A1","JT.A4"]',
    );
  });
});
