import fc from 'fast-check';
import { fraction } from 'mathjs';
import { describe, expect, test } from 'vitest';
import { datasetFromArrays } from '../data/dataset.js';
import { squared } from '../losses/loss.js';
import { networkFromArrays } from '../network/network.js';
import { gradientDescent } from '../trainer/gradientDescent.js';
import { circulantBasis } from './circulant.js';
import { convolutionBasis } from './convolution.js';
import { diagonalBasis } from './diagonal.js';
import { basisCoefficients, basisGram, composeLayer, equalNormSquared, type LayerBasis } from './layerBasis.js';
import { parameterDescent } from './parameterDescent.js';
import { projectedGradient } from './projectedGradient.js';
import { basisCoordinates, createProjector } from './projection.js';

const small = fc.integer({ min: -4, max: 4 });

/** Σ_m ⟨G, B_m⟩ B_m and P_S(G) = Σ_m (⟨G,B_m⟩/‖B_m‖²) B_m in exact rationals (orthogonal bases). */
function exactUpdates(b: LayerBasis, G: number[]): { param: string[]; projected: string[] } {
  const param = G.map(() => fraction(0));
  const projected = G.map(() => fraction(0));
  b.elements.forEach((B) => {
    let c = fraction(0);
    let n2 = 0;
    B.forEach((v, i) => {
      c = c.add(fraction(G[i]).mul(v));
      n2 += v * v;
    });
    B.forEach((v, i) => {
      param[i] = param[i].add(c.mul(v));
      projected[i] = projected[i].add(c.mul(v).div(n2));
    });
  });
  return { param: param.map((f) => f.toFraction()), projected: projected.map((f) => f.toFraction()) };
}

describe('constrained layers (RNBU.Proj)', () => {
  test('circulant: k shift matrices, orthogonal with c² = k; diagonal: orthonormal', () => {
    const b = circulantBasis(3);
    expect(Array.from(composeLayer(b, [1, 2, 3]))).toEqual([1, 3, 2, 2, 1, 3, 3, 2, 1]);
    expect(equalNormSquared(b)).toBe(3);
    expect(equalNormSquared(diagonalBasis(2, 3))).toBe(1);
  });

  test('zero-padded convolution: orthogonal but unequal norms (3 for the centre tap, 2 for the others at length 3)', () => {
    const b = convolutionBasis({ width: 3, filterWidth: 3 });
    expect(Array.from(basisGram(b))).toEqual([2, 0, 0, 0, 3, 0, 0, 0, 2]);
    expect(equalNormSquared(b)).toBeNull();
    // 2-d: a 3×3 image with a 3×3 filter (RNBU.S6's setting): centre tap reads all 9 pixels, corners 4
    const b2 = convolutionBasis({ height: 3, width: 3, filterHeight: 3, filterWidth: 3 });
    expect(b2.rows).toBe(9);
    expect(Array.from(basisGram(b2)).filter((_, i) => i % 10 === 0)).toEqual([4, 6, 4, 6, 9, 6, 4, 6, 4]);
  });

  test('exact: Σ⟨G,B_m⟩B_m = c²·P_S(G) for circulant and diagonal bases; ≠ for zero-padded convolution', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 4 }).chain((k) => fc.tuple(fc.constant(k), fc.array(small, { minLength: k * k, maxLength: k * k }))),
        ([k, G]) => {
          for (const b of [circulantBasis(k), diagonalBasis(k)]) {
            const c2 = equalNormSquared(b) as number;
            const { param, projected } = exactUpdates(b, G);
            expect(param).toEqual(projected.map((p) => fraction(p).mul(c2).toFraction()));
          }
        },
      ),
    );
    // a gradient with weight on the centre and a side tap: no scalar s makes the two equal
    const conv = convolutionBasis({ width: 3, filterWidth: 3 });
    const { param, projected } = exactUpdates(conv, [1, 0, 0, 1, 1, 0, 0, 0, 1]);
    const ratios = new Set(
      param.map((p, i) => (fraction(projected[i]).equals(0) ? null : fraction(p).div(fraction(projected[i])).toFraction())).filter((r) => r !== null),
    );
    expect([...ratios].sort()).toEqual(['2', '3']);
  });

  test('the projector is idempotent and its range is the span', () => {
    const b = convolutionBasis({ width: 4, filterWidth: 3 });
    const P = createProjector(b);
    const G = Float64Array.from({ length: 16 }, (_, i) => ((i * 7) % 5) - 2);
    const once = P(G);
    const twice = P(once);
    once.forEach((v, i) => expect(Math.abs(v - twice[i])).toBeLessThan(1e-15));
    expect(basisCoordinates(b, once).residual).toBeLessThan(1e-15);
  });

  test('parameter GD on circulant layers equals projected GD with step kη (to rounding) and stays circulant', () => {
    const k = 3;
    const b = circulantBasis(k);
    const W1 = composeLayer(b, [0.5, 0.25, -0.125]);
    const W2 = composeLayer(b, [0.25, 0, 0.5]);
    const rowsOf = (W: Float64Array) => [0, 1, 2].map((i) => Array.from(W.subarray(i * k, (i + 1) * k)));
    const net = networkFromArrays([rowsOf(W1), rowsOf(W2)], { kind: 'linear' });
    const data = datasetFromArrays(
      [
        [1, 0, 0.5],
        [0, -0.5, 0.25],
      ],
      [
        [0.5, 0.25, 0],
        [0, 1, -0.5],
      ],
      'regression',
    );
    const eta = 1 / 16;
    const a = parameterDescent({ network: net, data, loss: squared, layers: [b, b], eta, steps: 20 });
    const p = gradientDescent({
      network: net,
      data,
      loss: squared,
      schedule: { kind: 'constant', eta },
      steps: 20,
      gradient: projectedGradient([b, b], [k, k]),
    });
    a.network.weights.forEach((W, l) => W.forEach((v, i) => expect(Math.abs(v - p.network.weights[l][i])).toBeLessThan(1e-14)));
    // coordinates come from a Cholesky solve of the Gram kI (α = c/k, ~3 roundings): residual ≤ ~3u
    expect(basisCoordinates(b, a.network.weights[0]).residual).toBeLessThan(4 * 2 ** -53);
    // plain projection (step η) is a different trajectory
    const plain = gradientDescent({ network: net, data, loss: squared, schedule: { kind: 'constant', eta }, steps: 20, gradient: projectedGradient([b, b]) });
    expect(Math.abs(plain.network.weights[0][0] - a.network.weights[0][0])).toBeGreaterThan(1e-4);
  });

  test('errors teach', () => {
    expect(() => convolutionBasis({ width: 3, filterWidth: 2 })).toThrow(/must have odd sizes/);
    expect(() => convolutionBasis({ width: 2, filterWidth: 5 })).toThrow(/taps that never read a pixel/);
    const net = networkFromArrays(
      [
        [
          [1, 2],
          [3, 4],
        ],
      ],
      { kind: 'linear' },
    );
    const data = datasetFromArrays([[1, 0]], [[1, 0]], 'regression');
    expect(() => parameterDescent({ network: net, data, loss: squared, layers: [circulantBasis(2)], eta: 0.1, steps: 1 })).toThrow(
      /weights\[0\] is not in the span of circulant\(2\)/,
    );
    expect(() => basisCoefficients(circulantBasis(2), new Float64Array(3))).toThrow(/G has 3 entries; it must be 2×2/);
  });
});
