import { describe, expect, test } from 'vitest';
import { exponential } from '../losses/exponential.js';
import { logistic } from '../losses/logistic.js';
import { squared } from '../losses/loss.js';
import { createStepRule, jiTelgarskySmoothness } from './schedule.js';

describe('step rules', () => {
  test('constant', () => {
    const r = createStepRule({ kind: 'constant', eta: 0.25 }, 3, logistic);
    expect([0, 1, 1000].map((t) => r.eta(t, 5))).toEqual([0.25, 0.25, 0.25]);
  });

  test('decaying η_t = η_0 (t+1)^{−(1/2+δ)}', () => {
    const r = createStepRule({ kind: 'decaying', eta0: 0.5, delta: 0.5 }, 2, logistic);
    expect(r.eta(0, 1)).toBe(0.5);
    expect(r.eta(1, 1)).toBe(0.25);
    expect(r.eta(3, 1)).toBe(0.125);
  });

  test('Ji–Telgarsky: β(R) = 2L²R^{2L−2}(β+G), η = min(1/β(R_t), 1), R_t enlarged when W leaves B(R_t − 1)', () => {
    expect(jiTelgarskySmoothness(2, 2, { beta: 0.25, G: 1 })).toBe(2 * 4 * 4 * 1.25);
    const r = createStepRule({ kind: 'ji-telgarsky' }, 2, logistic);
    expect(r.eta(0, 1)).toBe(1 / (2 * 4 * 4 * 1.25)); // R_0 = 1 + 1
    expect(r.radius).toBe(2);
    r.eta(1, 0.5); // still inside B(1): radius kept
    expect(r.radius).toBe(2);
    r.eta(2, 1.5); // left B(R − 1) = B(1): R = 2.5
    expect(r.radius).toBe(2.5);
  });

  test('Ji–Telgarsky needs JT.A3 constants', () => {
    expect(() => createStepRule({ kind: 'ji-telgarsky' }, 2, exponential)).toThrow(/ji-telgarsky.*JT.A3/);
    expect(() => createStepRule({ kind: 'ji-telgarsky' }, 2, squared)).toThrow('schedule.kind=ji-telgarsky: loss=squared has no global constants');
  });

  test('flow is not a step rule', () => {
    expect(() => createStepRule({ kind: 'flow', tolerance: 1e-8, time: 1 }, 2, logistic)).toThrow(/flow/);
  });
});
