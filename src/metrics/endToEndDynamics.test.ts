import { describe, expect, test } from 'vitest';
import { matmul } from '../linalg/dense.js';
import { chainRuleScale, chainRuleVelocity, endToEndVelocity, psdPower } from './endToEndDynamics.js';

const close = (a: ArrayLike<number>, b: ArrayLike<number>, tol: number) => {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - b[i])).toBeLessThanOrEqual(tol);
};

const U = Number.EPSILON / 2; // unit roundoff
const frob2 = (A: ArrayLike<number>) => Array.from(A).reduce((s, x) => s + x * x, 0);

/** Π_k (W_k − t G_k) for shapes dims (d_k × d_{k−1}): the end-to-end matrix moved along W' = −G for time t. */
const moved = (weights: readonly Float64Array[], grads: readonly Float64Array[], dims: readonly number[], t: number) => {
  let P: Float64Array = weights[0].map((w, i) => w - t * grads[0][i]);
  for (let k = 2; k <= weights.length; k++) {
    const W = weights[k - 1].map((w, i) => w - t * grads[k - 1][i]);
    P = matmul(W, P, dims[k], dims[k - 1], dims[0]);
  }
  return P;
};

describe('psdPower', () => {
  test('square root of [[2,1],[1,2]] (eigenvalues 1, 3): ((√3+1)/2, (√3−1)/2) pattern', () => {
    const r = psdPower(Float64Array.from([2, 1, 1, 2]), 2, 0.5);
    const a = (Math.sqrt(3) + 1) / 2;
    const b = (Math.sqrt(3) - 1) / 2;
    close(r.power, [a, b, b, a], 4e-16);
    expect(r.conditioning).toBeCloseTo(3, 14);
  });

  test('M^α M^{1−α} = M and M^0 = I, also on a rank-deficient M', () => {
    const v = [1, 2, -2];
    const M = Float64Array.from({ length: 9 }, (_, i) => v[Math.floor(i / 3)] * v[i % 3]); // rank one, eigenvalue 9
    const third = psdPower(M, 3, 1 / 3, 1).power;
    const rest = psdPower(M, 3, 2 / 3, 1).power;
    close(matmul(third, rest, 3, 3, 3), M, 1e-14);
    close(psdPower(M, 3, 0, 1).power, [1, 0, 0, 0, 1, 0, 0, 0, 1], 0);
    // the dropped eigenvalues are rounding noise of zeros: (vvᵀ)^{1/3} = 9^{1/3} vvᵀ/9 exactly in real arithmetic
    close(
      third,
      Array.from(M, (m) => (Math.cbrt(9) * m) / 9),
      1e-15,
    );
  });

  test('rank 0 keeps no eigenvalue: M^α = 0 for α > 0, M^0 = I, conditioning 1 (nothing kept to compare)', () => {
    const M = Float64Array.from([2, 1, 1, 2]);
    const half = psdPower(M, 2, 0.5, 0);
    expect(Array.from(half.power)).toEqual([0, 0, 0, 0]);
    expect(half.conditioning).toBe(1);
    const zeroth = psdPower(M, 2, 0, 0);
    expect(Array.from(zeroth.power)).toEqual([1, 0, 0, 1]);
    expect(zeroth.conditioning).toBe(1);
  });

  test('a kept eigenvalue < 0 (M not PSD) makes the conditioning ∞ and is clamped to 0 in the power', () => {
    const r = psdPower(Float64Array.from([1, 0, 0, -1]), 2, 0.5, 2);
    expect(r.conditioning).toBe(Infinity);
    expect(Array.from(r.power)).toEqual([1, 0, 0, 0]);
    // diag(4, 1): λ_1/λ_2 = 4 on the full spectrum, √ of a diagonal matrix is exact
    const d = psdPower(Float64Array.from([4, 0, 0, 1]), 2, 0.5);
    expect(d.conditioning).toBe(4);
    expect(Array.from(d.power)).toEqual([2, 0, 0, 1]);
  });

  test('rejects a rank outside [0, d] or not an integer, and α < 0 or not finite', () => {
    const M = Float64Array.from([2, 1, 1, 2]);
    expect(() => psdPower(M, 2, 0.5, -1)).toThrow(RangeError);
    expect(() => psdPower(M, 2, 0.5, -1)).toThrow('psdPower: rank=-1 must be an integer in [0, d=2]');
    expect(() => psdPower(M, 2, 0.5, 3)).toThrow('psdPower: rank=3 must be an integer in [0, d=2]');
    expect(() => psdPower(M, 2, 0.5, 1.5)).toThrow('psdPower: rank=1.5 must be an integer in [0, d=2]');
    expect(() => psdPower(M, 2, -0.5)).toThrow('psdPower: alpha=-0.5 must be a finite number ≥ 0');
    expect(() => psdPower(M, 3, 0.5)).toThrow('psdPower: M.length=4 must equal d·d=9');
    // an overflowing Gram matrix used to crash inside ml-matrix's eigensolver with a TypeError
    expect(() => psdPower(Float64Array.of(1, Infinity, Infinity, 1), 2, 0.5)).toThrow(RangeError);
    expect(() => psdPower(Float64Array.of(1, 0, 0, NaN), 2, 0.5)).toThrow(
      'psdPower: M[3]=NaN must be finite (a Gram matrix PPᵀ overflows when P has entries beyond ~1e154)',
    );
    expect(() => psdPower(M, 2, Infinity)).toThrow('psdPower: alpha=Infinity must be a finite number ≥ 0');
    expect(() => psdPower(M, 2, NaN)).toThrow('psdPower: alpha=NaN must be a finite number ≥ 0');
  });
});

