import { describe, expect, test } from 'vitest';
import { datasetFromArrays } from '../data/dataset.js';
import { logistic } from '../losses/logistic.js';
import { linear } from '../network/activation.js';
import { networkFromArrays } from '../network/network.js';
import { brokenGradient, faultName, type GradientFault } from './brokenGradient.js';
import { createWorkspace, riskAndGradient, zerosLike } from './gradient.js';

// a 2 → 2 → 1 net on two points: small enough to read every entry
const net = networkFromArrays([[[0.5, -0.25], [0.125, 0.75]], [[1, -0.5]]], linear);
const data = datasetFromArrays([[1, 0.5], [-0.25, 1]], [1, -1]);

function gradients(fault: GradientFault | null): { risk: number; grads: Float64Array[] } {
  const ws = createWorkspace(net.dims, data.n);
  const grads = zerosLike(net);
  const risk = (fault === null ? riskAndGradient : brokenGradient(fault))(ws, net, data, logistic, grads);
  return { risk, grads };
}

describe('brokenGradient', () => {
  const exact = gradients(null);

  test('scale multiplies one layer and leaves the others and the risk alone', () => {
    const r = gradients({ kind: 'scale', layer: 0, factor: 1.01 });
    expect(r.risk).toBe(exact.risk);
    expect([...r.grads[0]]).toEqual([...exact.grads[0]].map((g) => g * 1.01));
    expect([...r.grads[1]]).toEqual([...exact.grads[1]]);
  });

  test('drop zeroes one layer; a layer index past the depth wraps around', () => {
    const r = gradients({ kind: 'drop', layer: 3 });
    expect([...r.grads[0]]).toEqual([...exact.grads[0]]);
    expect([...r.grads[1]]).toEqual([0, 0]);
  });

  test('transpose swaps the off-diagonal entries of a square layer', () => {
    const r = gradients({ kind: 'transpose', layer: 0 });
    const [a, b, c, d] = exact.grads[0];
    expect([...r.grads[0]]).toEqual([a, c, b, d]);
  });

  test('frozen zeroes every layer: the trainer never moves', () => {
    const r = gradients({ kind: 'frozen' });
    expect(r.risk).toBe(exact.risk);
    for (const G of r.grads) expect([...G].every((g) => g === 0)).toBe(true);
    expect(exact.grads.some((G) => G.some((g) => g !== 0))).toBe(true);
  });

  test('faultName says what was broken, layers counted from 1', () => {
    expect(faultName({ kind: 'scale', layer: 0, factor: 1.01 })).toBe('G_1 scaled by 1.01');
    expect(faultName({ kind: 'drop', layer: 1 })).toBe('G_2 dropped');
    expect(faultName({ kind: 'transpose', layer: 0 })).toBe('G_1 transposed wrongly');
    expect(faultName({ kind: 'frozen' })).toBe('every G_k dropped (a trainer that never moves)');
  });
});
