import { describe, expect, test } from 'vitest';
import { datasetFromArrays } from '../data/dataset.js';
import { squared } from '../losses/loss.js';
import { linear } from '../network/activation.js';
import { networkFromArrays } from '../network/network.js';
import { createWorkspace, zerosLike } from '../trainer/gradient.js';
import { circulantBasis } from './circulant.js';
import { convolutionBasis } from './convolution.js';
import { diagonalBasis } from './diagonal.js';
import { checkLayerBasis, composeLayer, type LayerBasis } from './layerBasis.js';
import { parameterDescent } from './parameterDescent.js';
import { projectedGradient } from './projectedGradient.js';
import { createProjector } from './projection.js';

const f = (...v: number[]) => Float64Array.from(v);
const data = datasetFromArrays(
  [
    [1, 0],
    [0, 1],
  ],
  [
    [1, 0],
    [0, 2],
  ],
  'regression',
);
const diag2 = diagonalBasis(2);

describe('basis constructors reject sizes that make no layer', () => {
  test.each([
    [() => circulantBasis(0), 'circulantBasis: size=0 must be a positive integer'],
    [() => diagonalBasis(2, 1.5), 'diagonalBasis: rows=2, cols=1.5 must be positive integers'],
    [() => convolutionBasis({ width: 0, filterWidth: 1 }), 'convolutionBasis: width=0 must be a positive integer'],
    [() => convolutionBasis({ width: 3, filterWidth: 3, height: 2, filterHeight: -1 }), 'convolutionBasis: filterHeight=-1 must be a positive integer'],
  ])('%#', (build, message) => {
    expect(build).toThrow(RangeError);
    expect(build).toThrow(message);
  });
});

describe('checkLayerBasis and composeLayer', () => {
  const bad = (over: Partial<LayerBasis>): LayerBasis => ({ name: 'B', rows: 2, cols: 2, elements: [f(1, 0, 0, 1)], ...over });
  test.each([
    [bad({ rows: 0 }), 'here (B): rows=0, cols=2 must be positive integers'],
    [bad({ elements: [] }), 'here (B): no basis matrices; a constrained layer needs at least one'],
    [bad({ elements: [f(1, 0, 0)] }), 'here (B).elements[0] has 3 entries; it must be 2×2'],
    [bad({ elements: [f(1, 0, 0, 1), f(0, Number.NaN, 0, 0)] }), 'here (B).elements[1] has a non-finite entry'],
  ])('%#', (b, message) => {
    expect(() => checkLayerBasis(b, 'here')).toThrow(message);
  });

  test('one coefficient per basis matrix', () => {
    expect(Array.from(composeLayer(diag2, [2, 3]))).toEqual([2, 0, 0, 3]);
    expect(() => composeLayer(diag2, [1])).toThrow(/composeLayer \(.*\): 1 coefficients for 2 basis matrices/);
  });

  test('a dependent basis has no projector', () => {
    expect(() => createProjector({ name: 'twice', rows: 1, cols: 2, elements: [f(1, 0), f(2, 0)] }, 'layers[0]')).toThrow(
      'layers[0] (twice): the basis matrices are linearly dependent (singular Gram); drop the redundant ones',
    );
  });
});

describe('parameterDescent and projectedGradient check their arguments', () => {
  const net = () =>
    networkFromArrays(
      [
        [
          [1, 0],
          [0, 1],
        ],
        [
          [0.5, 0],
          [0, 0.5],
        ],
      ],
      linear,
    );
  const run = (over: object) => () => parameterDescent({ network: net(), data, loss: squared, layers: [diag2, null], eta: 0.1, steps: 2, ...over });

  test.each([
    [{ steps: -1 }, 'parameterDescent: steps=-1 must be a non-negative integer'],
    [{ eta: 0 }, 'parameterDescent: eta=0 must be a positive finite number'],
    [{ layers: [diag2] }, 'parameterDescent: layers has length 1; give one entry (a basis or null) per layer (2)'],
    [{ layers: [diagonalBasis(2, 3), null] }, /parameterDescent: layers\[0\] \(.*\) is 2×3 but W_1 is 2×2/],
    [{ eta: 1e300, steps: 3 }, /parameterDescent: non-finite risk at W\(\d\); lower eta=1e\+300/],
  ])('%j', (over, message) => {
    expect(run(over)).toThrow(message);
  });

  test('free layers take the plain step; constrained ones keep their form', () => {
    const res = parameterDescent({ network: net(), data, loss: squared, layers: [diag2, null], eta: 0.1, steps: 5 });
    expect(res.params[1]).toBeNull();
    const W1 = res.network.weights[0];
    expect([W1[1], W1[2]]).toEqual([0, 0]); // still diagonal
  });

  test('projectedGradient: one step scale per layer; free layers keep the raw gradient', () => {
    expect(() => projectedGradient([diag2, null], [1])).toThrow('projectedGradient: stepScales has length 1; give one per layer (2)');
    const n = net();
    const g = projectedGradient([diag2, null], [2, 1]);
    const grads = zerosLike(n);
    g(createWorkspace(n.dims, data.n), n, data, squared, grads);
    expect([grads[0][1], grads[0][2]]).toEqual([0, 0]);
    expect(grads[1].some((v) => v !== 0)).toBe(true);
  });
});
