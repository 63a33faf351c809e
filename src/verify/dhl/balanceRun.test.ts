import { describe, expect, test } from 'vitest';
import { brokenGradient } from '../../trainer/brokenGradient.js';
import { CheckFailure } from '../checkFailure.js';
import { balanceRun } from './balanceRun.js';
import { Decided } from './factorization.js';

// M* = [[1, 0.5], [0.5, 1]] (2 × 2, rank 2), a small unbalanced init, η_t = 2·(t+1)^{−3/4} on R = f/2
const target = [
  [1, 0.5],
  [0.5, 1],
];
const weights = [
  [
    [0.01, -0.02],
    [0.015, 0.005],
  ],
  [
    [0.02, 0.01],
    [-0.01, 0.03],
  ],
];
const schedule = { kind: 'decaying' as const, eta0: 2, delta: 0.25 };

describe('balanceRun', () => {
  test('the exact trainer converges balanced and every invariant holds', () => {
    const run = balanceRun(weights, target, schedule, 300, { check: true });
    expect(run.finalLoss).toBeLessThan(1e-6 * run.initialLoss);
    expect(run.maxImbalance).toBeLessThan(0.05);
    expect(run.worst.identity).toBeLessThanOrEqual(1);
    expect(run.worst.drift).toBeLessThanOrEqual(1);
    expect(run.worst.budget).toBeGreaterThan(0);
    expect(run.worst.budget).toBeLessThanOrEqual(1);
    // ‖U‖² + ‖V‖² ends near 2‖M*‖_* = 2·(1.5 + 0.5)
    expect(run.maxSquaredNorm).toBeGreaterThan(3.9);
    expect(run.maxSquaredNorm).toBeLessThan(4.5);
  });

  test('a 1 % error in one layer gradient breaks the summed F2 identity by orders of magnitude', () => {
    let caught: unknown;
    try {
      balanceRun(weights, target, schedule, 300, { check: true, gradient: brokenGradient({ kind: 'scale', layer: 0, factor: 1.01 }) });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(CheckFailure);
    expect((caught as CheckFailure).check).toBe('F2-sum');
    expect((caught as CheckFailure).ratio).toBeGreaterThan(1e6);
  });

  test('a trainer that never moves keeps f and the imbalance where they started', () => {
    const run = balanceRun(weights, target, schedule, 50, { check: true, gradient: brokenGradient({ kind: 'frozen' }) });
    expect(run.finalLoss).toBe(run.initialLoss);
    expect(run.worst.identity).toBe(0);
  });

  test('observe sees every step and may end the run; stopAbove ends it at the imbalance', () => {
    const seen: number[] = [];
    balanceRun(weights, target, schedule, 20, {
      observe: (v) => {
        seen.push(v.t);
        if (v.t === 5) throw new Decided();
      },
    });
    expect(seen).toEqual([0, 1, 2, 3, 4, 5]);
    const stopped = balanceRun(weights, target, { kind: 'constant', eta: 4 }, 200, { stopAbove: 1e-3 });
    expect(stopped.maxImbalance).toBeGreaterThanOrEqual(1e-3);
  });
});
