import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { datasetFromArrays } from '../data/dataset.js';
import { exponential } from '../losses/exponential.js';
import { expressionLoss } from '../losses/expressionLoss.js';
import { logistic } from '../losses/logistic.js';
import { squared, type Loss } from '../losses/loss.js';
import type { Activation } from '../network/activation.js';
import { networkFromArrays, type Network } from '../network/network.js';
import { backpropRiskAndGradient, createWorkspace, linearRiskAndGradient, risk, riskAndGradient, zerosLike, type GradientFn } from './gradient.js';

const dyadic = fc.integer({ min: -8, max: 8 }).map((k) => k / 8);
const matrix = (r: number, c: number) => fc.array(fc.array(dyadic, { minLength: c, maxLength: c }), { minLength: r, maxLength: r });

/**
 * Central differences: error ≈ h²/6·|R'''| + 2ε|R|/h per entry. With h = 1e-5,
 * weights ≤ 1, ‖x‖ ≤ 1, depth ≤ 3 the third derivatives are O(10) and the
 * truncation term is ~1e-9, the rounding term ~1e-11: 1e-7 is a ≥ 10× margin.
 * Leaky-ReLU kinks: a kink inside [w − h, w + h] makes the quotient one-sided, so an
 * entry beyond the bound is skipped only when some hidden activation is within 1e-4 of 0.
 */
function finiteDifference(net: Network, data: ReturnType<typeof datasetFromArrays>, loss: Loss, k: number, i: number): number {
  const ws = createWorkspace(net.dims, data.n);
  const h = 1e-5;
  const W = net.weights[k];
  const old = W[i];
  W[i] = old + h;
  const up = riskAndGradient(ws, net, data, loss, zerosLike(net));
  W[i] = old - h;
  const down = riskAndGradient(ws, net, data, loss, zerosLike(net));
  W[i] = old;
  return (up - down) / (2 * h);
}

const cases = fc
  .record({ d: fc.integer({ min: 1, max: 3 }), h: fc.integer({ min: 1, max: 3 }), k: fc.integer({ min: 1, max: 2 }), n: fc.integer({ min: 1, max: 4 }) })
  .chain(({ d, h, k, n }) =>
    fc.record({
      x: matrix(n, d).map((x) => x.map((row) => row.map((v) => v / Math.sqrt(d)))),
      labels: fc.array(fc.constantFrom(1, -1), { minLength: n, maxLength: n }),
      targets: matrix(n, k),
      w1: matrix(h, d),
      w2: matrix(h, h),
      w3c: matrix(1, h),
      w3r: matrix(k, h),
    }),
  );

const activations: Activation[] = [{ kind: 'linear' }, { kind: 'tanh' }, { kind: 'softplus' }, { kind: 'leaky', slope: 0.3 }];
const losses: Loss[] = [logistic, exponential, expressionLoss('log(1 + exp(-u))')];

