import { describe, expect, test } from 'vitest';
import { exponential } from '../losses/exponential.js';
import { expressionLoss } from '../losses/expressionLoss.js';
import { logistic } from '../losses/logistic.js';
import { squared } from '../losses/loss.js';
import { jtA3 } from './jtA3.js';

describe('jtA3', () => {
  test('holds for the logistic loss with its declared β = 1/4, G = 1', () => {
    const r = jtA3(logistic);
    expect(r.holds, r.reason).toBe(true);
    expect(r.constants).toEqual({ beta: 0.25, G: 1 });
  });

  test('holds for the logistic loss written as an expression, with estimated constants ≈ 1/4 and 1', () => {
    const r = jtA3(expressionLoss('log(1 + exp(-u))'));
    expect(r.holds, r.reason).toBe(true);
    // grid estimates are lower bounds: β is attained at u = 0 (a grid point), G = 1 − e^{−512} = 1 in float64
    expect(r.constants?.beta).toBeCloseTo(0.25, 4);
    expect(r.constants?.G).toBe(1);
  });

  test("fails for the exponential loss: no global G (sup|ℓ'| grows with the window)", () => {
    const r = jtA3(exponential);
    expect(r.holds).toBe(false);
    expect(r.reason).toMatch(/no global G/);
  });

  test('fails when declared constants are too small', () => {
    const r = jtA3({ ...logistic, name: 'logistic-wrong-beta', lipschitz: { beta: 0.2, G: 1 } });
    expect(r.holds).toBe(false);
    expect(r.reason).toMatch(/> the declared β=0.2/);
    expect(jtA3({ ...logistic, name: 'logistic-wrong-G', lipschitz: { beta: 0.25, G: 0.9 } }).holds).toBe(false);
  });

  test('fails for the squared loss', () => {
    expect(jtA3(squared).holds).toBe(false);
  });
});
