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
  // log log1p(e^{−u}); for u > 36, log1p(e^{−u}) = e^{−u}(1 − e^{−u}/2 + …) so the log is −u − e^{−u}/2 to double precision
  logValue: (u) => (u > 36 ? -u - Math.exp(-u) / 2 : Math.log(u >= 0 ? Math.log1p(Math.exp(-u)) : -u + Math.log1p(Math.exp(u)))),
  lipschitz: { beta: 0.25, G: 1 },
};
