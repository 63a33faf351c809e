import type { MarginLoss } from './loss.js';

/**
 * ℓ(u) = log(1 + e^{−u}), evaluated without overflow: for u < 0 rewrite as
 * −u + log1p(e^{u}). ℓ'(u) = −1/(1 + e^{u}); β = 1/4, G = 1 (JT.A3).
 */
export const logistic: MarginLoss = {
  kind: 'margin',
  name: 'logistic',
  value: (u) => (u >= 0 ? Math.log1p(Math.exp(-u)) : -u + Math.log1p(Math.exp(u))),
  derivative: (u) => {
    if (u < 0) return -1 / (1 + Math.exp(u));
    const e = Math.exp(-u);
    return -e / (1 + e);
  },
  // log log1p(e^{−u}) = −u − e^{−u}/2 + O(e^{−2u}); for u > 36 the correction e^{−u}/2 < 1.2e−16 is below half an ulp
  // of u (≥ 3.5e−15), so the log is −u exactly in double precision, also where e^{−u} underflows (u > 745)
  logValue: (u) => (u > 36 ? -u : Math.log(u >= 0 ? Math.log1p(Math.exp(-u)) : -u + Math.log1p(Math.exp(u)))),
  lipschitz: { beta: 0.25, G: 1 },
};
