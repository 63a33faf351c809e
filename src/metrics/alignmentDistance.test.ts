import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { alignedInit, alignedInitBases, alignedInitWeights } from '../arbitraries/alignedInit.js';
import { alignmentDistance, alignmentInBases, inBases } from './alignmentDistance.js';

const rotation = (t: number, s = 1) => Float64Array.from([s * Math.cos(t), -s * Math.sin(t), s * Math.sin(t), s * Math.cos(t)]);

describe('alignmentDistance (RNBU.Def2)', () => {
  test('aligned inits from rational bases are aligned in their bases and in recovered bases', () => {
    fc.assert(
      fc.property(alignedInit({ maxDepth: 3, maxWidth: 4 }), (init) => {
        const W = alignedInitWeights(init);
        // weights are the exact product rounded once (|δW| ≤ u|W|) and the bases are rounded
        // rationals (‖UᵀU − I‖ ≤ ~d·u): off-diagonal ≤ ~8d·u relative, far below 1e-13
        expect(alignmentInBases(W, init.dims, alignedInitBases(init)).distance).toBeLessThan(1e-13);
        // recovered bases: σ are small-integer multiples of 1/8, so (partial-product) singular values are
        // either exactly repeated or separated by ≫ τ — no near-cluster floor; what remains is the
        // rounding above plus the eigensolver's backward error (~8d·u‖S‖ per Gram): ≤ ~100·d·u ≈ 6e-14
        expect(alignmentDistance(W, init.dims).distance).toBeLessThan(1e-12);
      }),
      { numRuns: 300 },
    );
  });

  test('scaled rotations (exactly repeated singular values) are aligned: the rotation inside the cluster is resolved', () => {
    const r = alignmentDistance([rotation(0.3, 2), rotation(1.1, 3), rotation(-0.4, 0.5)], [2, 2, 2, 2]);
    expect(r.distance).toBeLessThan(1e-14);
  });

  test('a generic pair of layers is far from aligned', () => {
    const r = alignmentDistance([Float64Array.from([1, 2, 3, 4]), Float64Array.from([1, 0, 1, 1])], [2, 2, 2]);
    expect(r.distance).toBeGreaterThan(0.1);
    expect(r.layers[0].distance).toBeLessThan(1e-15); // the first layer alone is always aligned (its SVD)
  });

  test('rank one 1-d nets: aligned iff the row space of W_{k+1} is the column space of W_k', () => {
    const u = [1, 2, 2].map((x) => x / 3);
    const a = [1, -1, 0.5, 2];
    const W1 = Float64Array.from(u.flatMap((ui) => a.map((aj) => ui * aj)));
    expect(alignmentDistance([W1, Float64Array.from(u.map((x) => 1.5 * x))], [4, 3, 1]).distance).toBeLessThan(1e-15);
    expect(alignmentDistance([W1, Float64Array.from([1, 0, 0])], [4, 3, 1]).distance).toBeGreaterThan(0.1);
  });

  test('documented limit: re-indexing is allowed, so 1→2→1 with W_2W_1 = 0 reads as aligned', () => {
    expect(alignmentDistance([Float64Array.from([1, 0]), Float64Array.from([0, 1])], [1, 2, 1]).distance).toBe(0);
  });

  test('in given bases the diagonal is (j, j); inBases computes U_leftᵀ W U_right', () => {
    const M = inBases(rotation(0.3), 2, 2, rotation(0.3), Float64Array.from([1, 0, 0, 1]));
    expect(Math.abs(M[1]) + Math.abs(M[2])).toBeLessThan(1e-16);
    const off = alignmentInBases([Float64Array.from([1, 0.5, 0, 2])], [2, 2], [Float64Array.from([1, 0, 0, 1]), Float64Array.from([1, 0, 0, 1])]);
    expect(off.layers[0].maxOff).toBe(0.5);
    expect(off.distance).toBeCloseTo(0.5 / Math.sqrt(1 + 0.25 + 4), 15);
  });

  test('errors name the argument and the rule', () => {
    expect(() => alignmentInBases([new Float64Array(4)], [2, 2], [new Float64Array(4)])).toThrow(/1 bases given; give one per space/);
    expect(() => alignmentDistance([new Float64Array(3)], [2, 2])).toThrow(/weights\[0\] has 3 entries; W_1 must be 2×2/);
    expect(() => alignmentDistance([new Float64Array(4)], [2, 2], { clusterTolerance: 2 })).toThrow(/clusterTolerance=2 must be in \(0, 1\)/);
  });
});
