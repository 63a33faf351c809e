import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { jtA1, jtA3 } from '../assumptions/index.js';
import { parseSpec } from '../spec/spec.js';
import { expressionLoss } from './expressionLoss.js';
import { logistic } from './logistic.js';
import { bumpStall, logisticBump } from './logisticBump.js';

describe('logisticBump', () => {
  const bump = logisticBump({ epsilon: 1, center: 2 });

  test('agrees with its mathjs expression (value and derivative) and with the logistic loss far from the bump', () => {
    const expr = expressionLoss(bump.expression);
    fc.assert(
      fc.property(fc.double({ min: -30, max: 30, noNaN: true }), (u) => {
        expect(bump.value(u)).toBeCloseTo(expr.value(u), 12);
        expect(bump.derivative(u)).toBeCloseTo(expr.derivative(u), 12);
      }),
      { numRuns: 200 },
    );
    expect(bump.value(40)).toBe(logistic.value(40));
    expect(bump.value(-40)).toBeCloseTo(logistic.value(-40), 12);
  });

  test('breaks JT.A1 (ℓ′ ≥ 0 at its stall u* ∈ (0, c)) and keeps JT.A3 with its declared constants', () => {
    expect(jtA1(bump).holds).toBe(false);
    expect(jtA1(bump).reason).toMatch(/is not < 0/);
    const a3 = jtA3(bump);
    expect(a3.holds, a3.reason).toBe(true);
    expect(bump.lipschitz).toEqual({ beta: 2.25, G: 1.875 });
    const stall = bumpStall(bump, 2)!;
    // worked out by hand: −1/(1 + e^u) + 2(2 − u)e^{−(u−2)²} changes sign near u ≈ 0.56
    expect(stall).toBeGreaterThan(0.5);
    expect(stall).toBeLessThan(0.6);
    expect(Math.abs(bump.derivative(stall))).toBeLessThan(1e-12);
    // a local minimum whose value exceeds ℓ(0)/2: two samples stuck there keep R above ℓ(0)/n
    expect(bump.value(stall)).toBeGreaterThan(bump.value(0) / 2);
    expect(bumpStall(logisticBump({ epsilon: 1e-3, center: 2 }), 2)).toBeNull();
  });

  test('a spec carries it as an expression with declared constants, which the JT.A4 step needs', () => {
    const spec = {
      data: { x: [[0.5]], y: [1] },
      network: { weights: [[[0.5]], [[0.5]]] },
      loss: { expression: bump.expression, lipschitz: bump.lipschitz },
      schedule: { kind: 'ji-telgarsky' },
      steps: 1,
    };
    const setup = parseSpec(spec);
    expect(setup.loss.kind === 'margin' && setup.loss.lipschitz).toEqual(bump.lipschitz);
    expect(() => parseSpec({ ...spec, loss: { expression: bump.expression, lipschitz: { beta: 0, G: 1 } } })).toThrow('spec.loss');
  });

  test('rejects bad parameters by name', () => {
    expect(() => logisticBump({ epsilon: 0, center: 1 })).toThrow('logisticBump: epsilon=0 must be a finite number > 0');
    expect(() => logisticBump({ epsilon: 1, center: Number.NaN })).toThrow('logisticBump: center=NaN must be finite');
  });
});