describe('gradient', () => {
  for (const act of activations)
    for (const loss of [...losses, squared])
      test(`matches central finite differences (${act.kind}, ${loss.name})`, () => {
        fc.assert(
          fc.property(cases, (c) => {
            const reg = loss.kind === 'squared';
            const data = datasetFromArrays(c.x, reg ? c.targets : c.labels, reg ? 'regression' : 'classification');
            const net = networkFromArrays([c.w1, c.w2, reg ? c.w3r : c.w3c], act);
            const grads = zerosLike(net);
            riskAndGradient(createWorkspace(net.dims, data.n), net, data, loss, grads);
            for (let k = 0; k < 3; k++)
              for (let i = 0; i < grads[k].length; i++) {
                const fd = finiteDifference(net, data, loss, k, i);
                if (act.kind === 'leaky' && Math.abs(fd - grads[k][i]) > 1e-7) {
                  // a kink inside [w−h, w+h] makes the difference quotient one-sided; skip such entries
                  const ws = createWorkspace(net.dims, data.n);
                  backpropRiskAndGradient(ws, net, data, loss, null);
                  const nearKink = ws.acts.some((a, l) => l > 0 && l < 3 && a.some((v) => Math.abs(v) < 1e-4));
                  if (nearKink) continue;
                }
                expect(Math.abs(fd - grads[k][i])).toBeLessThan(1e-7);
              }
          }),
          { numRuns: 40 },
        );
      });

  test('the end-to-end linear path equals back-propagation to rounding', () => {
    fc.assert(
      fc.property(cases, (c) => {
        for (const loss of [logistic, squared]) {
          const reg = loss.kind === 'squared';
          const data = datasetFromArrays(c.x, reg ? c.targets : c.labels, reg ? 'regression' : 'classification');
          const net = networkFromArrays([c.w1, c.w2, reg ? c.w3r : c.w3c], { kind: 'linear' });
          const a = zerosLike(net);
          const b = zerosLike(net);
          const ra = linearRiskAndGradient(createWorkspace(net.dims, data.n), net, data, loss, a);
          const rb = backpropRiskAndGradient(createWorkspace(net.dims, data.n), net, data, loss, b);
          // both sum the same products in different orders: |error| ≤ ~4·(depth+d)·ε·Σ|terms| with all terms ≤ O(1)
          expect(Math.abs(ra - rb)).toBeLessThanOrEqual(1e-14 * (1 + Math.abs(ra)));
          for (let k = 0; k < 3; k++) for (let i = 0; i < a[k].length; i++) expect(Math.abs(a[k][i] - b[k][i])).toBeLessThanOrEqual(1e-14);
        }
      }),
      { numRuns: 100 },
    );
  });

  test('the input-side linear path (d_L > d_0 ≥ 2) equals back-propagation to rounding', () => {
    // the cases above reach d_L > d_0 only with d_0 = 1, where index slips such as i·d_0 vs i/d_0 cannot show
    const wide = fc
      .record({ d: fc.integer({ min: 2, max: 3 }), h: fc.integer({ min: 1, max: 3 }), n: fc.integer({ min: 1, max: 4 }) })
      .chain(({ d, h, n }) => fc.record({ x: matrix(n, d), targets: matrix(n, d + 1), w1: matrix(h, d), w2: matrix(h, h), w3: matrix(d + 1, h) }));
    fc.assert(
      fc.property(wide, (c) => {
        const data = datasetFromArrays(c.x, c.targets, 'regression');
        const net = networkFromArrays([c.w1, c.w2, c.w3], { kind: 'linear' });
        const a = zerosLike(net);
        const b = zerosLike(net);
        const ws = createWorkspace(net.dims, data.n);
        const ra = linearRiskAndGradient(ws, net, data, squared, a);
        const wb = createWorkspace(net.dims, data.n);
        const rb = backpropRiskAndGradient(wb, net, data, squared, b);
        // same bound as above: different summation orders of O(1) terms, depth 3, d ≤ 4
        expect(Math.abs(ra - rb)).toBeLessThanOrEqual(1e-14 * (1 + Math.abs(ra)));
        for (let k = 0; k < 3; k++) for (let i = 0; i < a[k].length; i++) expect(Math.abs(a[k][i] - b[k][i])).toBeLessThanOrEqual(1e-14);
        // f(x_i) row by row, as the back-propagation pass stores it
        for (let i = 0; i < ws.outputs.length; i++) expect(Math.abs(ws.outputs[i] - wb.outputs[i])).toBeLessThanOrEqual(1e-14);
      }),
      { numRuns: 100 },
    );
  });

  test.each<[string, Activation, GradientFn]>([
    ['end-to-end (linear)', { kind: 'linear' }, riskAndGradient],
    ['back-propagation', { kind: 'relu' }, backpropRiskAndGradient],
  ])('%s without wantRisk: NaN for a margin loss (the risk was not computed), the risk for the squared loss', (_, activation, kernel) => {
    const data = datasetFromArrays(
      [
        [1, 0],
        [0, 1],
      ],
      [1, -1],
    );
    const net = networkFromArrays([[[0.5, 0.25]]], activation);
    const ws = createWorkspace(net.dims, data.n);
    expect(kernel(ws, net, data, logistic, zerosLike(net), false)).toBeNaN();
    expect(kernel(ws, net, data, logistic, zerosLike(net), true)).toBe((logistic.value(0.5) + logistic.value(-0.25)) / 2);
    const reg = datasetFromArrays([[1, 0]], [[2]], 'regression');
    expect(kernel(createWorkspace(net.dims, 1), net, reg, squared, zerosLike(net), false)).toBe(0.5 * 1.5 * 1.5);
  });
});

