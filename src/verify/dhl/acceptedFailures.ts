import { binomialUpperTail } from '../statistics.js';

/**
 * The largest failure count a STAT's one-sided binomial test accepts: the largest k with P(Bin(draws, 1 − claimed) ≥ k)
 * ≥ level. More failures reject "the event holds with probability ≥ claimed", so a STAT check can throw its
 * CheckFailure with observed = failures and bound = this count (ratio > 1 exactly when the test rejects).
 */
export function acceptedFailures(draws: number, claimed: number, level: number): number {
  let k = 0;
  while (k < draws && binomialUpperTail(draws, 1 - claimed, k + 1) >= level) k++;
  return k;
}
