import { seededRandom } from './random.js';
import type { Dataset } from './dataset.js';

export interface TwoMoonsConstraints {
  /** number of points (the first moon gets the extra point when n is odd) */
  readonly n: number;
  /** standard deviation of the Gaussian noise added to each coordinate before scaling */
  readonly noise: number;
  readonly seed: number;
  /**
   * When set, a third coordinate with this value is appended to every point
   * before scaling. The networks here have no biases, so a bias-free net sees
   * only cones through the origin; a constant input coordinate lets it place a
   * boundary anywhere in the plane while staying homogeneous in its input.
   */
  readonly constant?: number;
}

/**
 * The two interleaved half-circles: label +1 on (cos θ, sin θ), label −1 on
 * (1 − cos θ, ½ − sin θ), θ uniform on [0, π], centred at the origin, then
 * scaled so that max_i ‖x_i‖ = 1 (docs/claims.md, Notation assumes ‖x_i‖ ≤ 1). With
 * `constant`, every point's third coordinate is the same scaled constant.
 * Not linearly separable for noise ≥ 0.
 */
export function twoMoons(c: TwoMoonsConstraints): Dataset {
  if (!Number.isInteger(c.n) || c.n < 2) throw new RangeError(`twoMoons: n=${c.n} must be an integer ≥ 2; each moon needs a point`);
  if (!(c.noise >= 0) || !Number.isFinite(c.noise)) throw new RangeError(`twoMoons: noise=${c.noise} must be a finite number ≥ 0`);
  if (c.constant !== undefined && !Number.isFinite(c.constant))
    throw new RangeError(`twoMoons: constant=${c.constant} must be finite; omit it for plain 2-D points`);
  const rng = seededRandom(c.seed);
  const d = c.constant === undefined ? 2 : 3;
  const x = new Float64Array(c.n * d);
  const y = new Float64Array(c.n);
  const upper = Math.ceil(c.n / 2);
  for (let i = 0; i < c.n; i++) {
    const theta = Math.PI * rng.uniform();
    const top = i < upper;
    const px = top ? Math.cos(theta) : 1 - Math.cos(theta);
    const py = top ? Math.sin(theta) : 0.5 - Math.sin(theta);
    x[i * d] = px - 0.5 + c.noise * rng.normal();
    x[i * d + 1] = py - 0.25 + c.noise * rng.normal();
    if (d === 3) x[i * d + 2] = c.constant as number;
    y[i] = top ? 1 : -1;
  }
  let maxNorm = 0;
  for (let i = 0; i < c.n; i++) {
    let s = 0;
    for (let j = 0; j < d; j++) s += x[i * d + j] ** 2;
    maxNorm = Math.max(maxNorm, Math.sqrt(s));
  }
  if (maxNorm > 0) for (let i = 0; i < x.length; i++) x[i] /= maxNorm;
  return { task: 'classification', n: c.n, d, outDim: 1, x, y };
}
