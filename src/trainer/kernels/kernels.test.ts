import { afterAll, describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { datasetFromArrays } from '../../data/dataset.js';
import { exponential } from '../../losses/exponential.js';
import { logistic } from '../../losses/logistic.js';
import { squared, type Loss } from '../../losses/loss.js';
import type { Activation } from '../../network/activation.js';
import { networkFromArrays } from '../../network/network.js';
import { backpropRiskAndGradient, createWorkspace, linearRiskAndGradient, zerosLike, type GradientFn } from '../gradient.js';
import { simdBackpropRiskAndGradient, simdLinearRiskAndGradient } from './simd.js';
import { kernelDisagreement } from './kernelAgreement.js';

/**
 * Differential test: the fast kernels against the plain loops of gradient.ts (the reference).
 * Both evaluate the same associations; only the summation order inside each product
 * differs. A sum of K terms in any order is within γ_K·Σ|terms| ≈ K·ε·Σ|terms| of the exact
 * value, and the gradient passes through at most L + 2 ≤ 6 such products of length
 * K ≤ 40 (n ≤ 40 samples, widths ≤ 24): (L + 2)·K·ε ≈ 6·40·1.1e-16 ≈ 2.7e-14 relative to
 * the terms' scale. Measured against max|G_k| (the layer's largest entry), 1e-12 leaves a
 * factor ~40 for cancellation between terms. A wrong index, a missing term or a tail
 * left out of a block shows at the scale of one term, O(1/n) ≥ 2.5e-2 of the gradient.
 *
 * The bound is relative to the terms, so max|G_k| must track their scale: entries are drawn
 * uniformly from [−1, 1] (on a 2^−30 grid, without fast-check's bias toward tiny values and
 * near-duplicates, which builds sums like 1 + 1e-17 − 1 whose result is far below its terms:
 * there any two orders differ by ε·|terms|, arbitrarily much relative to the result).
 */
const TOLERANCE = 1e-12;

const unit = fc.noBias(fc.integer({ min: -(2 ** 30), max: 2 ** 30 })).map((k) => k / 2 ** 30);
const matrix = (r: number, c: number) => fc.array(fc.array(unit, { minLength: c, maxLength: c }), { minLength: r, maxLength: r });

const worst = new Map<string, number>();

afterAll(() => {
  // the report quotes these: the largest disagreement seen per path in this run
  for (const [path, v] of worst) console.log(`vs reference, max relative disagreement, ${path}: ${v.toExponential(2)}`);
});

function compare(
  path: string,
  fast: GradientFn,
  ref: GradientFn,
  x: number[][],
  y: number[] | number[][],
  weights: number[][][],
  act: Activation,
  loss: Loss,
): void {
  const data = datasetFromArrays(x, y, loss.kind === 'squared' ? 'regression' : 'classification');
  const net = networkFromArrays(weights, act);
  const gf = zerosLike(net).map((g) => g.fill(NaN));
  const gr = zerosLike(net);
  const wf = createWorkspace(net.dims, data.n);
  const wr = createWorkspace(net.dims, data.n);
  const rf = fast(wf, net, data, loss, gf, true);
  const rr = ref(wr, net, data, loss, gr, true);
  let seen = kernelDisagreement(Float64Array.of(rf), Float64Array.of(rr));
  for (let k = 0; k < gf.length; k++) seen = Math.max(seen, kernelDisagreement(gf[k], gr[k]));
  seen = Math.max(seen, kernelDisagreement(wf.outputs, wr.outputs));
  worst.set(path, Math.max(worst.get(path) ?? 0, seen));
  expect(seen, `${path}: dims ${net.dims.join(',')}, n=${data.n}`).toBeLessThanOrEqual(TOLERANCE);
  // without wantRisk: the same gradient bits (the risk is not part of the gradient's arithmetic)
  const g2 = zerosLike(net);
  fast(createWorkspace(net.dims, data.n), net, data, loss, g2, false);
  for (let k = 0; k < g2.length; k++) expect(Array.from(g2[k])).toEqual(Array.from(gf[k]));
}

const hidden = fc.array(fc.integer({ min: 1, max: 24 }), { minLength: 0, maxLength: 3 });
const weightsFor = (dims: number[]) => fc.tuple(...dims.slice(1).map((d, k) => matrix(d, dims[k])));

const fastKernels = [{ name: 'simd', linear: simdLinearRiskAndGradient, backprop: simdBackpropRiskAndGradient }] as const;

describe.each(fastKernels)('$name kernels agree with the reference kernels (relative 1e-12)', ({ name, linear, backprop }) => {
  test('linear, output side (d_L ≤ d_0), margin losses', () => {
    const c = fc
      .record({ d0: fc.integer({ min: 1, max: 24 }), h: hidden, n: fc.integer({ min: 1, max: 40 }), loss: fc.constantFrom(logistic, exponential) })
      .chain(({ d0, h, n, loss }) => {
        const dims = [d0, ...h, 1];
        return fc.record({
          x: matrix(n, d0),
          y: fc.array(fc.constantFrom(1, -1), { minLength: n, maxLength: n }),
          w: weightsFor(dims),
          loss: fc.constant(loss),
        });
      });
    fc.assert(
      fc.property(c, ({ x, y, w, loss }) => compare(`${name}: linear output side, margin`, linear, linearRiskAndGradient, x, y, w, { kind: 'linear' }, loss)),
      { numRuns: 200 },
    );
  });

  test('linear, squared loss, both sides (d_L ≤ d_0 and d_L > d_0)', () => {
    const c = fc
      .record({ d0: fc.integer({ min: 1, max: 24 }), h: hidden, dL: fc.integer({ min: 1, max: 24 }), n: fc.integer({ min: 1, max: 40 }) })
      .chain(({ d0, h, dL, n }) => fc.record({ x: matrix(n, d0), y: matrix(n, dL), w: weightsFor([d0, ...h, dL]) }));
    fc.assert(
      fc.property(c, ({ x, y, w }) => {
        const outputSide = w[w.length - 1].length <= x[0].length;
        compare(
          `${name}: ${outputSide ? 'linear output side' : 'linear input side'}, squared`,
          linear,
          linearRiskAndGradient,
          x,
          y,
          w,
          { kind: 'linear' },
          squared,
        );
      }),
      { numRuns: 200 },
    );
  });

  for (const act of [{ kind: 'relu' }, { kind: 'leaky', slope: 0.3 }, { kind: 'tanh' }] as Activation[])
    test(`back-propagation, ${act.kind}, margin and squared losses`, () => {
      const c = fc
        .record({
          d0: fc.integer({ min: 1, max: 24 }),
          h: hidden,
          dL: fc.integer({ min: 1, max: 4 }),
          n: fc.integer({ min: 1, max: 40 }),
          margin: fc.boolean(),
        })
        .chain(({ d0, h, dL, n, margin }) => {
          const out = margin ? 1 : dL;
          return fc.record({
            x: matrix(n, d0),
            y: margin ? fc.array(fc.constantFrom(1, -1), { minLength: n, maxLength: n }) : matrix(n, out),
            w: weightsFor([d0, ...h, out]),
            loss: fc.constant(margin ? logistic : squared),
          });
        });
      fc.assert(
        fc.property(c, ({ x, y, w, loss }) =>
          compare(`${name}: back-propagation ${act.kind}, ${loss.name}`, backprop, backpropRiskAndGradient, x, y, w, act, loss),
        ),
        { numRuns: 100 },
      );
    });
});