describe('chain-rule velocity', () => {
  test('three non-square layers: equals d/dt Π_k(W_k − tG_k) at t = 0, extracted exactly from the cubic in t', () => {
    // dims d_0..d_3 = 2, 3, 1, 2; integer entries keep every product below exact
    const dims = [2, 3, 1, 2];
    const weights = [Float64Array.from([1, 0, 2, -1, 0, 1]), Float64Array.from([1, -1, 2]), Float64Array.from([2, -1])];
    const grads = [Float64Array.from([0, 1, 1, 0, -1, 2]), Float64Array.from([2, 0, -1]), Float64Array.from([1, 3])];
    // p(t) = c0 + c1 t + c2 t² + c3 t³: (p(1) − p(−1))/2 = c1 + c3 and (p(2) − p(−2))/4 = c1 + 4c3, so
    // c1 = (8(p(1) − p(−1)) − (p(2) − p(−2)))/12, exact on these integers
    const [p1, m1, p2, m2] = [1, -1, 2, -2].map((t) => moved(weights, grads, dims, t));
    const c1 = p1.map((_, i) => (8 * (p1[i] - m1[i]) - (p2[i] - m2[i])) / 12);
    expect(Array.from(chainRuleVelocity(weights, grads, dims))).toEqual(Array.from(c1));
    // by hand: −(W_3W_2G_1 + W_3G_2W_1 + G_3W_2W_1) = −([[−6,10],[3,−5]] + [[4,−2],[−2,1]] + [[−1,3],[−3,9]])
    expect(Array.from(chainRuleVelocity(weights, grads, dims))).toEqual([3, -11, 2, -5]);
  });
});

describe('chainRuleScale', () => {
  test('Σ_k Π_{j>k}‖W_j‖_F² ‖E‖_F Π_{j<k}‖W_j‖_F², exactly, and never below Σ_k ‖A_k‖_F² ‖E‖_F ‖B_k‖_F²', () => {
    // dims 2, 3, 1, 2 as above; ‖W_1‖² = 7, ‖W_2‖² = 6, ‖W_3‖² = 5, ‖E‖ = 5
    const weights = [Float64Array.from([1, 0, 2, -1, 0, 1]), Float64Array.from([1, -1, 2]), Float64Array.from([2, -1])];
    const E = Float64Array.from([0, 3, 4, 0]);
    // 5·(6·5 + 5·7 + 7·6) = 5·107
    expect(chainRuleScale(weights, E)).toBe(535);
    // ‖A_k‖_F², ‖B_k‖_F² with an empty product counted as 1 (the term A_kA_kᵀEB_kᵀB_k then has no factor)
    const a = [frob2(matmul(weights[2], weights[1], 2, 1, 3)), frob2(weights[2]), 1];
    const b = [1, frob2(weights[0]), frob2(matmul(weights[1], weights[0], 1, 3, 2))];
    const actual = a[0] * 5 * b[0] + a[1] * 5 * b[1] + a[2] * 5 * b[2];
    expect(actual).toBeLessThanOrEqual(chainRuleScale(weights, E));
  });

  test('one layer: ‖E‖_F (A_1 = B_1 = I); no layers: 0', () => {
    expect(chainRuleScale([Float64Array.from([3, -7, 0.5])], Float64Array.from([3, 4]))).toBe(5);
    expect(chainRuleScale([], Float64Array.from([3, 4]))).toBe(0);
  });
});

