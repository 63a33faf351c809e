import { describe, expect, test } from 'vitest';
import { claim } from '../claims/registry.js';
import { claimsJson, renderHtml } from './htmlReport.js';
import type { SpecInput } from '../spec/spec.js';
import type { ClaimRow, CounterexampleView, ReportModel } from './reportModel.js';

function row(id: string, over: Partial<ClaimRow> = {}): ClaimRow {
  const c = claim(id);
  return {
    id,
    paper: c.paper,
    statement: c.statement,
    checks: c.checks,
    hypotheses: c.hypotheses,
    property: c.property,
    ablations: c.ablations,
    verdict: 'not run',
    runs: null,
    seed: null,
    timeMs: null,
    distribution: null,
    tests: [],
    counterexamples: [],
    regimeResult: null,
    tightness: {},
    twins: [],
    power: null,
    metrics: {},
    ...over,
  };
}

const spec: SpecInput = { data: { x: [[1]], y: [1] }, network: { weights: [[[1]]] }, loss: 'logistic', schedule: { kind: 'constant', eta: 1 }, steps: 1 };

const cex = (over: Partial<CounterexampleView>, note?: string): CounterexampleView => ({
  file: 'JT.Thm1-risk/a-1.json',
  case: { claimId: 'JT.Thm1-risk', label: 'a <label>', seed: 1, path: '', spec, ...(note ? { note } : {}) },
  expected: false,
  run: null,
  error: null,
  plots: [],
  ...over,
});

const model = (over: Partial<ReportModel>): ReportModel => ({
  generatedAt: '2025-01-01T00:00:00.000Z',
  seed: 7,
  vitest: null,
  rows: [],
  loose: [],
  power: null,
  figures: [],
  ...over,
});

describe('renderHtml', () => {
  test('without test results or figures: says how to produce them', () => {
    const html = renderHtml(model({ rows: [row('JT.Lem5')] }));
    expect(html).toContain('No vitest JSON found');
    expect(html).toContain('No figures yet: run <code>dlncheck reproduce all</code>.');
    expect(html).toContain('suite seed 7');
    // JT.Lem5 has no tests, cases or ablations: a table row but no details section
    expect(html).toContain('href="#claim-JT_Lem5"');
    expect(html).not.toContain('id="claim-JT_Lem5"');
  });

  test('rows: times in seconds, an all-zero distribution, escaped text', () => {
    const html = renderHtml(
      model({
        vitest: { file: 'r<1>.json', startTime: null, success: true, claimTests: 1, otherTests: 2 },
        rows: [
          row('JT.Thm1-risk', {
            verdict: 'verified',
            runs: 10,
            seed: 3,
            timeMs: 12_345,
            distribution: { 'L=2': 0 },
            tests: [{ title: 'JT.Thm1-risk t', file: 'f', status: 'failed', durationMs: 1500, expectsCounterexample: true, failure: 'x < y' }],
          }),
        ],
      }),
    );
    expect(html).toContain('Test results: <code>r&lt;1&gt;.json</code> (1 claim tests, 2 other tests).');
    expect(html).toContain('<td>12.3 s</td>');
    expect(html).toContain('<small>1.50 s</small>');
    expect(html).toContain('style="width:0px"');
    expect(html).toContain('(expects a counterexample)');
    expect(html).toContain('<pre>x &lt; y</pre>');
  });

  test('counterexamples: expected or refuting, replayed or not, with the replay outcome', () => {
    const cases = [
      cex({
        expected: true,
        case: { claimId: 'JT.Thm1-risk', label: 'abl', seed: 2, path: '1:2', ablation: 'separable', spec },
        run: { steps: 5, finalRisk: null, diverged: { step: 3, reason: 'risk is Infinity' }, seconds: 0.25 },
      }),
      cex({ expected: true, case: { claimId: 'JT.Thm1-risk', label: 'cex only', seed: 2, path: '1', spec } }),
      cex({ error: 'spec.steps: must be ≥ 0' }, 'a note & more'),
      cex({ run: { steps: 9, finalRisk: 0.123456, diverged: null, seconds: 1 } }),
    ];
    const html = renderHtml(model({ rows: [row('JT.Thm1-risk', { verdict: 'counterexample found', counterexamples: cases })] }));
    expect(html).toContain('<small>expected (ablation: separable)</small>');
    expect(html).toContain('<small>expected (ablation)</small>');
    expect(html).toContain('<small>refutes the claim as stated</small>');
    expect(html).toContain('replayed 5 step(s) in 0.25 s; final risk —; diverged at step 3 (risk is Infinity)');
    expect(html).toContain('replayed 9 step(s) in 1.00 s; final risk 0.1235');
    expect(html).toContain('path <code>(none)</code>');
    expect(html).toContain('<p>a note &amp; more</p>');
    expect(html).toContain('<p class="error">spec.steps: must be ≥ 0</p>');
    expect(html).toContain('<h4>a &lt;label&gt; ');
  });

  test('figures are linked images with their captions; claims.json names plots instead of inlining them', () => {
    const m = model({
      vitest: { file: 'v.json', startTime: Date.UTC(2025, 0, 2), success: true, claimTests: 0, otherTests: 0 },
      figures: [{ id: 'SR.R4.1', title: 'T', caption: 'C', seconds: 2, files: ['figures/SR.R4.1-risk.svg'] }],
      rows: [row('JT.Thm1-risk', { counterexamples: [cex({ plots: [{ name: 'risk', svg: '<svg/>' }] })] })],
    });
    const html = renderHtml(m);
    expect(html).toContain(', run 2025-01-02T00:00:00.000Z).');
    expect(html).toContain('<a href="figures/SR.R4.1-risk.svg"><img src="figures/SR.R4.1-risk.svg"');
    expect(html).toContain('<figure class="plot" data-plot="risk"><svg/></figure>');
    const json = claimsJson(m) as { rows: { counterexamples: { plots: string[] }[] }[] };
    expect(json.rows[0].counterexamples[0].plots).toEqual(['risk']);
  });

  // a stored case without a spec (the store allows it: not every counterexample is a training run) renders its value
  test('a case without a spec renders', () => {
    const noSpec = cex({ error: 'no spec' });
    const { spec: _omitted, ...rest } = noSpec.case;
    expect(renderHtml(model({ rows: [row('JT.Thm1-risk', { counterexamples: [{ ...noSpec, case: rest }] })] }))).toContain('no spec');
  });
});
