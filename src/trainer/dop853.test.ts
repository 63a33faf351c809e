import { describe, expect, test } from 'vitest';
import { Dop853, type Rhs } from './dop853.js';

const decay: Rhs = (_t, y, d) => {
  d[0] = -y[0];
};
const oscillator: Rhs = (_t, y, d) => {
  d[0] = y[1];
  d[1] = -y[0];
};
// loose tolerances accept every step, so maxStep fixes the step: the error is then the method's, h^8
const FIXED = { rtol: 1e6, atol: 1e6 };

function fixedStepError(f: Rhs, y0: number[], T: number, m: number, exact: number[]): number {
  const s = new Dop853(y0.length);
  s.reset(0, y0);
  expect(s.advance(f, T, { ...FIXED, maxStep: T / m }, 10 * m)).toBe('done');
  expect(s.rejected).toBe(0);
  return Math.max(...exact.map((e, i) => Math.abs(s.y[i] - e)));
}

describe('Dop853: order 8', () => {
  test.each([
    ['y′ = −y on [0, 4]', decay, [1], 4, [Math.exp(-4)], [4, 8, 16]],
    ['harmonic oscillator on [0, 10]', oscillator, [1, 0], 10, [Math.cos(10), -Math.sin(10)], [10, 20, 40]],
  ] as const)('%s: halving h divides the error by about 2^8', (_name, f, y0, T, exact, ms) => {
    const errs = ms.map((m) => fixedStepError(f, [...y0], T, m, [...exact]));
    // observed orders log2(e_h / e_{h/2}); an order-8 method gives 8 up to the next term's share (a 7 or a 9 fails)
    for (let i = 0; i + 1 < errs.length; i++) {
      const order = Math.log2(errs[i] / errs[i + 1]);
      expect(order, `errors ${errs.map((e) => e.toExponential(2)).join(', ')}`).toBeGreaterThan(7.5);
      expect(order).toBeLessThan(8.8);
    }
  });
});

describe('Dop853: error control', () => {
  test.each([1e-6, 1e-8, 1e-10, 1e-12])('y′ = −y to t = 30 at tol %s: global error within 2·tol·(1 + |y|) and lands on tEnd exactly', (tol) => {
    // the flow contracts (|∂f/∂y| = −1), so local errors do not grow; each accepted step has estimated local error
    // ≤ tol·sc; the sum over steps of contracted local errors stays O(tol) — 2 leaves room for the estimator's slack
    const s = new Dop853(1);
    s.reset(0, [1]);
    expect(s.advance(decay, 30, { rtol: tol, atol: tol }, 1e5)).toBe('done');
    expect(s.t).toBe(30);
    expect(Math.abs(s.y[0] - Math.exp(-30))).toBeLessThan(2 * tol);
  });

  test('a tighter tolerance takes more steps; evaluations = 12 per step + the first derivative + the initial-step probe', () => {
    const run = (tol: number) => {
      const s = new Dop853(2);
      s.reset(0, [1, 0]);
      s.advance(oscillator, 10, { rtol: tol, atol: tol }, 1e5);
      return s;
    };
    const a = run(1e-6);
    const b = run(1e-12);
    expect(b.accepted).toBeGreaterThan(a.accepted);
    for (const s of [a, b]) expect(s.evaluations).toBe(12 * (s.accepted + s.rejected) + 2);
  });

  test('segments continue one trajectory: stopping at t = 3 and going on to 6 agrees with going to 6 at once', () => {
    const one = new Dop853(2);
    one.reset(0, [1, 0]);
    one.advance(oscillator, 6, { rtol: 1e-12, atol: 1e-12 }, 1e5);
    const two = new Dop853(2);
    two.reset(0, [1, 0]);
    two.advance(oscillator, 3, { rtol: 1e-12, atol: 1e-12 }, 1e5);
    expect(two.t).toBe(3);
    expect(Math.abs(two.y[0] - Math.cos(3))).toBeLessThan(1e-11);
    two.advance(oscillator, 6, { rtol: 1e-12, atol: 1e-12 }, 1e5);
    expect(Math.abs(two.y[0] - one.y[0])).toBeLessThan(1e-11);
    expect(Math.abs(two.y[0] - Math.cos(6))).toBeLessThan(1e-11);
    // a segment that ends where the state already is does nothing
    const evals = two.evaluations;
    expect(two.advance(oscillator, 6, { rtol: 1e-12, atol: 1e-12 }, 1e5)).toBe('done');
    expect(two.evaluations).toBe(evals);
  });

  test('maxStep caps every step', () => {
    const s = new Dop853(1);
    s.reset(0, [1]);
    s.advance(decay, 10, { rtol: 1e-3, atol: 1e-3, maxStep: 0.5 }, 1e5);
    expect(s.accepted).toBeGreaterThanOrEqual(20);
  });
});

describe('Dop853: failures', () => {
  test('the step budget: maxSteps, with (t, y) the last accepted point', () => {
    const s = new Dop853(2);
    s.reset(0, [1, 0]);
    expect(s.advance(oscillator, 100, { rtol: 1e-12, atol: 1e-12 }, 5)).toBe('maxSteps');
    expect(s.t).toBeGreaterThan(0);
    expect(s.t).toBeLessThan(100);
    expect(Math.abs(s.y[0] - Math.cos(s.t))).toBeLessThan(1e-10);
  });

  test('a state that overflows is nonFinite at the step where it happened', () => {
    // y′ = 1e308: the stage combinations overflow; the state is non-finite, the time that of the failed step
    const s = new Dop853(1);
    s.reset(0, [0]);
    expect(
      s.advance(
        (_t, _y, d) => {
          d[0] = 1e308;
        },
        1,
        { rtol: 1e-8, atol: 1e-8 },
        100,
      ),
    ).toBe('nonFinite');
    expect(Number.isFinite(s.y[0])).toBe(false);
    expect(s.t).toBeGreaterThan(0);
    expect(s.t).toBeLessThanOrEqual(1);
  });

  test('a step size that underflows the resolution of t is stepTooSmall', () => {
    // y′ = y² from y(1e6) = 1 blows up at t = 1e6 + 1: h must shrink below 1e6·u ≈ 2e-10 near the pole
    const s = new Dop853(1);
    s.reset(1e6, [1]);
    const st = s.advance(
      (_t, y, d) => {
        d[0] = y[0] * y[0];
      },
      1e6 + 2,
      { rtol: 1e-10, atol: 1e-10 },
      1e6,
    );
    expect(st).toBe('stepTooSmall');
    expect(s.t).toBeLessThan(1e6 + 1);
  });

  test('n and y0 are checked', () => {
    expect(() => new Dop853(0)).toThrow('Dop853: n=0 must be a positive integer');
    expect(() => new Dop853(2).reset(0, [1])).toThrow('Dop853.reset: y0.length=1 must equal n=2');
  });
});
