import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { buildReport } from './buildReport.js';
import {
  beyondThreshold,
  compareClaims,
  compareInput,
  compareMarkdown,
  DEFAULT_THRESHOLDS,
  OTHER_METRIC_THRESHOLD,
  parseThresholds,
  thresholdOf,
  withoutRunDetails,
} from './compare.js';
import { claimsJson } from './htmlReport.js';

/** A claims.json row as writeReport writes it, cut to what the comparison reads plus some noise it must ignore. */
function row(id: string, verdict: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id,
    paper: 'JT',
    statement: '…',
    verdict,
    runs: 100,
    seed: 1,
    timeMs: 12,
    tests: [{ title: `${id} holds`, status: verdict === 'counterexample found' ? 'failed' : 'passed', durationMs: 3 }],
    counterexamples: [],
    ...extra,
  };
}
const claims = (...rows: Record<string, unknown>[]) => ({ generatedAt: 'x', seed: 1, rows });
const cmp = (base: unknown, head: unknown) => compareClaims(compareInput(base, 'base.json'), compareInput(head, 'head.json'));

describe('compareClaims: verdicts', () => {
  test('verified → counterexample found is a regression, listed first; fixes and other changes are not', () => {
    const base = claims(
      row('A', 'verified'),
      row('B', 'counterexample found'),
      row('C', 'verified'),
      row('D', 'not run'),
      row('E', 'verified'),
      row('F', 'expected counterexample found (ablation)'),
    );
    const head = claims(
      row('A', 'verified'),
      row('B', 'verified'),
      row('C', 'counterexample found'),
      row('D', 'verified'),
      row('E', 'not run'),
      row('F', 'expected counterexample not found'),
    );
    const c = cmp(base, head);
    expect(c.regressions).toBe(2);
    expect(c.verdicts.map((v) => [v.id, v.kind])).toEqual([
      ['C', 'regression'],
      ['F', 'regression'],
      ['E', 'no longer checked'],
      ['D', 'changed'],
      ['B', 'fixed'],
    ]);
    const md = compareMarkdown(c, { base: 'base.json', head: 'head.json' });
    expect(md).toContain('**2 verdict regressions**');
    expect(md).toContain('| C | verified | counterexample found | **regression** |');
    expect(md.indexOf('| C |')).toBeLessThan(md.indexOf('| B |'));
    expect(md).toContain('### Tests whose status changed');
    expect(md).toContain('- passed → failed: C holds');
  });

  test('identical runs: nothing changed, no regression, no sections', () => {
    const base = claims(row('A', 'verified'), row('B', 'expected counterexample found (ablation)'));
    const c = cmp(base, structuredClone(base));
    expect(c.regressions).toBe(0);
    const md = compareMarkdown(c, { base: 'b', head: 'h' });
    expect(md).toContain('No verdict changed.');
    expect(md).not.toContain('###');
  });

  test('verified → only ablation evidence is "no longer checked"; a new claim that fails is a regression; removed claims are listed', () => {
    const c = cmp(
      claims(row('A', 'verified'), row('Gone', 'verified')),
      claims(row('A', 'expected counterexample found (ablation)'), row('New', 'counterexample found'), row('Ok', 'verified')),
    );
    expect(c.verdicts.map((v) => [v.id, v.base, v.kind])).toEqual([
      ['New', null, 'regression'],
      ['A', 'verified', 'no longer checked'],
      ['Ok', null, 'changed'],
    ]);
    expect(c.claimsAdded).toEqual(['New', 'Ok']);
    expect(c.claimsRemoved).toEqual(['Gone']);
    const md = compareMarkdown(c, { base: 'b', head: 'h' });
    expect(md).toContain('| New | (new claim) | counterexample found | **regression** |');
    expect(md).toContain('### Claims no longer in the registry\n\n- Gone');
  });

  test('a change among failing verdicts is not a regression', () => {
    expect(cmp(claims(row('A', 'counterexample found')), claims(row('A', 'expected counterexample not found'))).verdicts).toEqual([
      { id: 'A', base: 'counterexample found', head: 'expected counterexample not found', kind: 'changed' },
    ]);
  });
});

