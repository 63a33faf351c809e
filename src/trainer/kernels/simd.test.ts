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
import { simdBackpropRiskAndGradient, simdLeakyActivation, simdLinearRiskAndGradient, simdReluMasks, simdSparseProduct, simdStepSums } from './simd.js';
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

describe('back-propagation products that skip exact zeros (ReLU)', () => {
  const show = (v: number) => (Object.is(v, -0) ? '-0' : String(v));
  // multipliers: half exact zeros of both signs, the rest anything, ±∞ and NaN included (a nonzero multiplier is
  // always multiplied, so these must give the dense product's bits too); the other factor finite, zeros included
  const multiplier = fc.oneof(
    { arbitrary: fc.constantFrom(0, -0), weight: 4 },
    { arbitrary: fc.double({ min: -4, max: 4, noNaN: true }), weight: 3 },
    { arbitrary: fc.constantFrom(Number.NaN, Infinity, -Infinity, 5e-324, -1e-310, 1e300), weight: 1 },
  );
  const finite = fc.oneof({ arbitrary: fc.constantFrom(0, -0, 1e-310), weight: 1 }, { arbitrary: fc.double({ min: -1e3, max: 1e3, noNaN: true }), weight: 6 });
  const mask = fc.constantFrom(0, 1, -0, 0.5);
  // sizes across one and two 64-bit mask words, odd and even, below and above the 16-, 4- and 2-column blocks
  const size = fc.integer({ min: 1, max: 70 });
  const inputs = fc.tuple(size, size, size).chain(([m, k, n]) =>
    fc.record({
      m: fc.constant(m),
      k: fc.constant(k),
      n: fc.constant(n),
      a: fc.array(multiplier, { minLength: m * k, maxLength: m * k }),
      b: fc.array(finite, { minLength: k * n, maxLength: k * n }),
      d: fc.array(mask, { minLength: m * n, maxLength: m * n }),
    }),
  );

  test.each(['NN', 'NN⊙D', 'TN'] as const)(
    '%s equals the dense product bit for bit (signed zeros, NaN, ±∞ multipliers, odd sizes); NN⊙D also its row masks',
    (kind) => {
      fc.assert(
        fc.property(inputs, ({ m, k, n, a, b, d }) => {
          const r = simdSparseProduct(kind, Float64Array.from(a), Float64Array.from(b), Float64Array.from(d), m, k, n);
          for (let i = 0; i < m * n; i++)
            if (!Object.is(r.sparse[i], r.dense[i]) || (r.fused && !Object.is(r.fused[i], r.dense[i])))
              throw new Error(
                `${kind} m=${m} k=${k} n=${n}: entry ${i} (row ${Math.floor(i / n)}, column ${i % n}): skipping ${show(r.sparse[i])}, dense ${show(r.dense[i])}${r.fused ? `, mulMasksInPlace ${show(r.fused[i])}` : ''}`,
              );
          // NN's row masks of C (the next product's multipliers), written as the rows are stored: those of the dense C
          if (r.masks) {
            expect(Array.from(r.masks.sparse)).toEqual(Array.from(r.masks.dense));
            expect(Array.from(r.masks.fused)).toEqual(Array.from(r.masks.dense));
          }
        }),
        { numRuns: 80 },
      );
    },
  );

  test('reluInPlace is leakyInPlace with slope 0 bit for bit, its row masks mark the nonzero outputs, its flag the finite ones', () => {
    const special = [0, -0, Number.NaN, Infinity, -Infinity, 1e-310, -1e-310, 3, -2.5];
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 130 }), fc.context(), (rows, len, ctx) => {
        const pre = Float64Array.from({ length: rows * len }, (_, i) => special[(i * 7 + rows * 3 + len) % special.length] * (1 + (i % 5)));
        ctx.log(`rows=${rows} len=${len}`);
        const r = simdReluMasks(pre, rows, len);
        const leaky = simdLeakyActivation(pre, 0);
        const words = Math.ceil(len / 64);
        let finite = 1;
        for (let p = 0; p < rows; p++)
          for (let t = 0; t < len; t++) {
            const i = p * len + t;
            if (!Object.is(r.out[i], leaky.out[i]) || !Object.is(r.dphi[i], leaky.dphi[i]))
              throw new Error(
                `entry ${i} (pre=${show(pre[i])}): reluInPlace ${show(r.out[i])}/${show(r.dphi[i])}, leakyInPlace ${show(leaky.out[i])}/${show(leaky.dphi[i])}`,
              );
            const bit = (m: BigUint64Array) => (m[p * words + Math.floor(t / 64)] >> BigInt(t % 64)) & 1n;
            if (bit(r.masks) !== (r.out[i] !== 0 ? 1n : 0n)) throw new Error(`output mask, row ${p} entry ${t} (out=${show(r.out[i])})`);
            // nonzeroMasks: NaN counts as nonzero (it is multiplied, as the dense product multiplies it)
            if (bit(r.inputMasks) !== (pre[i] !== 0 ? 1n : 0n)) throw new Error(`input mask, row ${p} entry ${t} (x=${show(pre[i])})`);
            if (!Number.isFinite(r.out[i])) finite = 0;
          }
        // bits beyond len stay clear
        for (let p = 0; p < rows; p++)
          if (len % 64 !== 0 && r.masks[p * words + words - 1] >> BigInt(len % 64) !== 0n) throw new Error(`row ${p}: mask bits beyond len`);
        expect(r.finite).toBe(finite);
      }),
      { numRuns: 200 },
    );
  });

  test('an infinite hidden activation still makes the gradient non-finite (0·∞ is not skipped): divergence is reported', () => {
    // sample 0 overflows unit 0 of layer 1 (1e308 + 1e308 = ∞); every weight out of that unit is negative, so
    // sample 0 has a_2 = 0 and δ_2 = 0 and a finite output: only 0·∞ in G_2 = δ_2ᵀ a_1 makes the gradient NaN, as the
    // dense SIMD product always had it; a product that skipped δ_2's zeros there would return a finite gradient and
    // the run would go on. (The JavaScript kernel of gradient.ts skips δ = 0 terms itself, so there this gradient is
    // finite: the kernels differ here as they did before the SIMD products skipped zeros.)
    const d = 10;
    const row = (r: number, cols: number, s: number) => Array.from({ length: cols }, (_, c) => Math.cos(s + r * cols + c) / 3);
    const W1 = Array.from({ length: d }, (_, r) => (r === 0 ? [1e308, 1e308, ...Array(d - 2).fill(0)] : row(r, d, 1)));
    const W2 = Array.from({ length: d }, (_, r) => row(r, d, 2).map((v, c) => (c === 0 ? -1 - Math.abs(v) : v)));
    const W3 = [row(0, d, 3)];
    const net = networkFromArrays([W1, W2, W3], { kind: 'relu' });
    const x = Array.from({ length: 6 }, (_, i) => (i === 0 ? [1, 1, ...Array(d - 2).fill(0)] : row(i, d, 4)));
    const data = datasetFromArrays(x, [1, -1, 1, 1, -1, 1]);
    const simd = zerosLike(net);
    const risk = simdBackpropRiskAndGradient(createWorkspace(net.dims, data.n), net, data, logistic, simd);
    expect(Number.isFinite(risk)).toBe(true);
    // column 0 of G_2 (a_1's overflowing unit) is NaN in every row, the other entries finite
    simd[1].forEach((v, i) => expect(Number.isNaN(v)).toBe(i % d === 0));
    const run = gradientDescent({ network: net, data, loss: logistic, schedule: { kind: 'constant', eta: 0.1 }, steps: 5 });
    expect(run.diverged).toEqual({ step: 0, reason: 'non-finite gradient at W(0)' });
  });
});
