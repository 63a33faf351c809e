import { describe, expect, test } from 'vitest';
import { datasetFromArrays } from '../data/dataset.js';
import { logistic } from '../losses/logistic.js';
import { squared } from '../losses/loss.js';
import { networkFromArrays, weightsToArrays } from '../network/network.js';
import { riskAndGradient, type GradientFn } from './gradient.js';
import { gradientFlow } from './gradientFlow.js';

// R(w) = ½(w − 1)² on one sample: dw/dt = −(w − 1), so w(t) = 1 + (w0 − 1)e^{−t}.
const reg = datasetFromArrays([[1]], [[1]], 'regression');
const scalar = (w0: number) => networkFromArrays([[[w0]]], { kind: 'linear' });
const closedForm = (w0: number, t: number) => 1 + (w0 - 1) * Math.exp(-t);
/**
 * DOP853 keeps the local error per step below τ(1 + |w|) (absolute and relative tolerance τ); on this contracting
 * flow local errors do not grow, and the step count for t ≤ 2 at τ = 1e-10 is a few dozen, so 100τ·(1 + |w0|)
 * bounds the global error with room for the estimator's slack, while a wrong sign or factor errs by O(1).
 */
const flowTolerance = (tau: number, w0: number) => 100 * tau * (1 + Math.abs(w0));

describe('gradientFlow: trajectory', () => {
  test('W(t) at each checkpoint is the closed form, seen in ascending order, each time once', () => {
    const seen: [number, number][] = [];
    const res = gradientFlow({
      network: scalar(3),
      data: reg,
      loss: squared,
      time: 2,
      tolerance: 1e-10,
      // unsorted, duplicated and out-of-range requests: only those in [0, time] are visited, once, in order
      checkpointTimes: [1.5, 0.5, 0.5, -1, 0, 7],
      onCheckpoint: (t, net) => seen.push([t, net.weights[0][0]]),
    });
    expect(seen.map(([t]) => t)).toEqual([0, 0.5, 1.5]);
    for (const [t, w] of seen) expect(Math.abs(w - closedForm(3, t))).toBeLessThan(flowTolerance(1e-10, 3));
    expect(seen[0][1]).toBe(3);
    expect(Math.abs(res.network.weights[0][0] - closedForm(3, 2))).toBeLessThan(flowTolerance(1e-10, 3));
    expect(res.diverged).toBeNull();
  });

  test('the final time is a checkpoint when asked for, and not otherwise', () => {
    const seen: number[] = [];
    gradientFlow({ network: scalar(3), data: reg, loss: squared, time: 1, tolerance: 1e-8, checkpointTimes: [1], onCheckpoint: (t) => seen.push(t) });
    gradientFlow({ network: scalar(3), data: reg, loss: squared, time: 1, tolerance: 1e-8, checkpointTimes: [0.25], onCheckpoint: (t) => seen.push(t) });
    expect(seen).toEqual([1, 0.25]);
  });

  test('the input network is not modified; the result holds W(time)', () => {
    const start = scalar(3);
    const res = gradientFlow({ network: start, data: reg, loss: squared, time: 1, tolerance: 1e-8 });
    expect(start.weights[0][0]).toBe(3);
    expect(res.network.weights[0][0]).not.toBe(3);
  });

  test('time 0 returns the initial weights without evaluating the gradient', () => {
    const res = gradientFlow({ network: scalar(3), data: reg, loss: squared, time: 0, tolerance: 1e-8 });
    expect(res.network.weights[0][0]).toBe(3);
    expect(res.evaluations).toBe(0);
    expect(res.integratorSteps).toBe(0);
  });

  test('a deep net: every layer is carried through the flattened state and back', () => {
    // L = 2, logistic: the flow must reduce the risk and move both layers; with a gradient that zeroes layer 2,
    // layer 2 must stay put (the state vector's layout maps each block back to its own layer)
    const cls = datasetFromArrays(
      [
        [1, 0],
        [0, 1],
        [-0.5, -0.5],
      ],
      [1, 1, -1],
    );
    const w0 = [
      [
        [0.5, 0.1],
        [0.2, 0.3],
      ],
      [[0.4, -0.1]],
    ];
    const res = gradientFlow({ network: networkFromArrays(w0, { kind: 'linear' }), data: cls, loss: logistic, time: 1, tolerance: 1e-9 });
    const w1 = weightsToArrays(res.network);
    expect(w1[0]).not.toEqual(w0[0]);
    expect(w1[1]).not.toEqual(w0[1]);
    const frozen: GradientFn = (ws, net, data, loss, grads, wantRisk) => {
      const r = riskAndGradient(ws, net, data, loss, grads, wantRisk);
      grads[1].fill(0);
      return r;
    };
    const half = gradientFlow({ network: networkFromArrays(w0, { kind: 'linear' }), data: cls, loss: logistic, time: 1, tolerance: 1e-9, gradient: frozen });
    const wh = weightsToArrays(half.network);
    expect(wh[1]).toEqual(w0[1]);
    expect(wh[0]).not.toEqual(w0[0]);
  });
});