describe('compareClaims: counterexamples and tests', () => {
  test('stored counterexamples are matched by file: new and vanished ones are listed with their claim and label', () => {
    const cex = (file: string, expected: boolean, label: string) => ({ file, expected, case: { claimId: file.split('/')[0], label }, run: null, plots: [] });
    const base = claims(row('A', 'verified', { counterexamples: [cex('A/old.json', true, 'ablation drop=X')] }), row('B', 'verified'));
    const head = claims(row('A', 'verified'), row('B', 'counterexample found', { counterexamples: [cex('B/case-0.json', false, 'property')] }));
    const c = cmp(base, head);
    expect(c.newCounterexamples).toEqual([{ id: 'B', file: 'B/case-0.json', expected: false, label: 'property' }]);
    expect(c.vanishedCounterexamples).toEqual([{ id: 'A', file: 'A/old.json', expected: true, label: 'ablation drop=X' }]);
    const md = compareMarkdown(c, { base: 'b', head: 'h' });
    expect(md).toContain('- new `B/case-0.json` (B, property; refutes the claim as stated)');
    expect(md).toContain('- vanished `A/old.json` (A, ablation drop=X; expected: ablation)');
  });

  test('tests are matched by title within a claim: added and removed ones are listed', () => {
    const base = claims(
      row('A', 'verified', {
        tests: [
          { title: 'A holds', status: 'passed' },
          { title: 'A twin', status: 'passed' },
        ],
      }),
    );
    const head = claims(
      row('A', 'verified', {
        tests: [
          { title: 'A holds', status: 'passed' },
          { title: 'A | new bound', status: 'passed' },
        ],
      }),
    );
    const c = cmp(base, head);
    expect(c.testsAdded).toEqual([{ id: 'A', title: 'A | new bound' }]);
    expect(c.testsRemoved).toEqual([{ id: 'A', title: 'A twin' }]);
    expect(compareMarkdown(c, { base: 'b', head: 'h' })).toContain('### Tests added and removed\n\n- added: A | new bound\n- removed: A twin');
  });
});

describe('compareClaims: metrics', () => {
  test('metrics both sides carry are compared against their thresholds; one-sided ones are ignored', () => {
    const base = claims(row('A', 'verified', { metrics: { regimeShare: 0.8, tightnessRatio: 0.5, power: 0.9, other: 10, onlyBase: 1 } }));
    const head = claims(row('A', 'verified', { metrics: { regimeShare: 0.74, tightnessRatio: 0.54, power: 0.86, other: 11, onlyHead: 2 }, runs: 50 }));
    const c = cmp(base, head);
    // regimeShare −0.06 ≥ 0.05 (listed); tightnessRatio +8 % < 10 %; power −0.04 < 0.05; other +10 % ≥ 10 %; runs 100 → 50: any change
    expect(c.metrics.map((m) => [m.metric, m.base, m.head])).toEqual([
      ['runs', 100, 50],
      ['regimeShare', 0.8, 0.74],
      ['other', 10, 11],
    ]);
    const md = compareMarkdown(c, { base: 'b', head: 'h' });
    expect(md).toContain('| A | runs | 100 | 50 | any change |');
    expect(md).toContain('| A | regimeShare | 0.8000 | 0.7400 | \\|Δ\\| ≥ 0.05 |');
    expect(md).toContain('| A | other | 10 | 11 | \\|Δ\\| ≥ 10 % of base |');
  });

  test('runs are compared only when the verdict held: a failing property stops early', () => {
    const c = cmp(claims(row('A', 'verified')), claims(row('A', 'counterexample found', { runs: 7 })));
    expect(c.regressions).toBe(1);
    expect(c.metrics).toEqual([]);
  });

  test('beyondThreshold: absolute and relative, and no change is never beyond', () => {
    expect(beyondThreshold(0.5, 0.55, { kind: 'absolute', value: 0.05 })).toBe(true);
    expect(beyondThreshold(0.5, 0.54, { kind: 'absolute', value: 0.05 })).toBe(false);
    expect(beyondThreshold(2, 2.2, { kind: 'relative', value: 0.1 })).toBe(true);
    expect(beyondThreshold(2, 2.1, { kind: 'relative', value: 0.1 })).toBe(false);
    expect(beyondThreshold(3, 3, { kind: 'relative', value: 0 })).toBe(false);
    expect(beyondThreshold(0, 1e-9, { kind: 'relative', value: 0.1 })).toBe(true); // relative to a zero base: any change
  });

  test('--threshold overrides: a bare number is absolute, a percentage relative; anything else names the flag', () => {
    const t = parseThresholds(['power=0.1', 'tightnessRatio=20%']);
    expect(t.power).toEqual({ kind: 'absolute', value: 0.1 });
    expect(t.tightnessRatio).toEqual({ kind: 'relative', value: 0.2 });
    expect(t.regimeShare).toEqual(DEFAULT_THRESHOLDS.regimeShare);
    expect(() => parseThresholds(['power>0.1'])).toThrow(
      'report: --threshold=power>0.1 must be name=number (absolute change) or name=number% (relative to the base)',
    );
    const c = compareClaims(
      compareInput(claims(row('A', 'verified', { metrics: { power: 0.9 } })), 'b'),
      compareInput(claims(row('A', 'verified', { metrics: { power: 0.84 } })), 'h'),
      t,
    );
    expect(c.metrics).toEqual([]);
  });
});

