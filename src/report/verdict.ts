import type { Claim } from '../claims/registry.js';
import type { StoredCounterexample } from '../verify/counterexampleStore.js';
import type { ClaimTest } from './vitestResults.js';

/**
 * A claim's verdict. The four of the report's legend, plus one for a failed
 * ablation: fast-check did NOT find the counterexample an ablation (or a CEX
 * claim) promises — a real failure that none of the four describes.
 */
export type Verdict = 'verified' | 'counterexample found' | 'expected counterexample found (ablation)' | 'expected counterexample not found' | 'not run';

export const VERDICTS: readonly Verdict[] = [
  'counterexample found',
  'expected counterexample not found',
  'verified',
  'expected counterexample found (ablation)',
  'not run',
];

/** A stored case is expected when it names an ablation, or when the claim itself is a CEX claim (JT.A2-necessary). */
export function isExpected(c: Claim, s: StoredCounterexample): boolean {
  return s.case.ablation !== undefined || c.checks.every((k) => k === 'CEX');
}

/**
 * In order: a failed property test or an unexpected stored counterexample →
 * "counterexample found"; a failed ablation test → "expected counterexample
 * not found"; passing property tests → "verified"; only ablation evidence
 * (passing CEX tests, expected stored cases) → "expected counterexample found
 * (ablation)"; nothing → "not run". Skipped tests count as not run.
 */
export function claimVerdict(c: Claim, tests: readonly ClaimTest[], cases: readonly StoredCounterexample[]): Verdict {
  const cexClaim = c.checks.every((k) => k === 'CEX');
  const main = tests.filter((t) => !t.expectsCounterexample && !cexClaim);
  const ablation = tests.filter((t) => t.expectsCounterexample || cexClaim);
  if (main.some((t) => t.status === 'failed') || cases.some((s) => !isExpected(c, s))) return 'counterexample found';
  if (ablation.some((t) => t.status === 'failed')) return 'expected counterexample not found';
  if (main.some((t) => t.status === 'passed')) return 'verified';
  if (ablation.some((t) => t.status === 'passed') || cases.length > 0) return 'expected counterexample found (ablation)';
  return 'not run';
}
