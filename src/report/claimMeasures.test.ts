import { describe, expect, test } from 'vitest';
import { claim, type Claim } from '../claims/registry.js';
import type { RegimeSummary } from '../verify/regime.js';
import { claimMetrics, claimRegime, looseBounds, twinsOf, worstTightness } from './claimMeasures.js';
import type { ClaimTest } from './vitestResults.js';

const summary = (over: Partial<RegimeSummary> = {}): RegimeSummary => ({
  regime: 'every margin positive and R < ℓ(0)/n',
  runs: 40,
  reached: 36,
  share: 0.9,
  minShare: 0.8,
  closest: { name: 'final risk · n/ℓ(0)', median: 0.02, best: 0.001 },
  tightness: { 'descent-2nd-order': 0.5, beta: 0.03 },
  ...over,
});

const test_ = (title: string, over: Partial<ClaimTest> = {}): ClaimTest => ({
  claimId: 'JT.Thm1-risk',
  title,
  file: 'properties/jt/thm1-risk.property.test.ts',
  status: 'passed',
  durationMs: 1,
  failureMessages: [],
  meta: null,
  regime: null,
  expectsCounterexample: false,
  ...over,
});

describe('claimRegime', () => {
  const risk = claim('JT.Thm1-risk');
  test('the main tests that ran a RegimeTracker, with the regime the registry states', () => {
    const s = summary();
    const g = claimRegime({ ...risk, regime: 'R < ℓ(0)/n' }, [
      test_('JT.Thm1-risk a', { regime: s }),
      test_('JT.Thm1-risk twin: b'),
      // a twin's tracker ran on a broken trainer: not the claim's regime
      test_('JT.Thm1-risk twin: c', { regime: summary({ share: 0 }), expectsCounterexample: true }),
    ]);
    expect(g).toEqual({ stated: 'R < ℓ(0)/n', measured: [{ test: 'JT.Thm1-risk a', status: 'passed', summary: s }] });
  });

  test('a trajectory claim without a tracker: "not measured" (an empty list), never numbers', () => {
    const { regime: _r, ...noRegime } = risk;
    expect(claimRegime(noRegime, [test_('JT.Thm1-risk a')])).toEqual({ stated: null, measured: [] });
  });

  test('an EXACT- or CEX-only claim that states and measures no regime has none', () => {
    const exact: Claim = { ...risk, checks: ['EXACT'], regime: undefined };
    expect(claimRegime(exact, [test_('x')])).toBeNull();
    expect(claimRegime({ ...exact, checks: ['CEX'] }, [])).toBeNull();
    expect(claimRegime({ ...exact, regime: 'stated anyway' }, [])).toEqual({ stated: 'stated anyway', measured: [] });
  });
});

describe('tightness, loose bounds and twins', () => {
  const regime = {
    stated: null,
    measured: [
      { test: 'a', status: 'passed' as const, summary: summary({ tightness: { F6: 0.2, beta: 0.03 } }) },
      { test: 'b', status: 'passed' as const, summary: summary({ tightness: { F6: 0.7, drift: 0.05 } }) },
    ],
  };

  test('the worst ratio of each inequality over every measured test', () => {
    expect(worstTightness(regime)).toEqual({ F6: 0.7, beta: 0.03, drift: 0.05 });
    expect(worstTightness(null)).toEqual({});
  });

  test('a bound is loose when its worst observed/bound stays below 0.1 (10× from binding)', () => {
    expect(looseBounds('X', { F6: 0.7, beta: 0.03, edge: 0.1, neg: -2 })).toEqual([
      { claimId: 'X', check: 'beta', ratio: 0.03 },
      { claimId: 'X', check: 'neg', ratio: -2 },
    ]);
  });

  test('twins: the tests whose meta names the check that caught their fault', () => {
    const caughtBy = { check: 'F2-drift', ratio: 3, expected: ['F2-drift'], minRatio: 2 };
    const twins = twinsOf([test_('JT.Thm1-risk twin: x', { status: 'passed', meta: { caughtBy } }), test_('JT.Thm1-risk y', { meta: { runs: 3 } })]);
    expect(twins).toEqual([{ test: 'JT.Thm1-risk twin: x', status: 'passed', caughtBy }]);
  });
});

describe('claimMetrics', () => {
  test('regime share, closest value, tightness, twin margins and power, as compare reads them', () => {
    const regime = { stated: null, measured: [{ test: 'a', status: 'passed' as const, summary: summary() }] };
    const twins = [
      { test: 't1', status: 'passed' as const, caughtBy: { check: 'F2-drift', ratio: 3 } },
      { test: 't2', status: 'passed' as const, caughtBy: { check: 'F2-drift', ratio: 1.5 } },
      { test: 't3', status: 'passed' as const, caughtBy: { check: 'exact', ratio: null } },
    ];
    expect(claimMetrics(regime, { 'descent-2nd-order': 0.5, beta: 0.03 }, twins, { frozen: 'detected', 'scale:1:1.01': 'missed' })).toEqual({
      regimeShare: 0.9,
      closestMedian: 0.02,
      'tightnessRatio:descent-2nd-order': 0.5,
      'tightnessRatio:beta': 0.03,
      'twinRatio:F2-drift': 1.5,
      'power:frozen': 1,
      'power:scale:1:1.01': 0,
      power: 0.5,
    });
  });

  test('two measured tests: the least share and no closest value (different quantities); nothing measured, nothing listed', () => {
    const regime = {
      stated: null,
      measured: [
        { test: 'a', status: 'passed' as const, summary: summary({ share: 0.95 }) },
        { test: 'b', status: 'failed' as const, summary: summary({ share: 0.6, closest: null }) },
      ],
    };
    expect(claimMetrics(regime, {}, [], null)).toEqual({ regimeShare: 0.6 });
    expect(claimMetrics({ stated: 'x', measured: [] }, {}, [], null)).toEqual({});
    expect(claimMetrics(null, { inf: Number.POSITIVE_INFINITY }, [], null)).toEqual({});
  });
});
