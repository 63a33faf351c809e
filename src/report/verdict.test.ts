import { describe, expect, test } from 'vitest';
import { claim } from '../claims/registry.js';
import type { StoredCounterexample } from '../verify/counterexampleStore.js';
import { claimVerdict } from './verdict.js';
import { claimIdOf, type ClaimTest } from './vitestResults.js';

function t(claimId: string, status: ClaimTest['status'], expectsCounterexample = false): ClaimTest {
  return { claimId, title: `${claimId} x`, file: 'f', status, durationMs: 1, failureMessages: [], meta: null, regime: null, expectsCounterexample };
}

function stored(claimId: string, ablation?: string): StoredCounterexample {
  return { file: `${claimId}/a.json`, case: { claimId, seed: 1, path: '0', label: 'a', note: '', spec: {} as never, ...(ablation ? { ablation } : {}) } };
}

describe('claimVerdict', () => {
  const risk = claim('JT.Thm1-risk');
  test('passing property tests verify; a failing one or an unexpected stored case is a counterexample', () => {
    expect(claimVerdict(risk, [t(risk.id, 'passed'), t(risk.id, 'passed', true)], [])).toBe('verified');
    expect(claimVerdict(risk, [t(risk.id, 'passed'), t(risk.id, 'failed')], [])).toBe('counterexample found');
    expect(claimVerdict(risk, [t(risk.id, 'passed')], [stored(risk.id)])).toBe('counterexample found');
    expect(claimVerdict(risk, [t(risk.id, 'passed')], [stored(risk.id, 'separable')])).toBe('verified');
  });

  test('an ablation test that fails means the promised counterexample was not found', () => {
    expect(claimVerdict(risk, [t(risk.id, 'passed'), t(risk.id, 'failed', true)], [])).toBe('expected counterexample not found');
  });

  test('CEX claims and ablation-only evidence give "expected counterexample found (ablation)"', () => {
    const a2 = claim('JT.A2-necessary');
    expect(claimVerdict(a2, [t(a2.id, 'passed')], [])).toBe('expected counterexample found (ablation)');
    expect(claimVerdict(a2, [t(a2.id, 'failed')], [])).toBe('expected counterexample not found');
    expect(claimVerdict(a2, [], [stored(a2.id)])).toBe('expected counterexample found (ablation)');
    expect(claimVerdict(risk, [t(risk.id, 'passed', true)], [])).toBe('expected counterexample found (ablation)');
  });

  test('nothing run, or only skipped tests: not run', () => {
    expect(claimVerdict(risk, [], [])).toBe('not run');
    expect(claimVerdict(risk, [t(risk.id, 'skipped')], [])).toBe('not run');
  });
});

describe('claimIdOf', () => {
  const ids = ['DHL.Thm2.1', 'DHL.Thm2.2', 'JT.Thm1-risk', 'JT.Thm1-rank1', 'JT.Lem4'];
  test('matches the whole ID at the start of the name, never a prefix of a longer ID', () => {
    expect(claimIdOf('DHL.Thm2.1 per-neuron F4', ids)).toBe('DHL.Thm2.1');
    expect(claimIdOf('JT.Thm1-rank1: bound', ids)).toBe('JT.Thm1-rank1');
    expect(claimIdOf('JT.Lem4', ids)).toBe('JT.Lem4');
    expect(claimIdOf('JT.Lem45 something', ids)).toBeNull();
    expect(claimIdOf('gradient matches finite differences', ids)).toBeNull();
  });
});
