import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { datasetFromArrays } from '../../data/dataset.js';
import { logistic } from '../../losses/logistic.js';
import { type Activation, applyActivation } from '../../network/activation.js';
import { networkFromArrays } from '../../network/network.js';
import { createWorkspace, kernelFor, linearRiskAndGradient, riskAndGradient, zerosLike } from '../gradient.js';
import { gradientDescent } from '../gradientDescent.js';
import { simdBackpropRiskAndGradient, simdLeakyActivation, simdLinearRiskAndGradient, simdStepSums } from './simd.js';
import { stepAndSumOfSquares, sumOfSquares } from './stepSums.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));

describe('the SIMD module', () => {
  test('the committed denseWasm.ts is what wasm/dense.ts compiles to (AssemblyScript, pinned)', () => {
    const res = spawnSync(process.execPath, ['wasm/build.mjs', '--check'], { cwd: root, encoding: 'utf8' });
    expect(res.stdout + res.stderr).toContain('denseWasm.ts matches wasm/dense.ts');
    expect(res.status).toBe(0);
  }, 60_000);

  test('the kernel is chosen by shape only: SIMD once a layer is 10 wide', () => {
    expect(kernelFor([2, 2, 2, 2, 1])).toBe('reference');
    expect(kernelFor([9, 9, 1])).toBe('reference');
    expect(kernelFor([2, 10, 1])).toBe('simd');
    expect(kernelFor([100, 100, 100, 1])).toBe('simd');
  });

  test('riskAndGradient runs the SIMD kernel at width ≥ 10: its bits, not the reference bits', () => {
    // 12 features with values whose products round: the reference and the SIMD kernel sum in different orders
    const x = Array.from({ length: 7 }, (_, i) => Array.from({ length: 12 }, (_, j) => Math.sin(1 + i * 12 + j)));
    const y = x.map((_, i) => (i % 3 === 0 ? -1 : 1));
    const data = datasetFromArrays(x, y);
    const net = networkFromArrays([Array.from({ length: 3 }, (_, r) => Array.from({ length: 12 }, (_, c) => Math.cos(r * 12 + c) / 3)), [[0.7, -0.4, 0.9]]], {
      kind: 'linear',
    });
    const viaDispatch = zerosLike(net);
    const viaSimd = zerosLike(net);
    const viaReference = zerosLike(net);
    riskAndGradient(createWorkspace(net.dims, data.n), net, data, logistic, viaDispatch);
    simdLinearRiskAndGradient(createWorkspace(net.dims, data.n), net, data, logistic, viaSimd);
    linearRiskAndGradient(createWorkspace(net.dims, data.n), net, data, logistic, viaReference);
    expect(viaDispatch.map((g) => Array.from(g))).toEqual(viaSimd.map((g) => Array.from(g)));
    expect(viaDispatch.map((g) => Array.from(g))).not.toEqual(viaReference.map((g) => Array.from(g)));
  });

  test('a workspace reused with another dataset (same shape) reads the new data, and new weights each call', () => {
    const a = datasetFromArrays(
      [
        [1, 0],
        [0, 1],
        [1, 1],
      ],
      [1, -1, 1],
    );
    const b = datasetFromArrays(
      [
        [0.5, -1],
        [2, 1],
        [-1, 0.25],
      ],
      [-1, 1, 1],
    );
    for (const [kernel, act] of [
      [simdLinearRiskAndGradient, 'linear'],
      [simdBackpropRiskAndGradient, 'relu'],
    ] as const) {
      const net = networkFromArrays(
        [
          [
            [1, 2],
            [0.5, -1],
          ],
          [[1, -0.5]],
        ],
        { kind: act },
      );
      const ws = createWorkspace(net.dims, 3);
      const g = zerosLike(net);
      kernel(ws, net, a, logistic, g);
      const onB = kernel(ws, net, b, logistic, g);
      expect(onB).toBe(kernel(createWorkspace(net.dims, 3), net, b, logistic, zerosLike(net)));
      net.weights[0][0] = -3;
      expect(kernel(ws, net, b, logistic, g)).toBe(kernel(createWorkspace(net.dims, 3), net, b, logistic, zerosLike(net)));
      expect(kernel(ws, net, b, logistic, g)).not.toBe(onB);
    }
  });

  test('a workspace serves one shape: another n or other dims is refused with both shapes named', () => {
    const data = datasetFromArrays(
      [
        [1, 0],
        [0, 1],
        [1, 1],
      ],
      [1, -1, 1],
    );
    const net = networkFromArrays(
      [
        [
          [1, 2],
          [0.5, -1],
        ],
        [[1, -0.5]],
      ],
      { kind: 'linear' },
    );
    const ws = createWorkspace(net.dims, 3);
    simdLinearRiskAndGradient(ws, net, data, logistic, zerosLike(net));
    expect(() => simdLinearRiskAndGradient(ws, net, datasetFromArrays([[1, 0]], [1]), logistic, zerosLike(net))).toThrow(
      'gradient workspace: made for dims [2,2,1] and n=3, used with dims [2,2,1] and n=1; create a workspace per shape (createWorkspace)',
    );
    const wider = networkFromArrays(
      [
        [
          [1, 2],
          [0.5, -1],
          [0, 1],
        ],
        [[1, -0.5, 2]],
      ],
      { kind: 'linear' },
    );
    expect(() => simdLinearRiskAndGradient(ws, wider, data, logistic, zerosLike(wider))).toThrow(
      /made for dims \[2,2,1\] and n=3, used with dims \[2,3,1\] and n=3/,
    );
    // the same workspace may serve a ReLU net of its shape too (its own memory layout)
    const relu = networkFromArrays(
      [
        [
          [1, 2],
          [0.5, -1],
        ],
        [[1, -0.5]],
      ],
      { kind: 'relu' },
    );
    expect(simdBackpropRiskAndGradient(ws, relu, data, logistic, zerosLike(relu))).toBe(
      simdBackpropRiskAndGradient(createWorkspace(relu.dims, 3), relu, data, logistic, zerosLike(relu)),
    );
  });
});

