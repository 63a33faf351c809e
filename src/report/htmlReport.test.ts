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

  test('regime: a share the binomial test rejects (20/40 against 80 %: P = 2.2e-5) is shown short, with its P', () => {
    const summary = { regime: 'R < ℓ(0)/n', runs: 40, reached: 20, share: 0.5, minShare: 0.8, closest: null, tightness: {} };
    const r = row('JT.Thm1-risk', {
      regimeResult: { stated: 'R < ℓ(0)/n', measured: [{ test: 'JT.Thm1-risk main', status: 'failed', summary }] },
    });
    const html = renderHtml(model({ rows: [r] }));
    expect(html).toContain('<span class="short">20/40 (50 %; ≥ 80 %; P = 0.000022)</span>');
    expect(html).toContain('0 of them reached the required share of runs');
  });

  test('regime: share reached against the required share, closest value, tightness with loose and violated bounds', () => {
    const summary = {
      regime: 'R < ℓ(0)/n',
      runs: 40,
      reached: 30,
      share: 0.75,
      minShare: 0.8,
      closest: { name: 'final risk', median: 0.0123, best: 0.000456 },
      tightness: { 'descent-2nd-order': 0.5, beta: 0.02, over: 1.5 },
    };
    const r = row('JT.Thm1-risk', {
      verdict: 'counterexample found',
      regimeResult: { stated: 'every margin positive & R < ℓ(0)/n', measured: [{ test: 'JT.Thm1-risk main', status: 'failed', summary }] },
      tightness: summary.tightness,
    });
    const html = renderHtml(model({ rows: [r], loose: [{ claimId: 'JT.Thm1-risk', check: 'beta', ratio: 0.02 }] }));
    // 30/40 is under 80 % but not significantly (P(Bin(40, 0.8) ≤ 30) = 0.27): the share holds, as in the property
    expect(html).toContain('<span class="reached">30/40 (75 %; ≥ 80 %; P = 0.27)</span><br><small>final risk: median 0.0123, best 0.000456</small>');
    expect(html).toContain('<span class="tight">descent-2nd-order 0.500</span><br><span class="loose">beta 0.0200</span>');
    expect(html).toContain('Regime (registry): every margin positive &amp; R &lt; ℓ(0)/n');
    expect(html).toContain(
      'reached in 30 of 40 runs (<span class="reached">75 %</span>; required ≥ 80 %, P(Bin(40, 0.8) ≤ 30) = 0.27, failing below 0.01). Closest value (final risk): median 0.0123, best 0.000456.',
    );
    expect(html).toContain('<tr><td>beta</td><td>0.0200</td><td><span class="loose">loose (by 50×)</span></td></tr>');
    expect(html).toContain('<tr><td>over</td><td>1.50</td><td><span class="short">violated</span></td></tr>');
    expect(html).toContain(
      '<p>Regimes: 1 of 1 claims with a regime measured it, 1 of them reached the required share of runs; 0 not measured. Bounds loose by more than 10×: 1.</p>',
    );
    // the loose-bounds section lists it with the factor
    expect(html).toContain('<td><a href="#claim-JT_Thm1-risk">JT.Thm1-risk</a></td><td>beta</td><td>0.0200</td><td>50×</td>');
  });

  test('regime not measured, no regime at all, and what the sections say when nothing is measured', () => {
    const html = renderHtml(
      model({
        rows: [
          row('JT.Thm1-risk', {
            regimeResult: { stated: null, measured: [] },
            tests: [{ title: 'JT.Thm1-risk t', file: 'f', status: 'passed', durationMs: 1, expectsCounterexample: false, failure: null }],
          }),
          row('JT.A2-necessary', { regimeResult: null }),
        ],
      }),
    );
    expect(html).toContain('<td><span class="none">regime not measured</span></td><td>—</td>');
    expect(html).toContain('The registry states no regime for this claim yet.');
    expect(html).toContain('Regime not measured: no test of this claim records a RegimeTracker summary');
    expect(html).toContain('<td><span class="meta">— (no regime: EXACT/CEX)</span></td>');
    expect(html).toContain('No inequality has recorded its tightness yet');
    expect(html).toContain('No power matrix: run <code>npm run dlncheck -- power</code>');
    expect(html).toContain('<p>Regimes: 0 of 1 claims with a regime measured it, 0 of them reached the required share of runs; 1 not measured.');
    expect(html).not.toMatch(/\d+ %; ≥/);
  });

  test('tightness recorded but nothing loose says so', () => {
    const html = renderHtml(model({ rows: [row('JT.Thm1-risk', { tightness: { F6: 0.4 } })] }));
    expect(html).toContain('No bound is loose: every recorded worst observed/bound is ≥ 0.1.');
  });

  test('twins: the check that caught the fault, by how much, and what the twin demanded', () => {
    const html = renderHtml(
      model({
        rows: [
          row('JT.Thm1-risk', {
            twins: [
              {
                test: 'JT.Thm1-risk twin: G_1 × 1.01',
                status: 'passed',
                caughtBy: { check: 'descent-2nd-order', ratio: 3.25, observed: 6.5e-3, bound: 2e-3, expected: ['descent-2nd-order'], minRatio: 2 },
              },
              { test: 'JT.Thm1-risk twin: frozen', status: 'failed', caughtBy: { check: 'exact', ratio: null } },
            ],
          }),
        ],
      }),
    );
    expect(html).toContain(
      'JT.Thm1-risk twin: G_1 × 1.01: caught by <b>descent-2nd-order</b>, observed/bound 3.25 (observed 0.006500, bound 0.002000); required: <b>descent-2nd-order</b> with observed/bound &gt; 2</li>',
    );
    expect(html).toContain(
      'JT.Thm1-risk twin: frozen: caught by <b>exact</b>, observed/bound not finite <small>(the twin sets no expectCheck: any failure would have passed it)</small></li>',
    );
  });

  test('the power matrix: a section of its own and each claim its row; claims.json carries it', () => {
    const power = {
      file: 'reports/power.json',
      generatedAt: '2026-12-04T15:00:00.000Z',
      profile: 'default',
      commit: 'f014d7c',
      faults: ['scale:1:1.01', 'frozen'],
      rows: [{ claimId: 'JT.Thm1-risk', tests: 1, clean: 'passes' as const, cells: { 'scale:1:1.01': 'missed' as const, frozen: 'detected' as const } }],
    };
    const m = model({ power, rows: [row('JT.Thm1-risk', { power: power.rows[0].cells, metrics: { power: 0.5 } })] });
    const html = renderHtml(m);
    expect(html).toContain('From <code>reports/power.json</code> (measured 2026-12-04T15:00:00.000Z, profile default, commit f014d7c).');
    expect(html).toContain('<th><code>scale:1:1.01</code></th><th><code>frozen</code></th>');
    expect(html).toContain('<td>1</td><td>passes</td><td class="cell-bad">✗ missed</td><td class="cell-ok">✓ detected</td>');
    expect(html).toContain(
      '<code>scale:1:1.01</code> <span class="verdict bad">✗ missed</span> &nbsp; <code>frozen</code> <span class="verdict ok">✓ detected</span>',
    );
    const json = claimsJson(m) as { power: typeof power; rows: { power: unknown; metrics: unknown }[] };
    expect(json.power).toEqual(power);
    expect(json.rows[0].power).toEqual(power.rows[0].cells);
    expect(json.rows[0].metrics).toEqual({ power: 0.5 });
  });
});
