import { describe, expect, test } from 'vitest';
import { datasetFromArrays } from '../data/dataset.js';
import { sub } from '../linalg/dense.js';
import { linear } from '../network/activation.js';
import { networkFromArrays } from '../network/network.js';
import { cosine, layerSingularPairs, productAlignment } from './alignment.js';
import { alignmentInBases } from './alignmentDistance.js';
import { balanceMatrices, neuronInvariants } from './balancedness.js';
import { checkpointRecord } from './checkpoint.js';
import { psdPower } from './endToEndDynamics.js';
import { linearRiskPrecision, logSumExp } from './logRisk.js';
import { minMarginOf, normalizedMargin, orthogonalPart } from './margin.js';
import { frobenius, normRatio, spectral } from '../linalg/norms.js';
import { svd, topSingular } from '../linalg/singularValues.js';
import { smoothedMargin } from './smoothedMargin.js';

const f = (...v: number[]) => Float64Array.from(v);

describe('norms', () => {
  test('spectral and Frobenius norms of a readable matrix; ρ = ‖W‖₂/‖W‖_F', () => {
    const W = f(3, 0, 0, 4); // diag(3, 4): ‖W‖₂ = 4, ‖W‖_F = 5
    expect(spectral(W, 2, 2)).toBeCloseTo(4, 14);
    expect(frobenius(W)).toBe(5);
    expect(normRatio(W, 2, 2)).toBeCloseTo(0.8, 14);
    expect(normRatio(f(1, 2, 2, 4), 2, 2)).toBeCloseTo(1, 14); // rank one
    expect(normRatio(f(0, 0, 0, 0), 2, 2)).toBe(0);
  });

  test('‖W‖_F where the squares over- or underflow: (3, 4)·2^±600 gives 5·2^±600 exactly; zero gives 0', () => {
    // the plain sum of squares gives ∞ and 0 here; the scaling by 2^∓600 (then back) is exact
    expect(frobenius(f(3 * 2 ** 600, 4 * 2 ** 600))).toBe(5 * 2 ** 600);
    expect(frobenius(f(3 * 2 ** -600, 4 * 2 ** -600))).toBe(5 * 2 ** -600);
    expect(frobenius(f(0, 0))).toBe(0);
  });

  test('topSingular picks the largest singular value whatever order the SVD returns', () => {
    const p = topSingular(f(1, 0, 0, 0, 5, 0), 2, 3);
    expect(p.sigma).toBeCloseTo(5, 14);
    expect(Math.abs(p.v[1])).toBeCloseTo(1, 14);
    expect(Math.abs(p.u[1])).toBeCloseTo(1, 14);
  });

  test('topSingular is the leading triple of svd(); with a tied top σ the first SVD column wins', () => {
    // I₂ (σ = 1, 1) and 2×3 [[2,0,0],[0,2,0]] (σ = 2, 2): any unit vector in the tied space is a top
    // singular vector, so pin the choice to svd()'s first column and keep alignment metrics reproducible.
    const cases: [Float64Array, number, number][] = [
      [f(1, 0, 0, 1), 2, 2],
      [f(2, 0, 0, 0, 2, 0), 2, 3],
    ];
    for (const [A, rows, cols] of cases) {
      const full = svd(A, rows, cols);
      expect(full.sigmas[1]).toBe(full.sigmas[0]); // the case really is a tie
      const p = topSingular(A, rows, cols);
      expect(p.sigma).toBe(full.sigmas[0]);
      expect(Array.from(p.u)).toEqual(full.U.getColumn(0));
      expect(Array.from(p.v)).toEqual(full.V.getColumn(0));
    }
  });
});

