import { describe, expect, test } from 'vitest';
import { datasetFromArrays } from '../data/dataset.js';
import { logistic } from '../losses/logistic.js';
import { linear } from '../network/activation.js';
import { networkFromArrays } from '../network/network.js';
import { gradientDescent } from '../trainer/gradientDescent.js';
import { jiTelgarskySmoothness } from '../trainer/schedule.js';
import { jtA4, type A4Step } from './jtA4.js';

const lipschitz = { beta: 0.25, G: 1 };

function maxFrobenius(weights: readonly Float64Array[]): number {
  return Math.max(...weights.map((W) => Math.sqrt(W.reduce((s, v) => s + v * v, 0))));
}

describe('jtA4', () => {
  test('holds at every step of a ji-telgarsky run, including the radius updates', () => {
    const data = datasetFromArrays(
      [
        [1 / 2, 1 / 4],
        [1 / 4, -1 / 2],
        [-1 / 8, 1 / 2],
      ],
      [1, 1, -1],
    );
    const net = networkFromArrays(
      [
        [
          [1, 1 / 2],
          [-1 / 2, 1],
        ],
        [[1, 1 / 4]],
      ],
      linear,
    );
    let previousRadius: number | undefined;
    let checked = 0;
    gradientDescent({
      network: net,
      data,
      loss: logistic,
      schedule: { kind: 'ji-telgarsky' },
      steps: 3000,
      onStep(v) {
        if (Number.isNaN(v.eta)) return;
        const r = jtA4({
          depth: 2,
          lipschitz,
          eta: v.eta,
          radius: v.radius,
          maxFrobenius: maxFrobenius(v.weights),
          entries: 4,
          ...(previousRadius === undefined ? {} : { previousRadius }),
        });
        expect(r.holds, `t=${v.t}: ${r.reason}`).toBe(true);
        previousRadius = v.radius;
        checked++;
      },
    });
    expect(checked).toBe(3000);
  });

  const base: A4Step = { depth: 2, lipschitz, eta: 1 / jiTelgarskySmoothness(2, 3, lipschitz), radius: 3, maxFrobenius: 1.5, entries: 4 };

  test('holds for a hand-made step', () => {
    expect(jtA4(base).holds).toBe(true);
  });

  test('fails for a step twice the rule', () => {
    expect(jtA4({ ...base, eta: 2 * base.eta })).toMatchObject({ holds: false, reason: expect.stringMatching(/≠ min\{1\/β\(R_t\), 1\}/) });
  });

  test('fails when W(t) is outside B(R_t − 1) or R_t < 1', () => {
    expect(jtA4({ ...base, maxFrobenius: 2.5 }).holds).toBe(false);
    expect(jtA4({ ...base, radius: 0.5, eta: 1 }).holds).toBe(false);
  });

  test('fails when the radius changes although W(t) stayed inside B(R_{t−1} − 1), or is not enlarged to max‖W_k‖ + 1', () => {
    expect(jtA4({ ...base, previousRadius: 2.75 }).reason).toMatch(/must be kept/);
    expect(jtA4({ ...base, maxFrobenius: 1.5, previousRadius: 2.25, radius: 3, eta: base.eta }).reason).toMatch(/≠ max_k‖W_k\(t\)‖_F \+ 1/);
  });

  test('accepts an enlarged radius one ulp from max‖W_k‖ + 1 (the trainer and the check each round the sum once)', () => {
    // met under DLNCHECK_SEED=1: R_t = fl(m + 1) = 1.0512301180082053 against fl(m' + 1) = 1.0512301180082055, m' − m ≈ 1.7e-16
    const m = 0.0512301180082053;
    const radius = 1 + m;
    const maxFrobenius = m + 1.7e-16;
    expect(maxFrobenius + 1 - radius).toBe(2 ** -52);
    const step: A4Step = {
      depth: 2,
      lipschitz,
      eta: Math.min(1 / jiTelgarskySmoothness(2, radius, lipschitz), 1),
      radius,
      maxFrobenius,
      entries: 6,
      previousRadius: 1,
    };
    expect(jtA4(step).reason).toMatch(/the radius kept or enlarged/);
    // two ulps off is not rounding
    expect(jtA4({ ...step, radius: radius - 2 ** -51 }).holds).toBe(false);
  });
});