describe('gradientFlow: bookkeeping', () => {
  test('evaluations counts right-hand-side calls; integratorSteps sums the integrator steps over segments', () => {
    let calls = 0;
    const counting: GradientFn = (...args) => {
      calls++;
      return riskAndGradient(...args);
    };
    const one = gradientFlow({ network: scalar(3), data: reg, loss: squared, time: 2, tolerance: 1e-10, gradient: counting });
    expect(one.evaluations).toBe(calls);
    expect(one.integratorSteps).toBeGreaterThan(0);
    // restarting at a checkpoint costs at least one more step than integrating straight through
    const two = gradientFlow({ network: scalar(3), data: reg, loss: squared, time: 2, tolerance: 1e-10, checkpointTimes: [1] });
    expect(two.integratorSteps).toBeGreaterThan(one.integratorSteps);
    expect(two.evaluations).toBeGreaterThan(one.evaluations);
  });

  test('a tighter tolerance takes more steps and lands closer', () => {
    const loose = gradientFlow({ network: scalar(3), data: reg, loss: squared, time: 2, tolerance: 1e-4 });
    const tight = gradientFlow({ network: scalar(3), data: reg, loss: squared, time: 2, tolerance: 1e-12 });
    expect(tight.integratorSteps).toBeGreaterThan(loose.integratorSteps);
    const err = (r: typeof loose) => Math.abs(r.network.weights[0][0] - closedForm(3, 2));
    expect(err(tight)).toBeLessThan(err(loose));
    expect(err(tight)).toBeLessThan(flowTolerance(1e-12, 3));
  });
});