describe('margins', () => {
  const z = f(1, 0, 0, 2, -1, 3); // rows (1,0), (0,2), (−1,3)
  test('γ(w) = min_i ⟨w, z_i⟩/‖w‖; NaN for w = 0', () => {
    expect(minMarginOf([1, 1], z, 3, 2)).toBe(1);
    expect(normalizedMargin([3, 4], z, 3, 2)).toBeCloseTo(3 / 5, 14);
    expect(normalizedMargin([0, 0], z, 3, 2)).toBeNaN();
    // NaN for w = 0 even with no points, where min over the empty set would give +∞/0
    expect(minMarginOf([3, 4], z, 0, 2)).toBe(Infinity);
    expect(normalizedMargin([0, 0], z, 0, 2)).toBeNaN();
  });

  test('γ(w) is the same number for w scaled by 1e±170, where ‖w‖² would underflow or overflow', () => {
    // 1e±170 are not powers of two, so w·1e±170 is w rounded once: γ agrees to a few ulps
    const ref = normalizedMargin([3, 4], z, 3, 2);
    for (const s of [1e-170, 1e170]) expect(Math.abs(normalizedMargin([3 * s, 4 * s], z, 3, 2) - ref)).toBeLessThanOrEqual(4 * Number.EPSILON);
    // by a power of two it is exact
    expect(normalizedMargin([3 * 2 ** -600, 4 * 2 ** -600], z, 3, 2)).toBe(ref);
  });

  test('only the first n rows of z count (z may be a larger buffer)', () => {
    // w = (1, 0): ⟨w, z_i⟩ = 1, 0, −1; with n = 2 the third row (−1, 3) is not a point
    expect(minMarginOf([1, 0], z, 2, 2)).toBe(0);
    expect(normalizedMargin([2, 0], z, 2, 2)).toBe(0);
    expect(minMarginOf([1, 0], z, 3, 2)).toBe(-1);
  });

  test('Π⊥w removes the component along ū', () => {
    expect(Array.from(orthogonalPart([3, 4], [1, 0]))).toEqual([0, 4]);
    expect(Array.from(sub(f(3, 4), f(1, 1)))).toEqual([2, 3]);
  });
});

describe('alignment and balancedness', () => {
  test('cosine is null for a zero vector; product alignment is null for a zero layer or several outputs', () => {
    expect(cosine([1, 0], [0, 0])).toBeNull();
    expect(cosine([0, 0], [1, 0])).toBeNull();
    expect(cosine([1, 1], [2, 2])).toBeCloseTo(1, 14);
    const dims = [2, 2, 1];
    const zero = [f(0, 0, 0, 0), f(1, 1)];
    expect(productAlignment(zero, dims, layerSingularPairs(zero, dims))).toBeNull();
    const multi = [f(1, 0, 0, 1)];
    expect(productAlignment(multi, [2, 2], layerSingularPairs(multi, [2, 2]))).toBeNull();
  });

  test('neuron invariants ‖W_k[i,:]‖² − ‖W_{k+1}[:,i]‖², one array per hidden layer', () => {
    // W_1 = [[1, 2], [0, 3]] (2×2), W_2 = [[1, 1]] (1×2): neuron 0: 5 − 1, neuron 1: 9 − 1
    expect(neuronInvariants([f(1, 2, 0, 3), f(1, 1)], [2, 2, 1]).map((v) => Array.from(v))).toEqual([[4, 8]]);
    // their sum is the trace of D_1 = W_1W_1ᵀ − W_2ᵀW_2
    const D = balanceMatrices([f(1, 2, 0, 3), f(1, 1)], [2, 2, 1])[0];
    expect(D[0] + D[3]).toBe(12);
  });

  test('D_k and the neuron invariants of a 3-layer net with several outputs per layer (the invariants are diag D_k)', () => {
    // dims 1 → 2 → 2 → 1: W_1 = [[1], [2]], W_2 = [[1, 2], [3, 4]], W_3 = [[1, 1]]; all integer, so exact.
    const weights = [f(1, 2), f(1, 2, 3, 4), f(1, 1)];
    const dims = [1, 2, 2, 1];
    // D_1 = W_1W_1ᵀ − W_2ᵀW_2 = [[1, 2], [2, 4]] − [[10, 14], [14, 20]]
    // D_2 = W_2W_2ᵀ − W_3ᵀW_3 = [[5, 11], [11, 25]] − [[1, 1], [1, 1]]
    expect(balanceMatrices(weights, dims).map((D) => Array.from(D))).toEqual([
      [-9, -12, -12, -16],
      [4, 10, 10, 24],
    ]);
    // neuron i of layer 1: ‖W_1[i,:]‖² − ‖W_2[:,i]‖² = 1 − 10, 4 − 20; of layer 2: 5 − 1, 25 − 1
    expect(neuronInvariants(weights, dims).map((v) => Array.from(v))).toEqual([
      [-9, -16],
      [4, 24],
    ]);
  });

  test('a zero layer has ρ = 0 in a checkpoint record; regression data have no margin', () => {
    const net = networkFromArrays(
      [
        [
          [0, 0],
          [0, 0],
        ],
        [[1, 1]],
      ],
      linear,
    );
    const data = datasetFromArrays([[1, 0]], [[1]], 'regression');
    const rec = checkpointRecord(0, net, 0.5, f(0.3), { data, initialBalance: balanceMatrices(net.weights, net.dims), maxMargin: null });
    expect(rec.normRatio[0]).toBe(0);
    expect(rec.minMargin).toBeNull();
    expect(rec.cosineToMaxMargin).toBeNull();
  });

  test('cosineToMaxMargin is cos∠(w_prod, ū) when both live in ℝ^d, null when the data dimension differs', () => {
    const net = networkFromArrays([[[3, 4]]], linear); // w_prod = (3, 4)
    const ctxFor = (x: number[][], direction: Float64Array) => ({
      data: datasetFromArrays(x, [1], 'classification'),
      initialBalance: balanceMatrices(net.weights, net.dims),
      maxMargin: { direction, margin: 1, supportVectors: [0], supportSpans: false },
    });
    // ū = (1, 0): cos = 3/(5·1), one rounding
    expect(checkpointRecord(0, net, 0.5, f(3), ctxFor([[1, 0]], f(1, 0))).cosineToMaxMargin).toBe(0.6);
    // d = 3 ≠ 2 = d_0: ū ∈ ℝ³ cannot be compared with w_prod ∈ ℝ²
    expect(checkpointRecord(0, net, 0.5, f(3), ctxFor([[1, 0, 0]], f(1, 0, 0))).cosineToMaxMargin).toBeNull();
  });
});

