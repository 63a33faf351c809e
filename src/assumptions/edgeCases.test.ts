import { describe, expect, test } from 'vitest';
import { datasetFromArrays } from '../data/dataset.js';
import { logistic } from '../losses/logistic.js';
import type { MarginLoss } from '../losses/loss.js';
import { linear } from '../network/activation.js';
import { networkFromArrays } from '../network/network.js';
import { jiTelgarskySmoothness } from '../trainer/schedule.js';
import { jtA1 } from './jtA1.js';
import { jtA2 } from './jtA2.js';
import { jtA3 } from './jtA3.js';
import { jtA4 } from './jtA4.js';
import { jtA5 } from './jtA5.js';
import { probe } from './_internals/lossProbe.js';

/** The logistic loss with one of its functions replaced: each breaks exactly one part of a hypothesis. */
function variant(name: string, over: Partial<Pick<MarginLoss, 'value' | 'derivative'>>): MarginLoss {
  return {
    kind: 'margin',
    name,
    value: over.value ?? logistic.value,
    derivative: over.derivative ?? logistic.derivative,
    logValue: (u) => Math.log((over.value ?? logistic.value)(u)),
  };
}

describe('JT.A1 reports which part fails', () => {
  test("ℓ' not finite on the grid", () => {
    const r = jtA1(variant('nan-at-3', { derivative: (u) => (u === 3 ? Number.NaN : logistic.derivative(u)) }));
    expect(r).toEqual({ holds: false, reason: "JT.A1: ℓ'(3) of loss=nan-at-3 is not a finite number" });
  });

  test('ℓ rising again far out on the right', () => {
    const r = jtA1(variant('bump', { value: (u) => (u >= 128 ? 1 : logistic.value(u)) }));
    expect(r.holds).toBe(false);
    expect(r.reason).toBe('JT.A1: ℓ(2^7)=1 of loss=bump is not non-increasing towards +∞');
  });

  test('ℓ(+∞) = 1, not 0', () => {
    const r = jtA1(variant('floor', { value: (u) => 1 + logistic.value(u) }));
    expect(r.reason).toMatch(/^JT\.A1: ℓ\(2\^30\)=1 of loss=floor: ℓ\(u\) → 0 as u → ∞ not confirmed/);
  });

  test('ℓ falling again far out on the left', () => {
    const r = jtA1(variant('dip', { value: (u) => (u <= -256 ? 0 : logistic.value(u)) }));
    expect(r.reason).toBe('JT.A1: ℓ(−2^8)=0 of loss=dip is not non-decreasing towards −∞');
  });
});

describe('JT.A3 reports which part fails', () => {
  test("ℓ' not finite far out", () => {
    const r = jtA3(variant('blowup', { derivative: (u) => (u < -400 ? Number.NEGATIVE_INFINITY : logistic.derivative(u)) }));
    expect(r.holds).toBe(false);
    expect(r.reason).toMatch(/^JT\.A3: ℓ'\(-\d+\) of loss=blowup is not a finite number$/);
  });

  test("ℓ' bounded but wiggling faster outside [−64, 64]: no global β", () => {
    const r = jtA3(variant('wiggle', { derivative: (u) => (Math.abs(u) > 100 ? -0.5 - 0.25 * Math.sin(10 * u) : logistic.derivative(u)) }));
    expect(r.holds).toBe(false);
    expect(r.reason).toMatch(/^JT\.A3: loss=wiggle has no global β: ℓ' changes at rate 0\.25\d* on \[−64, 64\] but /);
  });
});

describe('JT.A2 within rounding is not established', () => {
  // z = (1), (1), (−1) in 1-D: R(w) = (2ℓ(w) + ℓ(−w))/3 is minimal at w = ln 2 for the logistic loss
  const data = datasetFromArrays([[1], [1], [-1]], [1, 1, 1]);
  test('at the minimiser ∇R = 0 to rounding although R < ℓ(0)', () => {
    const r = jtA2(networkFromArrays([[[Math.LN2]]], linear), data, logistic);
    expect(r.holds).toBe(false);
    expect(r.reason).toMatch(/^JT\.A2: ‖∇R\(W\(0\)\)‖=.* is not above its rounding .*: ∇R may be 0$/);
  });

  test('R below ℓ(0) by less than its rounding', () => {
    const r = jtA2(networkFromArrays([[[1e-15]]], linear), data, logistic);
    expect(r.holds).toBe(false);
    expect(r.reason).toMatch(/^JT\.A2: R\(W\(0\)\)=.* is not below ℓ\(0\)=.* beyond rounding \(/);
  });
});

describe('JT.A4 inside the rounding band of the ball', () => {
  const lipschitz = { beta: 0.25, G: 1 };
  const step = (radius: number) => ({
    depth: 2,
    lipschitz,
    eta: Math.min(1 / jiTelgarskySmoothness(2, radius, lipschitz), 1),
    radius,
    maxFrobenius: 4,
    entries: 4,
    previousRadius: 5,
  });
  test('on the boundary of B(R_{t−1} − 1) either branch is accepted, a third radius is not', () => {
    expect(jtA4(step(5)).holds).toBe(true);
    const r = jtA4(step(7));
    expect(r).toEqual({ holds: false, reason: 'JT.A4: R_t=7 is neither R_{t−1}=5 nor max_k‖W_k(t)‖_F + 1=5' });
  });
});

describe('probes and JT.A5 inputs', () => {
  test('a probe turns throws and non-numbers into NaN', () => {
    expect(
      probe(() => {
        throw new Error('x');
      }, 0),
    ).toBeNaN();
    expect(probe(() => ({ re: 1, im: 1 }) as unknown as number, 0)).toBeNaN();
    expect(probe((u) => 2 * u, 3)).toBe(6);
  });

  test('JT.A5 needs labels', () => {
    expect(() => jtA5(datasetFromArrays([[1]], [2], 'regression'))).toThrow('jtA5: data.task must be classification (JT.A5 concerns the SVM of z_i = y_i x_i)');
  });
});
