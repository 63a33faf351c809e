import { describe, expect, test } from 'vitest';
import { FAULT_META_KEY } from './fault.js';
import { formatPowerMatrix, isMainTest, mainTestPattern, parsePowerFile, powerMatrix, powerMetrics } from './power.js';

describe('isMainTest', () => {
  test.each([
    ['JT.Thm1-rank1 INEQ: 1 − ρ_k² ≤ …', 'JT.Thm1-rank1', true],
    ['JT.Thm1-rank1 twin: fails when …', 'JT.Thm1-rank1', false],
    ['JT.Thm1-risk ablation drop=JT.A1: …', 'JT.Thm1-risk', false],
    ['JT.A2-necessary CEX: L = 2 …', 'JT.A2-necessary', false],
    ['RNBU.Thm1 finding: autoencoding …', 'RNBU.Thm1', false],
    ['DHL.Thm2.1 EXACT …', 'DHL.Thm2', false],
    ['JT.Thm1-rank1x INEQ', 'JT.Thm1-rank1', false],
  ])('%s of %s: %s', (title, id, main) => expect(isMainTest(title, id)).toBe(main));
});

describe('mainTestPattern', () => {
  const re = new RegExp(mainTestPattern(['JT.Thm1-rank1', 'DHL.Thm2.2']));
  test('selects main properties inside full names and skips twins and ablations', () => {
    expect(re.test('JT.Thm1-rank1: ρ_k → 1 JT.Thm1-rank1 INEQ: …')).toBe(true);
    expect(re.test('JT.Thm1-rank1: ρ_k → 1 JT.Thm1-rank1 twin: fails …')).toBe(false);
    expect(re.test('DHL.Thm2.2: D_k constant DHL.Thm2.2 EXACT: …')).toBe(true);
    expect(re.test('JT ablations JT.Thm1-risk ablation drop=separable')).toBe(false);
    expect(re.test('DHL.Thm2.1 EXACT …')).toBe(false);
  });
});

describe('powerMatrix', () => {
  const withFault = (f: string) => ({ [FAULT_META_KEY]: f });
  const clean = [
    { title: 'A.x INEQ', status: 'passed' },
    { title: 'A.x twin: …', status: 'passed' },
    { title: 'B.y EXACT', status: 'passed' },
    { title: 'C.z MONO', status: 'failed' },
    // skipped in this profile (thorough-only): ran nothing, so it must not count as failing
    { title: 'A.x TREND thorough', status: 'skipped' },
  ];
  const rows = powerMatrix(['A.x', 'B.y', 'C.z', 'D.w'], clean, {
    'scale:1:1.01': [
      { title: 'A.x INEQ', status: 'failed', meta: withFault('scale:1:1.01') },
      { title: 'B.y EXACT', status: 'passed', meta: withFault('scale:1:1.01') },
      { title: 'C.z MONO', status: 'failed' },
    ],
    frozen: [
      { title: 'A.x INEQ', status: 'passed', meta: withFault('frozen') },
      { title: 'A.x TREND thorough', status: 'skipped' },
      { title: 'B.y EXACT', status: 'passed' },
    ],
  });

  test('detected, missed, not wired and no test are told apart', () => {
    expect(rows[0]).toEqual({ claimId: 'A.x', tests: 1, clean: 'passes', cells: { 'scale:1:1.01': 'detected', frozen: 'missed' } });
    expect(rows[1].cells).toEqual({ 'scale:1:1.01': 'missed', frozen: 'not wired' });
    // C.z failed with the fault but never trained with it: its failure says nothing about the fault
    expect(rows[2]).toMatchObject({ clean: 'fails', cells: { 'scale:1:1.01': 'not wired', frozen: 'no test' } });
    expect(rows[3]).toMatchObject({ tests: 0, clean: 'no test' });
  });

  test('formats as a Markdown table with a legend', () => {
    const md = formatPowerMatrix(rows, ['scale:1:1.01', 'frozen']).split('\n');
    expect(md[0]).toBe('| claim | main tests | exact trainer | scale:1:1.01 | frozen |');
    expect(md[2]).toBe('| A.x | 1 | passes | ✓ | ✗ missed |');
    expect(md[3]).toBe('| B.y | 1 | passes | ✗ missed | – |');
    expect(md.at(-1)).toContain('✓ detected');
  });
});

describe('parsePowerFile', () => {
  const good = {
    generatedAt: '2026-01-02T03:04:05.000Z',
    profile: 'default',
    commit: 'f014d7c',
    faults: ['scale:1:1.01', 'frozen'],
    rows: [{ claimId: 'A.x', tests: 1, clean: 'passes', cells: { 'scale:1:1.01': 'detected', frozen: 'missed' } }],
  };

  test('reads what dlncheck power writes; generatedAt and profile are optional (older files)', () => {
    expect(parsePowerFile(JSON.parse(JSON.stringify(good)), 'p.json')).toEqual(good);
    const { generatedAt: _g, profile: _p, commit: _c, ...old } = good;
    expect(parsePowerFile(old, 'p.json')).toEqual(old);
  });

  test('a malformed file is an error naming the file, the field and the rule', () => {
    expect(() => parsePowerFile(null, 'p.json')).toThrow('p.json: (root)=null must be an object with faults and rows; regenerate it with dlncheck power');
    expect(() => parsePowerFile({ ...good, faults: 'frozen' }, 'p.json')).toThrow('p.json: faults="frozen" must be an array of fault names');
    expect(() => parsePowerFile({ ...good, rows: {} }, 'p.json')).toThrow('p.json: rows={} must be an array');
    const row = (over: object) => ({ ...good, rows: [{ ...good.rows[0], ...over }] });
    expect(() => parsePowerFile(row({ claimId: 3 }), 'p.json')).toThrow('p.json: rows[0].claimId=3 must be a string');
    expect(() => parsePowerFile(row({ tests: -1 }), 'p.json')).toThrow('p.json: rows[0].tests=-1 must be a whole number ≥ 0');
    expect(() => parsePowerFile(row({ clean: 'ok' }), 'p.json')).toThrow('p.json: rows[0].clean="ok" must be one of passes, fails, no test');
    expect(() => parsePowerFile(row({ cells: { 'scale:1:1.01': 'detected' } }), 'p.json')).toThrow(
      'p.json: rows[0].cells["frozen"]=undefined must be one of detected, missed, not wired, no test',
    );
  });
});

describe('powerMetrics', () => {
  test('1 per detected fault, 0 per missed one, and the share detected; unwired and untested faults are left out', () => {
    expect(powerMetrics({ a: 'detected', b: 'missed', c: 'not wired', d: 'no test', e: 'detected' })).toEqual({
      'power:a': 1,
      'power:b': 0,
      'power:e': 1,
      power: 2 / 3,
    });
    expect(powerMetrics({ c: 'not wired' })).toEqual({});
  });
});