describe('risk(): the same forward pass, dispatched like riskAndGradient', () => {
  test('a linear net takes the end-to-end path: bit for bit its value, where back-propagation rounds differently', () => {
    // found by search: the two association orders differ in the last bit on this net
    const data = datasetFromArrays(
      [
        [-1, -0.7],
        [0.5, -0.1],
        [0.1, -0.6],
      ],
      [1, -1, 1],
    );
    const net = networkFromArrays(
      [
        [
          [-0.9, 0.4],
          [0.4, 0.9],
          [-0.2, 0],
        ],
        [[0.7, -0.9, -0.9]],
      ],
      { kind: 'linear' },
    );
    const ws = createWorkspace(net.dims, data.n);
    const endToEnd = linearRiskAndGradient(ws, net, data, logistic, null);
    expect(backpropRiskAndGradient(ws, net, data, logistic, null)).not.toBe(endToEnd);
    expect(risk(ws, net, data, logistic)).toBe(endToEnd);
  });

  test('a ReLU net takes back-propagation (the end-to-end product would ignore the activation)', () => {
    const data = datasetFromArrays(
      [
        [1, 0],
        [0, 1],
      ],
      [1, -1],
    );
    const net = networkFromArrays(
      [
        [
          [1, 0],
          [0, -1],
        ],
        [[1, 1]],
      ],
      { kind: 'relu' },
    );
    const ws = createWorkspace(net.dims, data.n);
    // hidden ReLU: x_1 → (1, 0) → f = 1; x_2 → (0, −1) → (0, 0) → f = 0
    expect(risk(ws, net, data, logistic)).toBe((logistic.value(1) + logistic.value(0)) / 2);
  });
});

describe('the linear path forms its products from the narrower end (GradientWorkspace.prefix / suffix)', () => {
  const W1 = [
    [1, 2],
    [3, 4],
    [5, 6],
  ];
  const W2 = [
    [1, -1, 2],
    [0, 1, 1],
  ];
  test('d_L ≤ d_0 (here d_L = d_0 = 2): suffix[1] = W_2, the prefixes are not used', () => {
    const data = datasetFromArrays([[1, 0]], [[0, 0]], 'regression');
    const net = networkFromArrays([W1, W2], { kind: 'linear' });
    const ws = createWorkspace(net.dims, 1);
    linearRiskAndGradient(ws, net, data, squared, zerosLike(net));
    expect(Array.from(ws.suffix[1])).toEqual(W2.flat());
    expect(Array.from(ws.prefix[1])).toEqual([0, 0, 0, 0, 0, 0]);
  });

  test('d_L > d_0 (here 1 → 3 → 2): prefix[1] = W_1, the suffixes are not used', () => {
    const data = datasetFromArrays([[1]], [[0, 0]], 'regression');
    const net = networkFromArrays([[[1], [2], [3]], W2], { kind: 'linear' });
    const ws = createWorkspace(net.dims, 1);
    linearRiskAndGradient(ws, net, data, squared, zerosLike(net));
    expect(Array.from(ws.prefix[1])).toEqual([1, 2, 3]);
    expect(Array.from(ws.suffix[1])).toEqual([0, 0, 0, 0, 0, 0]);
  });
});