describe('end-to-end velocity (ACH.Thm1)', () => {
  test('scalar chain w_k = w: −Σ_k A_kG_kB_k = −L w^{2L−2} E = ACH with P = w^L', () => {
    const w = 0.75;
    const L = 3;
    const E = 0.5;
    const weights = [Float64Array.of(w), Float64Array.of(w), Float64Array.of(w)];
    // G_k = A_kᵀ E B_kᵀ = w^{L−1} E
    const grads = weights.map(() => Float64Array.of(w ** (L - 1) * E));
    const chain = chainRuleVelocity(weights, grads, [1, 1, 1, 1]);
    expect(chain[0]).toBeCloseTo(-L * w ** (2 * L - 2) * E, 15);
    const ach = endToEndVelocity(Float64Array.of(w ** L), Float64Array.of(E), 1, 1, L, 1);
    expect(ach.velocity[0]).toBeCloseTo(chain[0], 15);
  });

  test('scalar P = 4, L = 2, E = 1/2: velocity −(1·E·4 + 4·E·1) = −4 and termScale Σ_j |a_j||E||b_j| = 4, exactly', () => {
    // 1×1 eigenproblems are exact and √16 = 4 is exact
    const ach = endToEndVelocity(Float64Array.of(4), Float64Array.of(0.5), 1, 1, 2, 1);
    expect(ach.velocity[0]).toBe(-4);
    expect(ach.termScale).toBe(4);
    expect(ach.conditioning).toBe(1);
  });

  test('rank-one balanced pair (dims 2, 1, 2): rank 1 drops the noise eigenvalue, ACH = chain rule = −σ(uuᵀE + Evvᵀ)', () => {
    // W_1 = (3, 4) (1×2), W_2 = (5, 0)ᵀ: W_1W_1ᵀ = 25 = W_2ᵀW_2; P = [[15, 20], [0, 0]] = 25·u vᵀ, u = e_1, v = (3, 4)/5
    const W1 = Float64Array.from([3, 4]);
    const W2 = Float64Array.from([5, 0]);
    const P = matmul(W2, W1, 2, 1, 2);
    const E = Float64Array.from([1, 2, 3, 4]);
    // G_1 = W_2ᵀE (1×2), G_2 = EW_1ᵀ (2×1)
    const G1 = matmul(W2, E, 1, 2, 2);
    const G2 = matmul(E, W1, 2, 2, 1);
    const chain = chainRuleVelocity([W1, W2], [G1, G2], [2, 1, 2]);
    // −([[25, 0], [0, 0]]E + E[[9, 12], [12, 16]])
    expect(Array.from(chain)).toEqual([-58, -94, -75, -100]);
    const ach = endToEndVelocity(P, E, 2, 2, 2, 1);
    // both kept spectra are the single eigenvalue 625: λ_1/λ_1 = 1 exactly
    expect(ach.conditioning).toBe(1);
    // Σ_j ‖(PPᵀ)^{(j−1)/2}‖‖E‖‖(PᵀP)^{(2−j)/2}‖ = 2·√2·√30·25. Rounding, first order in u: the 2×2 symmetric
    // eigensolver gives λ to ≲ 2u relative, λ^α adds u, each Frobenius norm's sum and √ add 2u, the triple product 2u
    // and the sum over j u: ≈ 8u of the result
    expect(Math.abs(ach.termScale - 50 * Math.sqrt(60))).toBeLessThanOrEqual(8 * U * 50 * Math.sqrt(60));
    // the chain-rule side is exact (small integers). ACH side, per term j, relative to ‖a_j‖‖E‖‖b_j‖: each power is
    // rebuilt as Σ λ^α v vᵀ from eigenvectors orthonormal to ≈ d·u (d = 2), so its entries err by ≲ (2d + 2)u = 6u
    // each for a_j and b_j; the two 2×2 products add γ_2 ≈ 2u each: ≲ 16u per term, ≲ 32u·termScale over the two
    // terms (and their sum). 64u is that bound with a factor 2 for the first-order estimate
    close(ach.velocity, chain, 64 * U * ach.termScale);
  });

  test('balanced 2×2 pair W_1 = S, W_2 = R·S (R a rotation): chain rule equals the ACH form', () => {
    // D_1 = W_1W_1ᵀ − W_2ᵀW_2 = S² − SRᵀRS = 0
    const S = Float64Array.from([0.5, 0, 0, 1.25]);
    const R = Float64Array.from([0.6, -0.8, 0.8, 0.6]);
    const W1 = S;
    const W2 = matmul(R, S, 2, 2, 2);
    const E = Float64Array.from([0.3, -0.1, 0.7, 0.2]);
    const P = matmul(W2, W1, 2, 2, 2);
    // G_1 = W_2ᵀE, G_2 = E W_1ᵀ
    const G1 = matmul(Float64Array.from([W2[0], W2[2], W2[1], W2[3]]), E, 2, 2, 2);
    const G2 = matmul(E, Float64Array.from([W1[0], W1[2], W1[1], W1[3]]), 2, 2, 2);
    const chain = chainRuleVelocity([W1, W2], [G1, G2], [2, 2, 2]);
    const ach = endToEndVelocity(P, E, 2, 2, 2, 2);
    close(ach.velocity, chain, 1e-15);
    expect(ach.conditioning).toBeCloseTo((1.25 / 0.5) ** 4, 9);
  });
});
