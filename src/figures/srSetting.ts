import type { Dataset } from '../data/dataset.js';
import type { MarginLoss } from '../losses/loss.js';
import type { Activation } from '../network/activation.js';
import type { Network } from '../network/network.js';
import { createWorkspace, risk } from '../trainer/gradient.js';
import { gaussianNetwork } from '../network/initialization.js';
import type { SeededRandom } from '../data/random.js';
import { separableDisk } from '../data/separableDisk.js';

/**
 * The setting shared by the SR figures (docs/claims.md, SR): 2-D separable data and
 * the depth-L net with 2×2 layers and a 1×2 last layer. The report leaves the
 * data and the initialization open; these are our choices, stated in every
 * caption through `srSettingText`.
 */
export const SR_DATA = { n: 20, angle: 0.5, gap: 0.1 } as const;

export function srData(seed: number): Dataset {
  return separableDisk({ n: SR_DATA.n, seed, angle: SR_DATA.angle, gap: SR_DATA.gap });
}

export function srDims(depth: number): number[] {
  return [2, ...Array<number>(depth - 1).fill(2), 1];
}

/**
 * N(0, scale²) entries, then W_L negated if needed so that R(W(0)) < ℓ(0)
 * (JT.A2; a random init violates it about half the time, and the figures are
 * about what happens under the theorem's hypotheses). A draw where no sign
 * helps — a ReLU net whose output is 0 on every point — is redrawn from the
 * same stream.
 */
export function srNetwork(depth: number, activation: Activation, rng: SeededRandom, scale: number, data: Dataset, loss: MarginLoss): Network {
  for (let attempt = 0; attempt < 100; attempt++) {
    const net = satisfyA2(gaussianNetwork(srDims(depth), activation, rng, scale), data, loss);
    if (risk(createWorkspace(net.dims, data.n), net, data, loss) < loss.value(0)) return net;
  }
  throw new RangeError(`srNetwork: no draw in 100 satisfies JT.A2 (R(W(0)) < ℓ(0)) for depth=${depth} scale=${scale}; change the scale or the seed`);
}

export function satisfyA2(net: Network, data: Dataset, loss: MarginLoss): Network {
  const ws = createWorkspace(net.dims, data.n);
  if (risk(ws, net, data, loss) < loss.value(0)) return net;
  const last = net.weights.length - 1;
  const weights = net.weights.map((W, k) => (k === last ? W.map((v) => -v) : W.slice()));
  return { dims: [...net.dims], weights, activation: net.activation };
}

export function srSettingText(depth: number): string {
  return (
    `Data: n=${SR_DATA.n} points uniform in the unit disk, labelled by the direction at angle ${SR_DATA.angle} rad, ` +
    `points within ${SR_DATA.gap} of the boundary redrawn (linearly separable through the origin; our choice). ` +
    `Net: depth ${depth}, layers 2×2 (last 1×2), no biases, logistic loss. ` +
    `Init: i.i.d. N(0, s²) entries, W_L negated where needed so that R(W(0)) < ℓ(0) (JT.A2; a draw no sign can fix is redrawn).`
  );
}

/** Numbers in captions: 3 significant digits, exponent form when small or large. */
export function fmt(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  if (a !== 0 && (a < 1e-3 || a >= 1e5)) return x.toExponential(2);
  return Number(x.toPrecision(3)).toString();
}

/** 1 − min_k ρ_k at a checkpoint: 0 when every layer is rank one (a vector layer's ρ_k is 1 always). */
export function rankGap(c: { readonly normRatio: readonly number[] }): number {
  return 1 - Math.min(...c.normRatio);
}

/** The first checkpoint step at which a predicate holds, or null. */
export function firstStep<T extends { step: number }>(records: readonly T[], p: (r: T) => boolean): number | null {
  for (const r of records) if (p(r)) return r.step;
  return null;
}