describe('compareClaims: regime, tightness, twins and power', () => {
  test('per-check metrics take their family threshold; a metric the head no longer reports is listed', () => {
    const base = claims(
      row('A', 'verified', {
        metrics: {
          regimeShare: 0.95,
          closestMedian: 0.2,
          'tightnessRatio:F2-drift': 0.3,
          'tightnessRatio:beta': 0.05,
          'twinRatio:F2-drift': 4,
          'power:scale:1:1.01': 1,
          'power:frozen': 1,
          power: 1,
        },
      }),
    );
    const head = claims(
      row('A', 'verified', {
        metrics: {
          regimeShare: 0.85,
          closestMedian: 0.21,
          'tightnessRatio:F2-drift': 0.36,
          'twinRatio:F2-drift': 3.8,
          'power:scale:1:1.01': 0,
          'power:frozen': 1,
          power: 0.5,
        },
      }),
    );
    const c = cmp(base, head);
    // regimeShare −0.10 (abs ≥ 0.05); closestMedian +5 % < 10 %; F2-drift tightness +20 % ≥ 10 %; twin margin −5 % < 10 %;
    // a power cell 1 → 0 and the share 1 → 0.5 (abs ≥ 0.05)
    expect(c.metrics.map((m) => [m.metric, m.base, m.head, m.threshold])).toEqual([
      ['regimeShare', 0.95, 0.85, { kind: 'absolute', value: 0.05 }],
      ['tightnessRatio:F2-drift', 0.3, 0.36, { kind: 'relative', value: 0.1 }],
      ['power:scale:1:1.01', 1, 0, { kind: 'absolute', value: 0.05 }],
      ['power', 1, 0.5, { kind: 'absolute', value: 0.05 }],
    ]);
    expect(c.metricsDropped).toEqual([{ id: 'A', metric: 'tightnessRatio:beta', base: 0.05 }]);
    const md = compareMarkdown(c, { base: 'b', head: 'h' });
    expect(md).toContain('| A | tightnessRatio:F2-drift | 0.3000 | 0.3600 | \\|Δ\\| ≥ 10 % of base |');
    expect(md).toContain('### Metrics the head no longer reports\n\n| claim | metric | base |\n|---|---|---|\n| A | tightnessRatio:beta | 0.05000 |');
  });

  test('thresholdOf: the metric, then its family, given before default; --threshold takes one metric of a family too', () => {
    const t = parseThresholds(['tightnessRatio=20%', 'tightnessRatio:F6=1%']);
    expect(thresholdOf('tightnessRatio:F6', t)).toEqual({ kind: 'relative', value: 0.01 });
    expect(thresholdOf('tightnessRatio:F2-drift', t)).toEqual({ kind: 'relative', value: 0.2 });
    expect(thresholdOf('power:frozen')).toEqual(DEFAULT_THRESHOLDS.power);
    expect(thresholdOf('twinRatio:x')).toEqual(OTHER_METRIC_THRESHOLD);
  });

  test('from two reports: a claim whose tracker stopped reaching its regime shows its share and tightness change', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dlncheck-cmp-regime-'));
    try {
      const report = async (share: number, drift: number) => {
        const file = join(dir, `v-${share}.json`);
        const regime = { regime: 'R < ℓ(0)/n', runs: 20, reached: share * 20, share, minShare: 0.8, closest: null, tightness: { 'F2-drift': drift } };
        writeFileSync(
          file,
          JSON.stringify({
            testResults: [
              {
                name: 'properties/jt/thm1-risk.property.test.ts',
                assertionResults: [
                  { title: 'JT.Thm1-risk main', fullName: 'JT.Thm1-risk main', status: 'passed', meta: { dlncheck: { runs: 20 }, dlncheckRegime: regime } },
                ],
              },
            ],
          }),
        );
        return claimsJson(await buildReport({ vitestJson: file, counterexamplesDir: join(dir, 'none'), outDir: join(dir, 'out') }));
      };
      const c = compareClaims(compareInput(await report(1, 0.5), 'b'), compareInput(await report(0.9, 0.2), 'h'));
      expect(c.metrics.map((m) => [m.id, m.metric, m.base, m.head])).toEqual([
        ['JT.Thm1-risk', 'regimeShare', 1, 0.9],
        ['JT.Thm1-risk', 'tightnessRatio:F2-drift', 0.5, 0.2],
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('compareInput', () => {
  test('a malformed claims.json names the file and the field', () => {
    expect(() => compareInput({ claims: [] }, 'base.json')).toThrow(
      'base.json: rows is missing or not an array; is it a claims.json? regenerate it with dlncheck report',
    );
    expect(() => compareInput(null, 'base.json')).toThrow('base.json: rows is missing');
    expect(() => compareInput({ rows: [{ verdict: 'verified' }] }, 'base.json')).toThrow('base.json: rows[0].id=undefined must be a string');
    expect(() => compareInput({ rows: [{ id: 'A', verdict: 3 }] }, 'base.json')).toThrow('base.json: rows[0].verdict=3 must be a string');
  });

  test('optional fields may be missing or malformed (an older base): they are read as absent', () => {
    expect(
      compareInput(
        {
          rows: [
            {
              id: 'A',
              verdict: 'verified',
              runs: 'many',
              tests: 'x',
              counterexamples: [{ file: 1 }, { file: 'A/c.json' }],
              metrics: { p: 'x', q: Number.NaN, r: 2 },
            },
          ],
        },
        'b',
      ).rows,
    ).toEqual([
      { id: 'A', verdict: 'verified', runs: null, tests: [], counterexamples: [{ file: 'A/c.json', expected: false, label: '' }], metrics: { r: 2 } },
    ]);
  });
});

describe('withoutRunDetails and merged shards', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  test('removes exactly the wall-clock and provenance fields, leaving the input untouched', () => {
    const input = {
      generatedAt: 't',
      seed: 1,
      vitest: { file: 'f', startTime: 2, success: true, claimTests: 1, otherTests: 0 },
      power: { file: 'p.json', generatedAt: 'g', faults: [], rows: [] },
      rows: [
        {
          id: 'A',
          verdict: 'verified',
          timeMs: 3,
          runs: 4,
          tests: [{ title: 'A', durationMs: 5 }],
          counterexamples: [
            { file: 'A/c.json', run: { steps: 6, seconds: 7 } },
            { file: 'A/d.json', run: null },
          ],
        },
      ],
    };
    expect(withoutRunDetails(input)).toEqual({
      seed: 1,
      vitest: { success: true, claimTests: 1, otherTests: 0 },
      power: { file: 'p.json', faults: [], rows: [] },
      rows: [
        {
          id: 'A',
          verdict: 'verified',
          runs: 4,
          tests: [{ title: 'A' }],
          counterexamples: [
            { file: 'A/c.json', run: { steps: 6 } },
            { file: 'A/d.json', run: null },
          ],
        },
      ],
    });
    expect(input.generatedAt).toBe('t');
    expect(withoutRunDetails({ vitest: null })).toEqual({ vitest: null });
  });

  test('the report of two shards equals the unsharded run’s, byte for byte without run details', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dlncheck-shards-'));
    dirs.push(dir);
    const a = (title: string, status: string, duration: number, runs: number) => ({
      title,
      fullName: title,
      status,
      duration,
      failureMessages: status === 'failed' ? ['boom'] : [],
      meta: { dlncheck: { runs, seed: 7, distribution: { 'L=2': runs } } },
    });
    const f1 = {
      name: 'properties/a.property.test.ts',
      assertionResults: [a('JT.Lem4 holds beyond the threshold', 'passed', 30, 50), a('JT.Lem5 smooth', 'failed', 4, 20)],
    };
    const f2 = {
      name: 'properties/b.property.test.ts',
      assertionResults: [a('JT.Lem4 twin: fails when broken', 'passed', 8, 10), a('DHL.Thm2.1 holds', 'passed', 9, 30)],
    };
    const put = (name: string, body: object): string => {
      writeFileSync(join(dir, name), JSON.stringify(body));
      return join(dir, name);
    };
    const opts = { counterexamplesDir: join(dir, 'none'), outDir: join(dir, 'out') };
    const whole = await buildReport({ ...opts, vitestJson: put('whole.json', { startTime: 1, success: false, testResults: [f2, f1] }) });
    const merged = await buildReport({
      ...opts,
      vitestJson: [put('s1.json', { startTime: 2, success: true, testResults: [f2] }), put('s2.json', { startTime: 1, success: false, testResults: [f1] })],
    });
    const text = (m: typeof whole) => JSON.stringify(withoutRunDetails(claimsJson(m)), null, 2);
    expect(text(merged)).toBe(text(whole));
    expect(merged.rows.find((r) => r.id === 'JT.Lem4')).toMatchObject({ verdict: 'verified', runs: 60 });
    expect(merged.rows.find((r) => r.id === 'JT.Lem5')?.verdict).toBe('counterexample found');
    // and the run details do differ, so the comparison above is not vacuous
    expect(JSON.stringify(claimsJson(merged))).not.toBe(JSON.stringify(claimsJson(whole)));
  });
});
