import { describe, expect, test } from 'vitest';
import { datasetFromArrays } from '../../data/dataset.js';
import { endToEnd } from '../../linalg/dense.js';
import { logistic } from '../../losses/logistic.js';
import { linear } from '../../network/activation.js';
import { networkFromArrays, type Network } from '../../network/network.js';
import { brokenGradient } from '../../trainer/brokenGradient.js';
import { riskAndGradient, type GradientFn } from '../../trainer/gradient.js';
import { gradientFlow } from '../../trainer/gradientFlow.js';
import { CheckFailure } from '../checkFailure.js';
import { EVALUATIONS_PER_ACCEPTED_STEP, FlowBalanceLedger, Lemma4RegionWatch, observeEvaluations } from './flowInvariants.js';

const data = datasetFromArrays(
  [
    [0.5, 0.3],
    [0.4, -0.6],
    [0.7, 0.1],
  ],
  [1, 1, 1],
);

function net(): Network {
  return networkFromArrays(
    [
      [
        [0.2, -0.1],
        [0.05, 0.3],
      ],
      [[0.25, -0.15]],
    ],
    linear,
  );
}

/** Largest F2-flow ratio over checkpoints t = 1, 2, 4, …, T (the failure's ratio when the check throws). */
function worstDrift(gradient: GradientFn, time: number): { worst: number; evaluations: number } {
  const start = net();
  const ledger = new FlowBalanceLedger(start.weights, start.dims, 1e-10);
  const checkpoints: number[] = [];
  for (let t = 1; t <= time; t *= 2) checkpoints.push(t);
  let worst = 0;
  const res = gradientFlow({
    network: start,
    data,
    loss: logistic,
    time,
    tolerance: 1e-10,
    checkpointTimes: checkpoints,
    gradient: observeEvaluations(gradient, (n) => ledger.observe(n.weights)),
    onCheckpoint(t, nt) {
      try {
        worst = Math.max(worst, ledger.check(t, nt.weights));
      } catch (e) {
        if (!(e instanceof CheckFailure) || e.check !== 'F2-flow') throw e;
        worst = Math.max(worst, e.ratio);
      }
    },
  });
  expect(res.diverged).toBeNull();
  // the ledger saw every evaluation the flow made, and one more (its own start)
  expect(ledger.evaluations).toBe(res.evaluations + 1);
  return { worst, evaluations: res.evaluations };
}

describe('observeEvaluations', () => {
  test('calls the observer with the point, then returns the gradient’s value unchanged', () => {
    const seen: number[] = [];
    const g = observeEvaluations(riskAndGradient, (n) => seen.push(n.weights[0][0]));
    const n = net();
    const flow = gradientFlow({ network: n, data, loss: logistic, time: 1, tolerance: 1e-8, gradient: g });
    expect(seen.length).toBe(flow.evaluations);
    expect(seen[0]).toBe(0.2);
  });
});