describe('gradientFlow: divergence', () => {
  test('a gradient that turns non-finite stops the flow and says when', () => {
    // ∇ = NaN once w has moved below 1.5: the flow passes it at t = ln 4 ≈ 1.39 (w(1) ≈ 1.74)
    const poisoned: GradientFn = (ws, net, data, loss, grads, wantRisk) => {
      const r = riskAndGradient(ws, net, data, loss, grads, wantRisk);
      if (net.weights[0][0] < 1.5) grads[0][0] = NaN;
      return r;
    };
    const seen: number[] = [];
    const res = gradientFlow({
      network: scalar(3),
      data: reg,
      loss: squared,
      time: 3,
      tolerance: 1e-8,
      gradient: poisoned,
      checkpointTimes: [1, 2],
      onCheckpoint: (t) => seen.push(t),
    });
    expect(seen).toEqual([1]);
    expect(res.diverged).not.toBeNull();
    // DOP853 rejects the trial steps whose stages meet the poison and closes in on it until the step underflows the
    // resolution of t: it stops at t = ln 4 to rounding, at the last accepted point before the poison
    expect(Math.abs(res.diverged!.time - Math.log(4))).toBeLessThan(1e-6);
    const accepted = Number(/W\(([^)]*)\)/.exec(res.diverged!.reason)![1]);
    expect(res.diverged!.reason).toBe(`non-finite gradient at or just after t=${accepted} (weights returned are W(${accepted}), the last accepted point)`);
    expect(accepted).toBe(res.diverged!.time);
    expect(res.network.weights[0][0]).toBeGreaterThanOrEqual(1.5);
    expect(Math.abs(res.network.weights[0][0] - closedForm(3, accepted))).toBeLessThan(flowTolerance(1e-8, 3));
  });

  test('a gradient non-finite from the start is divergence at t = 0', () => {
    const inf: GradientFn = (ws, net, data, loss, grads, wantRisk) => {
      const r = riskAndGradient(ws, net, data, loss, grads, wantRisk);
      grads[0][0] = -Infinity;
      return r;
    };
    const res = gradientFlow({ network: scalar(3), data: reg, loss: squared, time: 1, tolerance: 1e-8, gradient: inf });
    expect(res.diverged).toEqual({ time: 0, reason: 'non-finite gradient at or just after t=0 (weights returned are W(0), the last accepted point)' });
    expect(res.network.weights[0][0]).toBe(3);
  });

  test('finite gradients whose flow overflows the weights are divergence where it happens, named as the weight', () => {
    // G = (−1e308, 0): every gradient is finite, but the Runge–Kutta combination of the stages overflows
    // (∞ − ∞ = NaN) in the first weight; the second stays finite, so one bad entry must be enough
    const data = datasetFromArrays([[1, 0]], [[1]], 'regression');
    const huge: GradientFn = (_ws, _net, _data, _loss, grads) => {
      grads[0][0] = -1e308;
      grads[0][1] = 0;
      return 1;
    };
    const res = gradientFlow({
      network: networkFromArrays([[[3, 0]]], { kind: 'linear' }),
      data,
      loss: squared,
      time: 4,
      tolerance: 1e-8,
      gradient: huge,
      checkpointTimes: [1, 4],
      onCheckpoint: () => expect.unreachable(),
    });
    // the first step whose state overflows ends the flow there, before the checkpoint at t = 1
    expect(res.diverged!.reason).toBe('non-finite weight');
    expect(res.diverged!.time).toBeGreaterThan(0);
    expect(res.diverged!.time).toBeLessThanOrEqual(1);
    expect(Number.isFinite(res.network.weights[0][0])).toBe(false);
    expect(res.network.weights[0][1]).toBe(0);
  });

  test('a stiff flow that spends the step budget is divergence at the last point reached', () => {
    // R = ½(1000w − 1)²: dw/dt = −10⁶(w − 10⁻³), stiff for an explicit method: DOP853's steps stay near its
    // stability limit h ≈ 6·10⁻⁶, so t = 0.01 takes ~2000 steps
    const stiff = datasetFromArrays([[1000]], [[1]], 'regression');
    const res = gradientFlow({
      network: scalar(3),
      data: stiff,
      loss: squared,
      time: 0.01,
      tolerance: 1e-8,
      maxSteps: 20,
      checkpointTimes: [0.01],
      onCheckpoint: () => expect.unreachable(),
    });
    expect(res.diverged).not.toBeNull();
    const { time, reason } = res.diverged!;
    expect(reason).toBe(`DOP853 spent its budget of 20 steps at t=${time}, before t=0.01`);
    expect(time).toBeGreaterThan(0);
    expect(time).toBeLessThan(0.01);
    // the weights returned are those the integrator reached at that time: w(t) = 10⁻³ + (3 − 10⁻³)e^{−10⁶t}, within the
    // stated 10τ(1 + |w0|), and well into the fast transient (time constant 10⁻⁶)
    expect(Math.abs(res.network.weights[0][0] - (1e-3 + (3 - 1e-3) * Math.exp(-1e6 * time)))).toBeLessThan(10 * 1e-8 * 4);
    expect(res.network.weights[0][0]).toBeLessThan(0.1);
    // with the default budget the same flow reaches the end, at the closed form 10⁻³ + (3 − 10⁻³)e^{−10⁴} = 10⁻³
    const full = gradientFlow({ network: scalar(3), data: stiff, loss: squared, time: 0.01, tolerance: 1e-8 });
    expect(full.diverged).toBeNull();
    expect(Math.abs(full.network.weights[0][0] - 1e-3)).toBeLessThan(1e-8 * 10);
  });

  test('an error other than a non-finite gradient is not swallowed', () => {
    const boom: GradientFn = () => {
      throw new Error('boom');
    };
    expect(() => gradientFlow({ network: scalar(3), data: reg, loss: squared, time: 1, tolerance: 1e-8, gradient: boom })).toThrow('boom');
  });

  test.each([0, -2, 1.5, NaN])('maxSteps=%s is rejected', (maxSteps) => {
    expect(() => gradientFlow({ network: scalar(3), data: reg, loss: squared, time: 1, tolerance: 1e-8, maxSteps })).toThrow(
      `maxSteps=${maxSteps} must be a positive integer`,
    );
  });

  test.each([
    [{ time: -1 }, 'schedule.time=-1 must be a finite number ≥ 0'],
    [{ time: NaN }, 'schedule.time=NaN must be a finite number ≥ 0'],
    [{ time: Infinity }, 'schedule.time=Infinity must be a finite number ≥ 0'],
    [{ tolerance: 0 }, 'schedule.tolerance=0 must be a finite number > 0'],
    [{ tolerance: -1e-3 }, 'schedule.tolerance=-0.001 must be a finite number > 0'],
    [{ tolerance: Infinity }, 'schedule.tolerance=Infinity must be a finite number > 0'],
  ])('bad %o is rejected naming the field', (bad, message) => {
    expect(() => gradientFlow({ network: scalar(3), data: reg, loss: squared, time: 1, tolerance: 1e-8, ...bad })).toThrow(message);
  });
});

