import { describe, expect, test } from 'vitest';
import { claims } from '../claims/registry.js';
import { parseSpec } from '../spec/spec.js';
import { evaluateHypotheses, hypotheses } from './hypotheses.js';

const spec = (over: Record<string, unknown> = {}) =>
  parseSpec({
    data: {
      x: [
        [1, 0],
        [0, 1],
      ],
      y: [1, 1],
    },
    network: {
      weights: [
        [
          [0.5, 0.5],
          [0.5, -0.5],
        ],
        [[0.5, 0.5]],
      ],
      activation: 'linear',
    },
    loss: 'logistic',
    schedule: { kind: 'ji-telgarsky' },
    steps: 1,
    ...over,
  });

describe('hypotheses', () => {
  test('every hypothesis the registry names has a check', () => {
    for (const c of claims) for (const h of c.hypotheses) expect(hypotheses[h], `${c.id}: ${h}`).toBeDefined();
    for (const c of claims) for (const a of c.ablations) if (c.hypotheses.includes(a.breaks)) expect(hypotheses[a.breaks]).toBeDefined();
  });

  test('decides what a spec shows, and says when it cannot', () => {
    const v = Object.fromEntries(
      evaluateHypotheses(['separable', 'unitData', 'linear', 'homogeneous', 'JT.A4', 'smallInit'], spec()).map((r) => [r.name, r.holds]),
    );
    expect(v).toEqual({ separable: true, unitData: true, linear: true, homogeneous: true, 'JT.A4': true, smallInit: null });
    const bad = spec({
      data: {
        x: [
          [1, 0],
          [-1, 0],
        ],
        y: [1, 1],
      },
      network: {
        weights: [
          [
            [2, 0],
            [0, 2],
          ],
          [[1, 1]],
        ],
        activation: 'tanh',
      },
      schedule: { kind: 'constant', eta: 0.1 },
    });
    const w = Object.fromEntries(evaluateHypotheses(['separable', 'linear', 'homogeneous', 'JT.A4', 'balanced'], bad).map((r) => [r.name, r.holds]));
    expect(w).toEqual({ separable: false, linear: false, homogeneous: false, 'JT.A4': false, balanced: false });
  });

  test('an exactly balanced init is balanced; unknown names are an error', () => {
    // D_1 = diag(1/4, 1/4) − [1/4 1/4; 1/4 1/4] ≠ 0
    expect(
      evaluateHypotheses(
        ['balanced'],
        spec({
          network: {
            weights: [
              [
                [0.5, 0],
                [0, 0.5],
              ],
              [[0.5, 0.5]],
            ],
          },
        }),
      )[0].holds,
    ).toBe(false);
    // D_1 = ‖(½, ½)‖² − (1/√2)² = 0 up to the rounding of 1/√2: balanced
    expect(evaluateHypotheses(['balanced'], spec({ network: { weights: [[[0.5, 0.5]], [[Math.SQRT1_2]]] } }))[0].holds).toBe(true);
    const exact = spec({ network: { weights: [[[0.5, 0]], [[0.5]]] } });
    expect(evaluateHypotheses(['balanced'], exact)[0].holds).toBe(true);
    expect(() => evaluateHypotheses(['noSuchThing'], exact)).toThrow(/noSuchThing.*hypotheses\.ts/);
  });
});
