import type { Loss, MarginLoss } from '../losses/loss.js';
import { gamma } from '../tolerances/rounding.js';
import { LOSS_ROUNDINGS } from '../tolerances/jtRounding.js';
import type { AssumptionResult } from './assumption.js';
import { derivativeOnGrid, probeGrid } from './_internals/lossProbe.js';

export interface LipschitzEstimate {
  /** sup |ℓ'| on the grid */
  readonly G: number;
  /** sup |ℓ'(b) − ℓ'(a)|/(b − a) over neighbouring grid points (each is some ℓ''(ξ), so it is ≤ the true β) */
  readonly beta: number;
  /** the rounding part of the quotient: two ℓ' values with relative error γ_4 each, divided by b − a */
  readonly rounding: number;
}

function estimate(loss: MarginLoss, grid: readonly number[]): LipschitzEstimate | { badAt: number } {
  const { values, badAt } = derivativeOnGrid(loss, grid);
  if (badAt !== null) return { badAt };
  let G = 0;
  let beta = 0;
  let rounding = 0;
  for (let i = 0; i < grid.length; i++) {
    G = Math.max(G, Math.abs(values[i]));
    if (i + 1 < grid.length) {
      const h = grid[i + 1] - grid[i];
      beta = Math.max(beta, Math.abs(values[i + 1] - values[i]) / h);
      rounding = Math.max(rounding, (gamma(LOSS_ROUNDINGS + 1) * (Math.abs(values[i]) + Math.abs(values[i + 1]))) / h);
    }
  }
  return { G, beta, rounding };
}

/**
 * JT.A3: ℓ' is β-Lipschitz and |ℓ'| ≤ G.
 * - Declared constants (loss.lipschitz) are verified on probeGrid(): sup|ℓ'| ≤ G·(1 + γ_5) and every difference
 *   quotient of ℓ' (= ℓ''(ξ) by the mean value theorem, so ≤ β exactly) ≤ β + its rounding.
 * - Without declared constants the sups are estimated on [−64, 64] and on [−512, 512]: if either grows beyond
 *   rounding with the window, no global constant exists (the exponential loss: sup|ℓ'| = e^{512} vs e^{64});
 *   otherwise the estimates are reported (they are lower bounds of the true constants, sampled on a grid).
 */
export function jtA3(loss: Loss): AssumptionResult & { readonly constants?: { readonly beta: number; readonly G: number } } {
  if (loss.kind === 'squared')
    return { holds: false, reason: "JT.A3: the squared loss is not a margin loss; as ℓ(u) = ½(1 − u)² its |ℓ'(u)| = |u − 1| is unbounded" };
  const wide = estimate(loss, probeGrid(512));
  if ('badAt' in wide) return { holds: false, reason: `JT.A3: ℓ'(${wide.badAt}) of loss=${loss.name} is not a finite number` };
  const declared = loss.lipschitz;
  if (declared) {
    if (wide.G > declared.G * (1 + gamma(LOSS_ROUNDINGS + 1)))
      return { holds: false, reason: `JT.A3: sup|ℓ'|=${wide.G} of loss=${loss.name} exceeds the declared G=${declared.G}` };
    if (wide.beta > declared.beta + wide.rounding)
      return { holds: false, reason: `JT.A3: ℓ' of loss=${loss.name} changes at rate ${wide.beta} > the declared β=${declared.beta}` };
    return { holds: true, reason: `JT.A3: loss=${loss.name} satisfies its declared β=${declared.beta}, G=${declared.G} on [−512, 512]`, constants: declared };
  }
  const narrow = estimate(loss, probeGrid(64));
  if ('badAt' in narrow) return { holds: false, reason: `JT.A3: ℓ'(${narrow.badAt}) of loss=${loss.name} is not a finite number` };
  if (wide.G > narrow.G * (1 + gamma(LOSS_ROUNDINGS + 1)))
    return {
      holds: false,
      reason: `JT.A3: loss=${loss.name} has no global G: sup|ℓ'| grows from ${narrow.G.toPrecision(4)} on [−64, 64] to ${wide.G.toPrecision(4)} on [−512, 512]`,
    };
  if (wide.beta > narrow.beta + wide.rounding)
    return {
      holds: false,
      reason: `JT.A3: loss=${loss.name} has no global β: ℓ' changes at rate ${narrow.beta.toPrecision(4)} on [−64, 64] but ${wide.beta.toPrecision(4)} on [−512, 512]`,
    };
  return {
    holds: true,
    reason: `JT.A3: loss=${loss.name} declares no constants; estimated β≈${wide.beta.toPrecision(4)}, G≈${wide.G.toPrecision(4)} (the same on [−64, 64] and [−512, 512])`,
    constants: { beta: wide.beta, G: wide.G },
  };
}