describe('argument checks name the argument and the rule', () => {
  test('psdPower', () => {
    expect(() => psdPower(f(1), 1, -1)).toThrow('psdPower: alpha=-1 must be a finite number ≥ 0');
    expect(() => psdPower(f(1), 1, Number.POSITIVE_INFINITY)).toThrow(/alpha=Infinity/);
    expect(() => psdPower(f(1), 1, 0.5, 2)).toThrow('psdPower: rank=2 must be an integer in [0, d=1]');
    expect(() => psdPower(f(1), 1, 0.5, 0.5)).toThrow(/rank=0\.5/);
  });

  test('psdPower keeps only the rank largest eigenvalues; rank 0 gives the zero matrix', () => {
    const p = psdPower(f(4, 0, 0, 1), 2, 0.5, 1);
    expect(Array.from(p.power).map((v) => Math.round(v * 1e12) / 1e12)).toEqual([2, 0, 0, 0]);
    expect(p.conditioning).toBe(1);
    const none = psdPower(f(4, 0, 0, 1), 2, 0.5, 0);
    expect(Array.from(none.power)).toEqual([0, 0, 0, 0]);
    expect(psdPower(f(0, 0, 0, 0), 2, 0.5).conditioning).toBe(1);
    expect(psdPower(f(1, 0, 0, 0), 2, 0.5, 2).conditioning).toBe(Infinity);
  });

  test('smoothedMargin and the log-domain helpers', () => {
    expect(() => smoothedMargin([1], 1, -1, 2)).toThrow('smoothedMargin: thetaNormSquared=-1 must be ≥ 0');
    expect(() => smoothedMargin([1], 1, Number.NaN, 2)).toThrow(/thetaNormSquared=NaN/);
    expect(logSumExp([Number.POSITIVE_INFINITY, 0])).toBe(Number.POSITIVE_INFINITY);
    expect(linearRiskPrecision(Number.NaN, 0, 1e-15)).toEqual({ resolved: false, reason: 'risk=NaN, log risk=0: not finite' });
    expect(linearRiskPrecision(1, Number.NEGATIVE_INFINITY, 1e-15).resolved).toBe(false);
  });

  test('alignment metrics reject malformed layers and bases', () => {
    const W = [f(1, 0, 0, 1)];
    expect(() => alignmentInBases(W, [2, 2, 2], [])).toThrow('alignmentInBases: dims has length 3; it must be the number of layers + 1 = 2');
    expect(() => alignmentInBases([f(1, Number.NaN, 0, 1)], [2, 2], [f(1, 0, 0, 1), f(1, 0, 0, 1)])).toThrow(
      'alignmentInBases: weights[0][1]=NaN is not finite',
    );
    expect(() => alignmentInBases(W, [2, 2], [f(1, 0, 0, 1), f(1)])).toThrow('alignmentInBases: bases[1] has 1 entries; U_1 must be 2×2');
  });
});
