import type { MarginLoss } from './loss.js';

/** ℓ(u) = e^{−u}. No global Lipschitz constants (JT.A3 fails on ℝ). */
export const exponential: MarginLoss = {
  kind: 'margin',
  name: 'exponential',
  value: (u) => Math.exp(-u),
  derivative: (u) => -Math.exp(-u),
  logValue: (u) => -u,
};
