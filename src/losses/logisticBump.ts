import type { MarginLoss } from './loss.js';

/**
 * The logistic loss plus a Gaussian bump, ℓ(u) = log(1 + e^{−u}) + ε·e^{−(u−c)²}: positive, smooth, → 0 as u → ∞ and
 * → ∞ as u → −∞, but not decreasing where the bump's slope 2ε(c − u)e^{−(u−c)²} outweighs 1/(1 + e^u). It keeps
 * JT.A3 (with the constants below) and breaks JT.A1 alone (the ablations in docs/claims.md): gradient descent stalls at the local minimum
 * u* ∈ (0, c) of ℓ, where ℓ'(u*) = 0, and the risk stays near ℓ(u*) > 0.
 *
 * JT.A3 constants: ℓ' = −1/(1 + e^u) − 2ε(u − c)e^{−(u−c)²}, and max_s |2s·e^{−s²}| = √2·e^{−1/2} (at s² = 1/2), so
 * |ℓ'| ≤ 1 + ε√2e^{−1/2} ≤ 1 + 0.8578ε = G; ℓ'' = σ(u)σ(−u) + ε(4(u − c)² − 2)e^{−(u−c)²}, and
 * max_s |(4s² − 2)e^{−s²}| = 2 (at s = 0), so |ℓ''| ≤ 1/4 + 2ε = β.
 */
export interface BumpParameters {
  /** the bump's height ε > 0 */
  readonly epsilon: number;
  /** its centre c */
  readonly center: number;
}

export interface LogisticBump extends MarginLoss {
  readonly lipschitz: { readonly beta: number; readonly G: number };
  /** the same loss as a mathjs expression in u, for specs (`dlncheck explain` trains it through expressionLoss) */
  readonly expression: string;
}

export function logisticBump({ epsilon, center }: BumpParameters): LogisticBump {
  if (!(epsilon > 0 && Number.isFinite(epsilon))) throw new RangeError(`logisticBump: epsilon=${epsilon} must be a finite number > 0`);
  if (!Number.isFinite(center)) throw new RangeError(`logisticBump: center=${center} must be finite`);
  const logistic = (u: number) => (u >= 0 ? Math.log1p(Math.exp(-u)) : -u + Math.log1p(Math.exp(u)));
  const value = (u: number) => logistic(u) + epsilon * Math.exp(-((u - center) ** 2));
  return {
    kind: 'margin',
    name: `logistic+bump(ε=${epsilon}, c=${center})`,
    value,
    derivative: (u) => {
      const s = u >= 0 ? -Math.exp(-u) / (1 + Math.exp(-u)) : -1 / (1 + Math.exp(u));
      return s - 2 * epsilon * (u - center) * Math.exp(-((u - center) ** 2));
    },
    logValue: (u) => Math.log(value(u)),
    // rounded up to the next 1/8: G ≥ 1 + 0.8578ε, β ≥ 1/4 + 2ε
    lipschitz: { beta: Math.ceil((0.25 + 2 * epsilon) * 8) / 8, G: Math.ceil((1 + 0.8578 * epsilon) * 8) / 8 },
    expression: `log(1 + exp(-u)) + ${epsilon} * exp(-(u - ${center})^2)`,
  };
}

/** The stationary point u* ∈ (0, c) where ℓ' turns from negative to non-negative (bisection on a sign change), or null. */
export function bumpStall(loss: LogisticBump, center: number): number | null {
  let lo = 0;
  let hi = NaN;
  const h = center / 256;
  for (let u = 0; u <= center; u += h) {
    if (loss.derivative(u) >= 0) {
      hi = u;
      break;
    }
    lo = u;
  }
  if (Number.isNaN(hi)) return null;
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (loss.derivative(mid) >= 0) hi = mid;
    else lo = mid;
  }
  return hi;
}