describe('gradientFlow: error estimate and integrators', () => {
  test('errorEstimate: each checkpoint gets a bound that holds against the closed form and is within the stated bound', () => {
    const seen: (number | null)[] = [];
    const res = gradientFlow({
      network: scalar(3),
      data: reg,
      loss: squared,
      time: 30,
      tolerance: 1e-8,
      errorEstimate: true,
      checkpointTimes: [0, 1, 10, 30],
      onCheckpoint: (t, net, info) => {
        seen.push(info.errorEstimate);
        expect(info.errorEstimate!).toBeGreaterThanOrEqual(Math.abs(net.weights[0][0] - closedForm(3, t)));
        // |W − W̃| ≤ both solves' errors, and the floor is K·τ/100·(1 + |w̃|): within K·τ(1 + |w|) with K = 10
        expect(info.errorEstimate!).toBeLessThanOrEqual(10 * 1e-8 * (1 + Math.abs(net.weights[0][0])));
      },
    });
    expect(seen).toHaveLength(4);
    expect(res.errorEstimate).toBe(seen[3]);
    // not asked for: null, and the companion's evaluations are not spent
    const plain = gradientFlow({
      network: scalar(3),
      data: reg,
      loss: squared,
      time: 30,
      tolerance: 1e-8,
      checkpointTimes: [1],
      onCheckpoint: (_t, _n, info) => expect(info.errorEstimate).toBeNull(),
    });
    expect(plain.errorEstimate).toBeNull();
    expect(plain.evaluations).toBeLessThan(res.evaluations);
  });

  test('a companion solve that fails leaves the estimate infinite, not the flow divergent', () => {
    // one segment: the main solve makes its calls first, then the companion; poison every call after the main's
    const main = gradientFlow({ network: scalar(3), data: reg, loss: squared, time: 1, tolerance: 1e-8 });
    let calls = 0;
    const late: GradientFn = (ws, net, data, loss, grads, wantRisk) => {
      const r = riskAndGradient(ws, net, data, loss, grads, wantRisk);
      if (++calls > main.evaluations) grads[0][0] = NaN;
      return r;
    };
    const res = gradientFlow({ network: scalar(3), data: reg, loss: squared, time: 1, tolerance: 1e-8, gradient: late, errorEstimate: true });
    expect(res.diverged).toBeNull();
    expect(res.network.weights[0][0]).toBe(main.network.weights[0][0]);
    expect(res.errorEstimate).toBe(Infinity);
  });

  test("integrator: 'odex' runs the flow by ODEX (kept to compare with) and names itself in budget errors", () => {
    const res = gradientFlow({ network: scalar(3), data: reg, loss: squared, time: 2, tolerance: 1e-10, integrator: 'odex' });
    expect(Math.abs(res.network.weights[0][0] - closedForm(3, 2))).toBeLessThan(flowTolerance(1e-10, 3));
    const stiff = datasetFromArrays([[1000]], [[1]], 'regression');
    const budget = gradientFlow({ network: scalar(3), data: stiff, loss: squared, time: 1, tolerance: 1e-8, maxSteps: 20, integrator: 'odex' });
    expect(budget.diverged!.reason).toMatch(/^ODEX spent its budget of 20 steps at t=.*, before t=1$/);
    const inf: GradientFn = (ws, net, data, loss, grads, wantRisk) => {
      const r = riskAndGradient(ws, net, data, loss, grads, wantRisk);
      grads[0][0] = NaN;
      return r;
    };
    expect(gradientFlow({ network: scalar(3), data: reg, loss: squared, time: 1, tolerance: 1e-8, gradient: inf, integrator: 'odex' }).diverged).toEqual({
      time: 0,
      reason: 'non-finite gradient at t=0 (weights returned are W(0), the last accepted point)',
    });
  });

  test('an unknown integrator is rejected naming the field', () => {
    expect(() => gradientFlow({ network: scalar(3), data: reg, loss: squared, time: 1, tolerance: 1e-8, integrator: 'rk4' as never })).toThrow(
      "integrator=rk4 must be 'dop853' or 'odex'",
    );
    expect(() => gradientFlow({ network: scalar(3), data: reg, loss: squared, time: 1, tolerance: 1e-8, integrator: 'toString' as never })).toThrow(
      "integrator=toString must be 'dop853' or 'odex'",
    );
  });
});