describe('leaky ReLU in the module', () => {
  test('matches applyActivation bit for bit: signed zeros, NaN, ±∞, odd lengths, ReLU and leaky slopes', () => {
    const special = [0, -0, Number.NaN, Infinity, -Infinity, 1e-310, -1e-310, 3, -2.5];
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.double(), fc.constantFrom(...special)), { minLength: 0, maxLength: 37 }),
        fc.constantFrom(0, 0.01, 0.3, 1.7),
        (values, slope) => {
          const pre = Float64Array.from(values);
          const act: Activation = slope === 0 ? { kind: 'relu' } : { kind: 'leaky', slope };
          const out = new Float64Array(pre.length);
          const dphi = new Float64Array(pre.length);
          applyActivation(act, pre, out, dphi, pre.length);
          const simd = simdLeakyActivation(pre, slope);
          // Object.is tells −0 from +0 and matches NaN with NaN
          const show = (v: number) => (Object.is(v, -0) ? '-0' : String(v));
          for (let i = 0; i < pre.length; i++) {
            if (!Object.is(simd.out[i], out[i]) || !Object.is(simd.dphi[i], dphi[i]))
              throw new Error(
                `entry ${i} (pre=${show(pre[i])}, slope=${slope}): module ${show(simd.out[i])}/${show(simd.dphi[i])}, JavaScript ${show(out[i])}/${show(dphi[i])}`,
              );
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('the descent step in the module (weights and gradients resident)', () => {
  const show = (v: number) => (Object.is(v, -0) ? '-0' : String(v));

  test("its sums of squares and its update give stepSums.ts's bits: lengths 0–37, signed zeros, subnormals, NaN, ±∞", () => {
    const special = [0, -0, Number.NaN, Infinity, -Infinity, 1e-310, -1e-310, 1e154, 3, -2.5];
    const entry = fc.oneof(fc.double(), fc.constantFrom(...special));
    fc.assert(
      fc.property(
        fc.array(fc.tuple(entry, entry), { maxLength: 37 }),
        fc.oneof(fc.double({ min: 0, max: 2 }), fc.constantFrom(0, 0.1, 1e-300)),
        (pairs, eta) => {
          const w = Float64Array.from(pairs, (p) => p[0]);
          const g = Float64Array.from(pairs, (p) => p[1]);
          const simd = simdStepSums(w, g, eta);
          const js = w.slice();
          const gradSum = sumOfSquares(g);
          const weightSum = stepAndSumOfSquares(js, g, eta);
          if (!Object.is(simd.gradSum, gradSum)) throw new Error(`Σg²: module ${show(simd.gradSum)}, JavaScript ${show(gradSum)}`);
          if (!Object.is(simd.weightSum, weightSum)) throw new Error(`Σw²: module ${show(simd.weightSum)}, JavaScript ${show(weightSum)}`);
          for (let i = 0; i < js.length; i++)
            if (!Object.is(simd.stepped[i], js[i])) throw new Error(`w[${i}] after the step: module ${show(simd.stepped[i])}, JavaScript ${show(js[i])}`);
        },
      ),
      { numRuns: 300 },
    );
  });

  test('gradientDescent at SIMD shapes gives the bits of the copy-per-step loop (linear and ReLU, 40 steps)', () => {
    const x = Array.from({ length: 9 }, (_, i) => Array.from({ length: 11 }, (_, j) => Math.sin(2 + i * 11 + j)));
    const y = x.map((_, i) => (i % 4 === 1 ? -1 : 1));
    const data = datasetFromArrays(x, y);
    const layer = (rows: number, cols: number, s: number) =>
      Array.from({ length: rows }, (_, r) => Array.from({ length: cols }, (_, c) => Math.cos(s + r * cols + c) / 3));
    for (const activation of [{ kind: 'linear' }, { kind: 'relu' }] as Activation[]) {
      const net = networkFromArrays([layer(12, 11, 1), layer(10, 12, 2), layer(1, 10, 3)], activation);
      const steps = 40;
      const eta = 0.3;
      const result = gradientDescent({ network: net, data, loss: logistic, schedule: { kind: 'constant', eta }, steps });
      // the loop gradientDescent ran before weights were resident: plain arrays, copied in and out of the module
      const kernel = activation.kind === 'linear' ? simdLinearRiskAndGradient : simdBackpropRiskAndGradient;
      const W = net.weights.map((w) => w.slice());
      const G = zerosLike(net);
      const ws = createWorkspace(net.dims, data.n);
      let energy = 0;
      for (let t = 0; t < steps; t++) {
        kernel(ws, { ...net, weights: W }, data, logistic, G, false);
        let g2 = 0;
        for (const Gk of G) g2 += sumOfSquares(Gk);
        for (let k = 0; k < W.length; k++) stepAndSumOfSquares(W[k], G[k], eta);
        energy += eta * eta * g2;
      }
      expect(result.energy).toBe(energy);
      result.network.weights.forEach((Wk, k) => expect(Array.from(Wk)).toEqual(Array.from(W[k])));
      // the result is the caller's own copy, not a view on the module's memory
      for (const Wk of result.network.weights) expect(Wk.buffer.byteLength).toBe(Wk.byteLength);
    }
  });
});

describe('the data pass f = X pᵀ keeps one summation order per entry', () => {
  /** dot2's association in wasm/dense.ts: lanes (p mod 4) of two accumulators, (s0 + s1) lane-wise, lane 0 + lane 1, then the tail */
  const dot2 = (x: Float64Array, xo: number, y: Float64Array, k: number) => {
    let a0 = 0,
      a1 = 0,
      b0 = 0,
      b1 = 0,
      p = 0;
    for (; p + 4 <= k; p += 4) {
      a0 += x[xo + p] * y[p];
      a1 += x[xo + p + 1] * y[p + 1];
      b0 += x[xo + p + 2] * y[p + 2];
      b1 += x[xo + p + 3] * y[p + 3];
    }
    let r = a0 + b0 + (a1 + b1);
    for (; p < k; p++) r += x[xo + p] * y[p];
    return r;
  };

  test('every f_i is dot2(x_i, p) bit for bit, whatever n and d_0 (rows taken four at a time, or one by one)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 13 }), fc.integer({ min: 10, max: 23 }), fc.integer({ min: 0, max: 1000 }), (n, d0, s) => {
        const x = Array.from({ length: n }, (_, i) => Array.from({ length: d0 }, (_, j) => Math.sin(s + i * d0 + j) * 3));
        const data = datasetFromArrays(
          x,
          x.map((_, i) => (i % 2 ? 1 : -1)),
        );
        const net = networkFromArrays([Array.from({ length: 1 }, (_, r) => Array.from({ length: d0 }, (_, c) => Math.cos(s + r + c * 1.7)))], {
          kind: 'linear',
        });
        const ws = createWorkspace(net.dims, n);
        simdLinearRiskAndGradient(ws, net, data, logistic, zerosLike(net));
        for (let i = 0; i < n; i++) {
          const want = dot2(data.x, i * d0, ws.P, d0);
          if (!Object.is(ws.outputs[i], want)) throw new Error(`n=${n}, d0=${d0}: f_${i} = ${ws.outputs[i]}, dot2 gives ${want}`);
        }
      }),
      { numRuns: 200 },
    );
  });

  test('E = cᵀX, summed block by block in one pass over the data, is each column summed over samples in order', () => {
    // n up to 400 crosses the fused pass's row blocks (24 KiB of X: 133–307 rows at these widths)
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 400 }), fc.integer({ min: 10, max: 23 }), fc.integer({ min: 0, max: 1000 }), (n, d0, s) => {
        const x = Array.from({ length: n }, (_, i) => Array.from({ length: d0 }, (_, j) => Math.sin(s + i * d0 + j) * 3));
        const data = datasetFromArrays(
          x,
          x.map((_, i) => (i % 3 ? 1 : -1)),
        );
        const net = networkFromArrays([[Array.from({ length: d0 }, (_, c) => Math.cos(s + c * 1.7) / 4)]], { kind: 'linear' });
        const grads = zerosLike(net);
        const ws = createWorkspace(net.dims, n);
        simdLinearRiskAndGradient(ws, net, data, logistic, grads);
        // one layer: G_1 = E
        for (let j = 0; j < d0; j++) {
          let e = 0;
          for (let i = 0; i < n; i++) e += logistic.derivative(ws.margins[i]) * data.y[i] * (1 / n) * data.x[i * d0 + j];
          if (!Object.is(grads[0][j], e)) throw new Error(`n=${n}, d0=${d0}: E_${j} = ${grads[0][j]}, in-order sum ${e}`);
        }
      }),
      { numRuns: 100 },
    );
  });
});

