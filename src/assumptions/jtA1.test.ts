import { describe, expect, test } from 'vitest';
import { exponential } from '../losses/exponential.js';
import { expressionLoss } from '../losses/expressionLoss.js';
import { logistic } from '../losses/logistic.js';
import { squared, type MarginLoss } from '../losses/loss.js';
import { jtA1 } from './jtA1.js';

/** The logistic loss plus 1/4·max(−u, 0): ℓ is continuous but ℓ' jumps by 1/4 at u = 0. */
const kinked: MarginLoss = {
  kind: 'margin',
  name: 'kinked',
  value: (u) => logistic.value(u) + (u < 0 ? -u / 4 : 0),
  derivative: (u) => logistic.derivative(u) - (u < 0 ? 1 / 4 : 0),
  logValue: (u) => Math.log(logistic.value(u) + (u < 0 ? -u / 4 : 0)),
};

describe('jtA1', () => {
  test.each([logistic, exponential, expressionLoss('log(1 + exp(-u))'), expressionLoss('exp(-u)')])('holds for $name', (loss) => {
    const r = jtA1(loss);
    expect(r.holds, r.reason).toBe(true);
  });

  test('fails for the squared loss, which is not a decreasing margin loss', () => {
    expect(jtA1(squared)).toMatchObject({ holds: false, reason: expect.stringContaining('squared') });
  });

  test("fails for ½(1 − u)² written as a margin loss: ℓ'(u) ≥ 0 for u ≥ 1", () => {
    const r = jtA1(expressionLoss('(1 - u)^2 / 2'));
    expect(r.holds).toBe(false);
    expect(r.reason).toMatch(/is not < 0/);
  });

  test('fails for the sigmoid loss 1/(1 + e^u): ℓ(u) → 1, not ∞, as u → −∞', () => {
    const r = jtA1(expressionLoss('1 / (1 + exp(u))'));
    expect(r.holds).toBe(false);
    expect(r.reason).toMatch(/u → −∞ not confirmed/);
  });

  test("fails when ℓ' jumps (located by bisection)", () => {
    const r = jtA1(kinked);
    expect(r.holds).toBe(false);
    expect(r.reason).toMatch(/jumps between u=-0\.015625 and u=0/);
  });
});
