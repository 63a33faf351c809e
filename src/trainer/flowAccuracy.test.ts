import { describe, expect, test } from 'vitest';
import { FLOW_ERROR_MULTIPLE, FLOW_LINEAR_HORIZON, flowBalanceDriftBound, flowErrorBound } from './flowAccuracy.js';

describe('flowErrorBound', () => {
  test('K·τ·(1 + scale) up to T = 1000, growing like T beyond it', () => {
    expect(flowErrorBound({ tolerance: 1e-10, horizon: 50, scale: 2 })).toBeCloseTo(FLOW_ERROR_MULTIPLE * 1e-10 * 3, 25);
    expect(flowErrorBound({ tolerance: 1e-10, horizon: 0, scale: 0 })).toBe(FLOW_ERROR_MULTIPLE * 1e-10);
    expect(flowErrorBound({ tolerance: 1e-8, horizon: FLOW_LINEAR_HORIZON, scale: 1 })).toBe(2 * FLOW_ERROR_MULTIPLE * 1e-8);
    expect(flowErrorBound({ tolerance: 1e-8, horizon: 4 * FLOW_LINEAR_HORIZON, scale: 1 })).toBeCloseTo(8 * FLOW_ERROR_MULTIPLE * 1e-8, 20);
  });

  test.each([
    [{ tolerance: 0, horizon: 1, scale: 1 }, 'flowErrorBound: tolerance=0 must be a finite number > 0'],
    [{ tolerance: 1e-8, horizon: -1, scale: 1 }, 'flowErrorBound: horizon=-1 must be a finite number ≥ 0'],
    [{ tolerance: 1e-8, horizon: 1, scale: NaN }, 'flowErrorBound: scale=NaN must be a finite number ≥ 0'],
  ])('bad %o is rejected naming the field', (input, message) => {
    expect(() => flowErrorBound(input)).toThrow(message);
  });
});

describe('flowBalanceDriftBound', () => {
  test('4(w̄ + √N·ε)√N·ε + 2N·ε², ε the entrywise bound', () => {
    const eps = flowErrorBound({ tolerance: 1e-10, horizon: 1, scale: 1.5 });
    const d = 3 * eps; // √9
    expect(flowBalanceDriftBound({ tolerance: 1e-10, horizon: 1, scale: 1.5, maxLayerNorm: 2, maxLayerSize: 9 })).toBeCloseTo(4 * (2 + d) * d + 2 * d * d, 22);
  });

  test('bad inputs are rejected naming the field', () => {
    const ok = { tolerance: 1e-10, horizon: 1, scale: 1, maxLayerNorm: 1, maxLayerSize: 4 };
    expect(() => flowBalanceDriftBound({ ...ok, maxLayerNorm: -1 })).toThrow('flowBalanceDriftBound: maxLayerNorm=-1 must be a finite number ≥ 0');
    expect(() => flowBalanceDriftBound({ ...ok, maxLayerSize: 0 })).toThrow('flowBalanceDriftBound: maxLayerSize=0 must be a positive integer');
  });
});
