import { describe, expect, test } from 'vitest';
import { matmul } from '../linalg/dense.js';
import { chainRuleVelocity, endToEndVelocity, psdPower } from './endToEndDynamics.js';

const close = (a: ArrayLike<number>, b: ArrayLike<number>, tol: number) => {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - b[i])).toBeLessThanOrEqual(tol);
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
    close(third, Array.from(M, (m) => (Math.cbrt(9) * m) / 9), 1e-15);
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
