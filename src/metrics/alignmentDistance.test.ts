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

  test('property: scaling each layer by its own power of two (up to 2^±900) leaves the bases and matching bit for bit', () => {
    // the bases are computed from the layers scaled to unit range, so 2^{k_j}·W_j gives the same computation; maxOff
    // and ‖W‖_F scale by exactly 2^{k_j} and distances are unchanged. Before, Grams of products overflowed (TypeError
    // inside ml-matrix) from about 1e77 per layer on.
    fc.assert(
      fc.property(alignedInit({ maxDepth: 3, maxWidth: 4 }), fc.array(fc.integer({ min: -900, max: 900 }), { minLength: 3, maxLength: 3 }), (init, ks) => {
        const W = alignedInitWeights(init);
        const scaled = W.map((Wj, j) => Wj.map((v) => v * 2 ** ks[j]));
        const ref = alignmentDistance(W, init.dims);
        const r = alignmentDistance(scaled, init.dims);
        expect(r.bases).toEqual(ref.bases);
        expect(r.matching).toEqual(ref.matching);
        r.layers.forEach((l, j) => {
          expect(l.maxOff).toBe(ref.layers[j].maxOff * 2 ** ks[j]);
          expect(l.norm).toBe(ref.layers[j].norm * 2 ** ks[j]);
          expect(l.offNorm).toBe(ref.layers[j].offNorm * 2 ** ks[j]);
          expect(l.distance).toBe(ref.layers[j].distance);
        });
      }),
      { seed: 26112026, numRuns: 100 },
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
    expect(() => alignmentDistance([new Float64Array(3)], [2, 2])).toThrow('alignmentDistance: weights[0] has 3 entries; W_1 must be 2×2');
    // τ must lie in the open interval: both ends are rejected
    for (const t of [0, 1, 2, -0.5]) {
      expect(() => alignmentDistance([new Float64Array(4)], [2, 2], { clusterTolerance: t })).toThrow(
        `alignmentDistance: clusterTolerance=${t} must be in (0, 1)`,
      );
    }
  });

  test('in given bases: every entry off the diagonal counts, in maxOff and in offNorm', () => {
    const I2 = Float64Array.from([1, 0, 0, 1]);
    const I3 = Float64Array.from([1, 0, 0, 0, 1, 0, 0, 0, 1]);
    // W 2×3 in identity bases: M = W exactly; off-diagonal entries −2, 4, −4, 0 → maxOff 4, offNorm √36 = 6
    const r = alignmentInBases([Float64Array.from([1, -2, 4, -4, 5, 0])], [3, 2], [I3, I2]);
    expect(r.layers[0]).toEqual({ maxOff: 4, offNorm: 6, norm: Math.sqrt(62), distance: 4 / Math.sqrt(62) });
  });

  test('images with ‖W_k u‖ ≤ τ‖W_k‖_F count as zero: their column is all off-diagonal', () => {
    const W = Float64Array.from([100, 0, 0, 0.5]);
    // τ‖W‖_F ≈ 1.00001 ≥ 0.5: the second image is dropped (matching −1) and its 0.5 is off-diagonal;
    // the bases are exactly I (diagonal Gram), so M = W and the entries are exact
    const coarse = alignmentDistance([W], [2, 2], { clusterTolerance: 0.01 });
    expect(coarse.matching).toEqual([[0, -1]]);
    expect(coarse.layers[0]).toEqual({ maxOff: 0.5, offNorm: 0.5, norm: Math.sqrt(10000.25), distance: 0.5 / Math.sqrt(10000.25) });
    // τ‖W‖_F ≈ 0.1 < 0.5: the image counts and the layer is diagonal
    const fine = alignmentDistance([W], [2, 2], { clusterTolerance: 0.001 });
    expect(fine.matching).toEqual([[0, 1]]);
    expect(fine.distance).toBe(0);
  });

  test('more significant images than d_k: the d_k largest are matched', () => {
    // 1→2→1: U_1 = I, so W_2 U_1 = (1, 2) has two images for one slot; the larger (column 1) is matched
    const r = alignmentDistance([Float64Array.from([1, 0]), Float64Array.from([1, 2])], [1, 2, 1]);
    expect(r.matching).toEqual([[0], [-1, 0]]);
    // bases are exactly I, so M_2 = W_2: the unmatched 1 is the off-diagonal
    expect(r.layers[1]).toEqual({ maxOff: 1, offNorm: 1, norm: Math.sqrt(5), distance: 1 / Math.sqrt(5) });
  });

  test('the matching is j ↦ j where that slot exists (Def2 rectangular diagonal), else order-preserving', () => {
    // W_2 kills u_0: the image of u_1 stays in slot 1 rather than moving to the free slot 0
    const kept = alignmentDistance([Float64Array.from([2, 0, 0, 1]), Float64Array.from([0, 0, 0, 1])], [2, 2, 2]);
    expect(kept.matching).toEqual([
      [0, 1],
      [-1, 1],
    ]);
    expect(kept.distance).toBe(0);
    // 4→4→2 with U_1 = I: the two largest images come from u_2 (norm 1) and u_3 (norm 2), neither
    // has a slot of its own, and they fill slots 0, 1 in the order of their sources
    const W1 = Float64Array.from([4, 0, 0, 0, 0, 3, 0, 0, 0, 0, 2, 0, 0, 0, 0, 1]);
    const packed = alignmentDistance([W1, Float64Array.from([0.5, 0, 1, 0, 0, 0, 0, 2])], [4, 4, 2]);
    expect(packed.matching).toEqual([
      [0, 1, 2, 3],
      [-1, -1, 0, 1],
    ]);
    expect(packed.bases[2]).toEqual(Float64Array.from([1, 0, 0, 1]));
  });

  test('eigenvalues within τ‖S‖_F form one cluster, refined by the next Gram; τ is relative to ‖S‖_F', () => {
    // C_1 = W_1ᵀW_1 = diag(4, 3): ‖C_1‖_F = 5, gap 1. C_2 = (W_2W_1)ᵀ(W_2W_1) with W_2W_1 = (2, 1).
    const W1 = Float64Array.from([2, 0, 0, 1, 0, 1, 0, 1]);
    const W2 = Float64Array.from([1, 1, 0, 0]);
    const abs = (U: Float64Array) => Array.from(U, Math.abs);
    // gap 1 > 0.19·5: two clusters, U_0 = I (eigenvectors of a diagonal matrix come out exact)
    const split = alignmentDistance([W1, W2], [2, 4, 1], { clusterTolerance: 0.19 });
    expect(abs(split.bases[0])).toEqual([1, 0, 0, 1]);
    // gap 1 ≤ τ·5 for τ = 0.2 (0.2·5 rounds to exactly 1) and 0.21: one cluster, which C_2 rotates to
    // its eigenvectors (2, 1)/√5, (1, −2)/√5; a 2×2 symmetric eigensolver with gap 5 = ‖C_2‖_F gives
    // vectors accurate to ~u, so 1e-15 per entry is ample
    for (const t of [0.2, 0.21]) {
      const joined = alignmentDistance([W1, W2], [2, 4, 1], { clusterTolerance: t });
      abs(joined.bases[0]).forEach((x, i) => expect(Math.abs(x - [2, 1, 1, 2][i] / Math.sqrt(5))).toBeLessThan(1e-15));
    }
    // scaling W_1 by 2 scales ‖C_1‖_F and the gap by 4: the same τ gives the same clusters
    const W1x2 = W1.map((x) => 2 * x);
    expect(abs(alignmentDistance([W1x2, W2], [2, 4, 1], { clusterTolerance: 0.19 }).bases[0])).toEqual([1, 0, 0, 1]);
    const joinedx2 = alignmentDistance([W1x2, W2], [2, 4, 1], { clusterTolerance: 0.21 });
    expect(Math.abs(joinedx2.bases[0][0] - 2 / Math.sqrt(5))).toBeLessThan(1e-15);
  });

  test('a cluster left by W_{k+1} in the complement of the images is resolved by W_{k+2}W_{k+1}', () => {
    // 1→3→3→1: the images of W_1 span e_1; on the complement span(e_2, e_3) W_2 = I leaves one cluster,
    // which W_3W_2 = (0, 1, 2) splits into (0, 1, 2)/√5 and (0, 2, −1)/√5
    const r = alignmentDistance([Float64Array.from([1, 0, 0]), Float64Array.from([1, 0, 0, 0, 1, 0, 0, 0, 1]), Float64Array.from([0, 1, 2])], [1, 3, 3, 1]);
    expect(r.matching).toEqual([[0], [0, 1, 2], [-1, 0, -1]]);
    // bases from 2×2 eigenvectors (error ~u) and a polar factor of an orthonormal matrix:
    // off-diagonals ≈ a few u·‖W‖, far below 1e-14 (an unresolved cluster gives 1/√5)
    expect(r.distance).toBeLessThan(1e-14);
    const U1 = r.bases[1];
    const col = (j: number) => [U1[j], U1[3 + j], U1[6 + j]];
    for (let a = 0; a < 3; a++)
      for (let b = 0; b < 3; b++) {
        const dot = col(a).reduce((s, x, i) => s + x * col(b)[i], 0);
        expect(Math.abs(dot - (a === b ? 1 : 0))).toBeLessThan(1e-15);
      }
  });
});
