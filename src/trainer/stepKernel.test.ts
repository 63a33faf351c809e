import { describe, expect, test } from 'vitest';
import { datasetFromArrays } from '../data/dataset.js';
import { exponential } from '../losses/exponential.js';
import { logistic } from '../losses/logistic.js';
import { squared } from '../losses/loss.js';
import { networkFromArrays } from '../network/network.js';
import { createWorkspace, riskAndGradient } from './gradient.js';
import { stepKernelChoice, stepKernelFor } from './stepKernel.js';

const tiny = networkFromArrays(
  [
    [
      [0.5, 0.1],
      [0.2, 0.3],
    ],
    [[0.4, -0.1]],
  ],
  { kind: 'linear' },
);
const wide = networkFromArrays([Array.from({ length: 10 }, (_, i) => [0.1 * i, -0.05 * i]), [Array.from({ length: 10 }, () => 0.1)]], { kind: 'linear' });
const data = datasetFromArrays(
  [
    [1, 0],
    [0, 1],
    [-0.5, -0.5],
  ],
  [1, 1, -1],
);

describe('stepKernelChoice', () => {
  test('the module for narrow linear nets with one output and a built-in margin loss, and only with the exact gradient', () => {
    expect(stepKernelChoice(tiny, logistic, 3)).toBe('margin-vector');
    expect(stepKernelChoice(tiny, exponential, 3)).toBe('margin-vector');
    expect(stepKernelChoice(tiny, logistic, 3, riskAndGradient)).toBe('reference');
    expect(stepKernelChoice({ ...tiny, activation: { kind: 'relu' } }, logistic, 3)).toBe('reference');
    // a margin loss that is not one of the built-in objects (same formulas) has no module twin
    expect(stepKernelChoice(tiny, { ...logistic }, 3)).toBe('reference');
    expect(stepKernelChoice(wide, logistic, 3)).toBe('simd');
  });

  test('the squared loss on a narrow net stays in JavaScript', () => {
    const reg = networkFromArrays([[[0.5, 0.1]], [[0.4], [0.2]]], { kind: 'linear' });
    expect(stepKernelChoice(reg, squared, 3)).toBe('reference');
  });
});

describe('stepKernelFor', () => {
  test('a bad DLNCHECK_KERNEL_THREADS is an error naming it, also for runs that never take the split-rows kernel', () => {
    const saved = process.env.DLNCHECK_KERNEL_THREADS;
    process.env.DLNCHECK_KERNEL_THREADS = '3';
    try {
      expect(() => stepKernelFor(createWorkspace(tiny.dims, data.n), tiny, data, logistic)).toThrow(/DLNCHECK_KERNEL_THREADS=3: must be 1, 2 or auto/);
    } finally {
      if (saved === undefined) delete process.env.DLNCHECK_KERNEL_THREADS;
      else process.env.DLNCHECK_KERNEL_THREADS = saved;
    }
  });

  test('module runs hold W_k in the module (views), plain runs copy them; neither changes the given network', () => {
    const before = tiny.weights.map((w) => [...w]);
    for (const gradient of [undefined, riskAndGradient]) {
      const k = stepKernelFor(createWorkspace(tiny.dims, data.n), tiny, data, logistic, gradient);
      expect(k.inModule).toBe(gradient === undefined);
      expect(k.weights.map((w) => [...w])).toEqual(before);
      k.evaluate(false);
      k.step(0.5);
      expect(k.weights[0][0]).not.toBe(before[0][0]);
    }
    expect(tiny.weights.map((w) => [...w])).toEqual(before);
  });

  test('step returns max_k ‖W_k‖²_F after the update and gradSquared Σ_k ‖G_k‖²_F (same bits in both places)', () => {
    const mod = stepKernelFor(createWorkspace(tiny.dims, data.n), tiny, data, logistic);
    const ref = stepKernelFor(createWorkspace(tiny.dims, data.n), tiny, data, logistic, riskAndGradient);
    expect(Object.is(mod.evaluate(true), ref.evaluate(true))).toBe(true);
    const g2 = ref.grads.reduce((s, g) => s + g.reduce((a, v) => a + v * v, 0), 0);
    expect(mod.gradSquared()).toBeCloseTo(g2, 15);
    expect(Object.is(mod.gradSquared(), ref.gradSquared())).toBe(true);
    const most = mod.step(0.25);
    expect(Object.is(most, ref.step(0.25))).toBe(true);
    expect(most).toBeCloseTo(Math.max(...mod.weights.map((w) => w.reduce((a, v) => a + v * v, 0))), 15);
  });
});