describe('FlowBalanceLedger (F2 along the flow)', () => {
  test('the exact flow stays far inside the allowance; a 1 % scaled G_1 or G_2 is caught by a wide margin', () => {
    const exact = worstDrift(riskAndGradient, 256);
    expect(exact.worst).toBeLessThan(1e-2);
    expect(exact.evaluations).toBeGreaterThan(EVALUATIONS_PER_ACCEPTED_STEP);
    for (const layer of [0, 1]) {
      const faulty = worstDrift(brokenGradient({ kind: 'scale', layer, factor: 1.01 }), 256);
      expect(faulty.worst).toBeGreaterThan(1e3);
    }
  });

  test('a checkpoint at the start has zero drift; the allowance grows with the evaluations and the weights seen', () => {
    const n = net();
    const ledger = new FlowBalanceLedger(n.weights, n.dims, 1e-10);
    expect(ledger.check(0, n.weights)).toBe(0);
    const a1 = ledger.allowance();
    ledger.observe(n.weights);
    const a2 = ledger.allowance();
    expect(a2).toBeCloseTo(2 * a1, 12);
    const bigger = n.weights.map((W) => W.map((v) => 10 * v));
    ledger.observe(bigger);
    expect(ledger.allowance()).toBeGreaterThan(3 * a2);
    expect(ledger.maxLayerNorm).toBeCloseTo(10 * Math.hypot(0.2, -0.1, 0.05, 0.3), 12);
  });

  test('a drift beyond the allowance throws F2-flow with observed and bound', () => {
    const n = net();
    const ledger = new FlowBalanceLedger(n.weights, n.dims, 1e-10);
    const moved = n.weights.map((W) => W.slice());
    moved[0][0] *= 1.001; // changes W_1W_1ᵀ, not W_2ᵀW_2
    let caught: unknown;
    try {
      ledger.check(1, moved);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(CheckFailure);
    const f = caught as CheckFailure;
    expect(f.check).toBe('F2-flow');
    expect(f.ratio).toBeGreaterThan(1e3);
  });

  test('a depth-1 net has no pair: ratio 0', () => {
    const one = networkFromArrays([[[0.3, 0.4]]], linear);
    const ledger = new FlowBalanceLedger(one.weights, one.dims, 1e-10);
    expect(
      ledger.check(
        1,
        one.weights.map((W) => W.map((v) => 2 * v)),
      ),
    ).toBe(0);
  });

  test('bad input names the field', () => {
    const n = net();
    expect(() => new FlowBalanceLedger(n.weights, n.dims, 0)).toThrow(/tolerance=0/);
    expect(() => new FlowBalanceLedger(n.weights, [2, 2], 1e-10)).toThrow(/weights.length=2/);
  });
});

describe('Lemma4RegionWatch', () => {
  const u = new Float64Array([1, 0]);
  const flow = { tolerance: 1e-10, horizon: 1 };
  /** a depth-2 net with w_prod = (a, b): W_1 = [[a, b], [0, 0]], W_2 = [1, 0] */
  const point = (a: number, b: number): Float64Array[] => [new Float64Array([a, b, 0, 0]), new Float64Array([1, 0])];

  test('w_prod is the end-to-end product', () => {
    const n = networkFromArrays(
      [
        [
          [0.2, -0.1],
          [0.05, 0.3],
        ],
        [
          [0.25, -0.15],
          [1, 2],
        ],
        [[0.7, -0.4]],
      ],
      linear,
    );
    const P = endToEnd(n.weights, n.dims);
    // the watch is in the region exactly when ⟨P, ū⟩ and ‖Π_⊥P‖ − τ are positive: probe with ū = ±e_1 along P and τ
    // just below / above ‖Π_⊥P‖ = |P_2|
    const along = new Float64Array([Math.sign(P[0]), 0]);
    const off = Math.abs(P[1]);
    const inside = new Lemma4RegionWatch(n.dims, along, off * 0.999, flow);
    const outside = new Lemma4RegionWatch(n.dims, along, off * 1.001, flow);
    const against = new Lemma4RegionWatch(n.dims, new Float64Array([-along[0], 0]), off * 0.999, flow);
    inside.observe(n.weights);
    outside.observe(n.weights);
    against.observe(n.weights);
    expect(against.takeLeft()).toBe(true);
    expect(inside.takeLeft()).toBe(false);
    expect(outside.takeLeft()).toBe(true);
  });

  test('a stretch counts only when both points have slack above twice their distance; takeLeft resets', () => {
    const w = new Lemma4RegionWatch([2, 2, 1], u, 1, flow);
    w.observe(point(1, 2));
    w.observe(point(1.1, 2.1)); // slack 1 and 1.1 against 2·0.141
    expect(w.takeLeft()).toBe(false);
    expect(w.tightest).toBeCloseTo(1 / (2 * Math.hypot(0.1, 0.1)), 6);
    w.observe(point(1.1, 1.05)); // slack 0.05 against 2·1.05: the path could have left
    expect(w.takeLeft()).toBe(true);
    expect(w.takeLeft()).toBe(false);
    w.observe(point(-0.1, 3)); // ⟨w, ū⟩ < 0
    expect(w.takeLeft()).toBe(true);
    expect(w.evaluations).toBe(4);
    expect(w.outside).toBe(2);
  });

  test('the flow’s global error eats into the slack', () => {
    const loose = new Lemma4RegionWatch([2, 2, 1], u, 1, { tolerance: 1e-2, horizon: 1 });
    loose.observe(point(0.05, 2)); // slack 0.05, product error ≈ 10·1e-2·3·(‖W_1‖ + ‖W_2‖)·√2 ≫ 0.05
    expect(loose.takeLeft()).toBe(true);
    const tight = new Lemma4RegionWatch([2, 2, 1], u, 1, flow);
    tight.observe(point(0.05, 2));
    expect(tight.takeLeft()).toBe(false);
  });

  test('bad input names the field', () => {
    expect(() => new Lemma4RegionWatch([2, 2, 2], u, 1, flow)).toThrow(/scalar output/);
    expect(() => new Lemma4RegionWatch([3, 2, 1], u, 1, flow)).toThrow(/ubar.length=2/);
    expect(() => new Lemma4RegionWatch([2, 2, 1], u, -1, flow)).toThrow(/threshold=-1/);
  });
});
