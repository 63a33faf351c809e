import { describe, expect, test } from 'vitest';
import { logistic } from '../../losses/logistic.js';
import type { CheckpointRecord } from '../../metrics/checkpoint.js';
import { failingCheck as failing } from '../checkFailure.js';
import { checkRho3Plateau, rho3Plateau } from './srFig3Finding.js';

const N = 20;
const IN = (logistic.value(0) / N) * 0.01;
const OUT = (logistic.value(0) / N) * 2;

/** Checkpoints as checkpointSteps(T) places them (0, round(10^(i/12)), T = 2·10⁵) with the given 1 − ρ_3 and risk as functions of the step. */
function series(gap: (t: number) => number, risk: (t: number) => number = () => IN, T = 200_000): CheckpointRecord[] {
  const steps = [0];
  for (let i = 0; 10 ** (i / 12) < T; i++) steps.push(Math.round(10 ** (i / 12)));
  steps.push(T);
  return [...new Set(steps)].map((step) => ({ step, risk: risk(step), normRatio: [1, 1, 1 - gap(step)] }) as unknown as CheckpointRecord);
}

// the figure draw at m = 0.2, roughly: 1 − ρ_3 grows from 0.0377 at 2·10⁴ to 0.0379 at 2·10⁵ steps
const plateau = (t: number) => 0.0375 + 1e-4 * Math.log10(Math.max(t, 1) / 1e4);

describe('SR.5.1 finding: the ρ_3 plateau checks', () => {
  test('a slowly widening gap in the regime passes; T/10 is the nearest checkpoint', () => {
    const p = rho3Plateau(0.2, series(plateau), N);
    expect(p.stepEnd).toBe(200_000);
    expect(p.stepTenth).toBe(21_544);
    expect(p.trend.checkpoints).toBe(13);
    expect(p.trend.pValue).toBeGreaterThan(0.99);
    expect(failing(() => checkRho3Plateau(p))).toBeNull();
  });

  test('each way the finding can stop holding fails its own check', () => {
    // still escaping the saddle at T/10
    expect(
      failing(() =>
        checkRho3Plateau(
          rho3Plateau(
            0.2,
            series(plateau, (t) => (t < 30_000 ? OUT : IN)),
            N,
          ),
        ),
      ),
    ).toBe('plateau-in-regime');
    // ρ_3 reached 0.99
    expect(
      failing(() =>
        checkRho3Plateau(
          rho3Plateau(
            0.2,
            series(() => 0.005),
            N,
          ),
        ),
      ),
    ).toBe('rho3-below-1');
    // the gap more than halves over the decade
    expect(
      failing(() =>
        checkRho3Plateau(
          rho3Plateau(
            0.2,
            series((t) => 0.05 * (Math.max(t, 1) / 2e4) ** -0.5),
            N,
          ),
        ),
      ),
    ).toBe('rho3-flat');
    // a slow but steady approach to 1: the gap loses 1 % over the decade (level and flatness still pass)
    expect(
      failing(() =>
        checkRho3Plateau(
          rho3Plateau(
            0.2,
            series((t) => 0.0379 * (1 - 0.01 * Math.log10(Math.max(t, 1) / 2e4))),
            N,
          ),
        ),
      ),
    ).toBe('rho3-not-rising');
  });

  test('too few checkpoints is a clear error', () => {
    expect(() => rho3Plateau(0.2, series(plateau).slice(0, 1), N)).toThrow(/checkpoints.length=1 must be ≥ 2/);
  });
});