describe('what the SIMD kernel leaves in the workspace for observers', () => {
  test('E = ∂R/∂P and P, as the reference kernel leaves them (to rounding), at a linear SIMD shape', () => {
    const x = Array.from({ length: 9 }, (_, i) => Array.from({ length: 12 }, (_, j) => Math.sin(3 + i * 12 + j)));
    const data = datasetFromArrays(
      x,
      x.map((_, i) => (i % 3 ? 1 : -1)),
    );
    const net = networkFromArrays(
      [
        Array.from({ length: 10 }, (_, r) => Array.from({ length: 12 }, (_, c) => Math.cos(r * 12 + c) / 3)),
        [Array.from({ length: 10 }, (_, c) => Math.sin(c) / 2)],
      ],
      { kind: 'linear' },
    );
    const simd = createWorkspace(net.dims, data.n);
    const ref = createWorkspace(net.dims, data.n);
    simdLinearRiskAndGradient(simd, net, data, logistic, zerosLike(net));
    linearRiskAndGradient(ref, net, data, logistic, zerosLike(net));
    const scale = Math.max(...Array.from(ref.E, Math.abs));
    expect(scale).toBeGreaterThan(0);
    for (let j = 0; j < 12; j++) {
      expect(Math.abs(simd.E[j] - ref.E[j])).toBeLessThanOrEqual(1e-14 * scale);
      expect(Math.abs(simd.P[j] - ref.P[j])).toBeLessThanOrEqual(1e-14 * Math.max(...Array.from(ref.P, Math.abs)));
    }
  });
});
