import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { exponential } from './exponential.js';
import { expressionDerivative, expressionLoss } from './expressionLoss.js';
import { logistic } from './logistic.js';

const u = fc.integer({ min: -4000, max: 4000 }).map((k) => k / 100); // [−40, 40] in steps of 0.01

describe('losses', () => {
  test('logistic value and derivative are stable and finite for large |u|', () => {
    expect(logistic.value(1000)).toBe(0); // e^{−1000} underflows: log1p of 0
    expect(logistic.value(-1000)).toBe(1000);
    expect(logistic.derivative(-1000)).toBe(-1);
    expect(logistic.derivative(1000) === 0).toBe(true); // −0 underflow is fine
    expect(logistic.logValue(1000)).toBe(-1000);
    expect(Number.isFinite(logistic.logValue(800))).toBe(true);
  });

  test('logistic matches log(1 + e^{−u}) where the naive form is accurate, to 4 ulps', () => {
    fc.assert(
      fc.property(u, (v) => {
        const naive = Math.log(1 + Math.exp(-v));
        // the naive form loses relative accuracy when e^{−u} < ε; compare only where 1 + e^{−u} is resolved
        if (Math.exp(-v) < 1e-6) return;
        expect(Math.abs(logistic.value(v) - naive)).toBeLessThanOrEqual(4 * Number.EPSILON * Math.max(1, naive) + Math.abs(naive) * 1e-12);
      }),
    );
  });

  for (const loss of [logistic, exponential, expressionLoss('log(1 + exp(-u))'), expressionLoss('exp(-u)')])
    test(`${loss.name}: derivative matches central differences, ℓ' < 0 (JT.A1)`, () => {
      fc.assert(
        fc.property(
          fc.integer({ min: -1000, max: 1000 }).map((k) => k / 100),
          (v) => {
            // h = 1e-5: truncation h²|ℓ'''|/6 ≤ 2e-11·e^{10}, rounding 2ε|ℓ|/h ≤ 5e-11·e^{10}; scale the bound by max(1, ℓ(u))
            const h = 1e-5;
            const fd = (loss.value(v + h) - loss.value(v - h)) / (2 * h);
            const scale = Math.max(1, loss.value(v));
            expect(Math.abs(fd - loss.derivative(v))).toBeLessThanOrEqual(1e-9 * scale);
            expect(loss.derivative(v)).toBeLessThan(0);
          },
        ),
      );
    });

  test('logValue equals log(value) where value is normal', () => {
    fc.assert(
      fc.property(u, (v) => {
        for (const loss of [logistic, exponential]) {
          const ref = Math.log(loss.value(v));
          expect(Math.abs(loss.logValue(v) - ref)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(ref)));
        }
      }),
    );
  });

  test('the expression loss takes its derivative symbolically', () => {
    expect(expressionDerivative('exp(-u)')).toMatch(/exp/);
    const l = expressionLoss('u^2 - 3*u');
    expect(l.derivative(2)).toBe(1);
  });

  test('bad expressions are rejected with the field named', () => {
    expect(() => expressionLoss('exp(-v)')).toThrow(/loss.expression.*variable v/);
    expect(() => expressionLoss('exp(-u')).toThrow(/loss.expression.*not a mathjs expression/);
    expect(() => expressionLoss('log(u)')).toThrow(/not finite at u=0/);
  });

  test('JT.A3 constants are the known ones for logistic; exponential has none', () => {
    expect(logistic.lipschitz).toEqual({ beta: 0.25, G: 1 });
    expect(exponential.lipschitz).toBeUndefined();
  });
});

// Mutation-testing follow-ups (Stryker survivors in logistic.ts / exponential.ts).
describe('losses: edge cases found by mutation testing', () => {
  test('names identify the losses (used in error messages and run labels)', () => {
    expect(logistic.name).toBe('logistic');
    expect(exponential.name).toBe('exponential');
    expect(logistic.kind).toBe('margin');
    expect(exponential.kind).toBe('margin');
  });

  test("logistic ℓ' stays strictly negative while e^{−u} is representable (JT.A1: ℓ' < 0)", () => {
    // e^{−720} ≈ 2e−313 is subnormal, not 0: the u ≥ 0 branch −e^{−u}/(1 + e^{−u}) keeps it; −1/(1 + e^{u}) would give −0
    for (const v of [710, 720, 740]) {
      const d = logistic.derivative(v);
      expect(d).toBeLessThan(0);
      expect(d).toBe(-Math.exp(-v));
    }
  });

  test('logistic logValue is finite and accurate for very negative margins (ℓ(u) ≈ −u)', () => {
    // log1p(e^{1000}) overflows; the u < 0 rewrite −u + log1p(e^{u}) gives log(1000)
    expect(logistic.logValue(-1000)).toBe(Math.log(1000));
    expect(logistic.logValue(-800)).toBeCloseTo(Math.log(800), 14);
    expect(logistic.value(-1000)).toBe(1000);
  });

  test('exponential: value, derivative and logValue at fixed points', () => {
    expect(exponential.value(0)).toBe(1);
    expect(exponential.value(2)).toBe(Math.exp(-2));
    expect(exponential.derivative(0)).toBe(-1);
    expect(exponential.derivative(-3)).toBe(-Math.exp(3));
    expect(exponential.logValue(1000)).toBe(-1000);
    expect(exponential.logValue(-5)).toBe(5);
  });
});

describe('losses: expression losses and the large-margin log, found by mutation testing', () => {
  test('an expression loss is a margin loss named after its text, with log ℓ and ℓ′ from mathjs', () => {
    const l = expressionLoss('log(1 + exp(-u))');
    expect(l.kind).toBe('margin');
    expect(l.name).toBe('expression(log(1 + exp(-u)))');
    expect(l.value(0)).toBe(Math.log(2));
    expect(l.logValue(0)).toBe(Math.log(Math.log(2)));
    expect(l.derivative(0)).toBe(-0.5);
  });

  test('function names and the constants e and pi are not free variables', () => {
    expect(expressionLoss('exp(-u)').value(1)).toBe(Math.exp(-1));
    expect(expressionLoss('e^(-u)').value(0)).toBe(1);
    expect(expressionLoss('exp(-pi * u)').value(0)).toBe(1);
    expect(() => expressionLoss('exp(-u * k)')).toThrow('uses the variable k; the only variable allowed is u');
  });

  test('outside the reals an expression loss gives NaN (reported as divergence), not a mathjs Complex', () => {
    const l = expressionLoss('sqrt(1 - u)');
    expect(l.value(0)).toBe(1);
    expect(l.value(2)).toBeNaN();
  });

  test('logistic log ℓ is −u exactly past u = 36 and log ℓ(u) up to it', () => {
    for (const v of [36.5, 40, 100, 744, 800]) expect(logistic.logValue(v)).toBe(-v);
    for (const v of [20, 30, 35.9]) expect(logistic.logValue(v)).toBe(Math.log(Math.log1p(Math.exp(-v))));
    // at the switch both forms agree: the correction −e^{−36}/2 is below half an ulp of 36
    expect(Math.log(Math.log1p(Math.exp(-36)))).toBe(-36);
  });
});
