import type { Dataset } from './dataset.js';
import { seededRandom } from './random.js';

export interface SeparableDiskOptions {
  readonly n: number;
  readonly seed: number;
  /** the labelling direction's angle in radians; labels are sign⟨u*, x⟩ */
  readonly angle: number;
  /** points with |⟨u*, x⟩| < gap are redrawn, so γ̄ ≥ gap */
  readonly gap: number;
}

/**
 * Linearly separable data through the origin (no bias, docs/claims.md, Notation): points
 * uniform in the unit disk, labelled by a fixed direction, with a gap around
 * its boundary. The first two points are forced to opposite classes.
 */
export function separableDisk(o: SeparableDiskOptions): Dataset {
  if (!(o.gap >= 0 && o.gap < 1)) throw new RangeError(`separableDisk: gap=${o.gap} must be in [0, 1)`);
  const rng = seededRandom(o.seed);
  const u = [Math.cos(o.angle), Math.sin(o.angle)];
  const x = new Float64Array(2 * o.n);
  const y = new Float64Array(o.n);
  for (let i = 0; i < o.n; i++) {
    for (;;) {
      const r = Math.sqrt(rng.uniform());
      const phi = 2 * Math.PI * rng.uniform();
      const p = [r * Math.cos(phi), r * Math.sin(phi)];
      const s = p[0] * u[0] + p[1] * u[1];
      if (Math.abs(s) < o.gap) continue;
      const label = s > 0 ? 1 : -1;
      if (i < 2 && label !== (i === 0 ? 1 : -1)) continue;
      x[2 * i] = p[0];
      x[2 * i + 1] = p[1];
      y[i] = label;
      break;
    }
  }
  return { task: 'classification', n: o.n, d: 2, outDim: 1, x, y };
}
