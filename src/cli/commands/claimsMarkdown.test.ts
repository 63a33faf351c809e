import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { claims, type Claim } from '../../claims/registry.js';
import { projectRoot } from '../../projectRoot.js';
import { CLAIMS_DOC, CLAIMS_DOC_COMMAND, claimsMarkdown, sourceFromId, toleranceImports } from './claimsMarkdown.js';

describe('docs/claims.md', () => {
  test('the committed file is what the registry generates', () => {
    const committed = readFileSync(join(projectRoot, CLAIMS_DOC), 'utf8');
    const generated = claimsMarkdown(claims);
    // a plain equality would print a 500-line diff: name the first differing line and the fix instead
    if (committed !== generated) {
      const a = committed.split('\n');
      const b = generated.split('\n');
      const i = a.findIndex((l, k) => l !== b[k]);
      const line = i < 0 ? Math.min(a.length, b.length) + 1 : i + 1;
      expect.fail(
        `${CLAIMS_DOC} is stale (first difference at line ${line}: committed ${JSON.stringify(a[line - 1])}, generated ${JSON.stringify(b[line - 1])}); run \`${CLAIMS_DOC_COMMAND}\` and commit it`,
      );
    }
  });

  test('every claim has a section with its statement, source, checks and property; nothing points outside the repository', () => {
    const md = claimsMarkdown(claims);
    for (const c of claims) {
      const at = md.indexOf(`### ${c.id}\n`);
      expect(at, c.id).toBeGreaterThan(0);
      const section = md.slice(at, md.indexOf('\n### ', at + 1) >>> 0);
      expect(section).toContain(`> ${c.statement}`);
      expect(section).toContain(`| check types | ${c.checks.join(', ')} |`);
      expect(section).toContain(`[${c.property}](../${c.property})`);
      expect(section).toContain(c.regime === undefined ? '| regime | not stated yet |' : `| regime | ${c.regime.replace(/\|/g, '\\|')} |`);
    }
    expect(md).not.toMatch(/\.\.\/shared|shared\/CLAIMS/);
  });

  test('optional registry fields win over what is derived; pipes in cells are escaped', () => {
    const c: Claim = {
      id: 'JT.MF',
      paper: 'JT',
      statement: 's',
      checks: ['EXACT'],
      hypotheses: [],
      property: 'properties/x.property.test.ts',
      ablations: [{ breaks: 'h', expect: '|a| grows', reportOnly: true }],
      regime: 'ρ ≥ 0.9',
      source: '§3',
      tolerance: 'src/tolerances/rounding.ts',
    };
    const md = claimsMarkdown([c], () => undefined);
    expect(md).toContain('| source | JT, §3 |');
    expect(md).toContain('| regime | ρ ≥ 0.9 |');
    expect(md).toContain('| tolerance derived in | [src/tolerances/rounding.ts](../src/tolerances/rounding.ts) |');
    expect(md).toContain('| ablations | drop **h**: \\|a\\| grows (reported, not asserted) |');
    const bare = claimsMarkdown([{ ...c, source: undefined, tolerance: undefined, regime: undefined, ablations: [] }], () => undefined);
    expect(bare).toContain('| source | JT, section not stated yet |');
    expect(bare).toContain('| tolerance derived in | in its property file (properties/x.property.test.ts is not in this copy) |');
    expect(bare).toContain('| ablations | none |');
    const noImports = claimsMarkdown([{ ...c, tolerance: undefined }], () => "import x from 'y';");
    expect(noImports).toContain('| tolerance derived in | derived beside the check in its property file |');
  });

  test('sources from IDs and tolerance modules from imports', () => {
    expect(sourceFromId('JT.Thm1-risk')).toBe('Theorem 1');
    expect(sourceFromId('DHL.Cor2.1')).toBe('Corollary 2.1');
    expect(sourceFromId('RNBU.Def2')).toBe('Definition 2');
    expect(sourceFromId('DHL.MF')).toBeUndefined();
    const text =
      "import { a } from '../src/tolerances/alignment.js';\nimport {\n  b,\n} from '../../src/tolerances/rounding.js';\nimport { c } from '../src/tolerances/alignment.js';";
    expect(toleranceImports('properties/jt/x.property.test.ts', text)).toEqual(['properties/src/tolerances/alignment.ts', 'src/tolerances/rounding.ts']);
  });
});

describe('dlncheck claims --markdown', () => {
  test('prints exactly what npm run claims:doc writes', async () => {
    const { vi } = await import('vitest');
    const { buildProgram } = await import('../main.js');
    const out: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => (out.push(String(s)), true));
    try {
      await (await buildProgram('claims')).parseAsync(['node', 'dlncheck', 'claims', '--markdown']);
    } finally {
      spy.mockRestore();
    }
    expect(out.join('')).toBe(claimsMarkdown(claims));
  });
});
