/**
 * A small seeded generator for figure runs (initializations, synthetic data).
 * Figures must redraw identically from their seed on every machine, so this
 * uses integer arithmetic only: mulberry32 for uniforms, Box–Muller for normals.
 */
export interface SeededRandom {
  /** the seed this generator started from */
  readonly seed: number;
  /** uniform on [0, 1) */
  uniform(): number;
  /** standard normal N(0, 1) */
  normal(): number;
  /** an independent generator derived from this one's seed and a label */
  fork(label: string): SeededRandom;
}

export function seededRandom(seed: number): SeededRandom {
  if (!Number.isInteger(seed)) throw new RangeError(`seededRandom: seed=${seed} must be an integer; figures take integer seeds`);
  let state = seed >>> 0;
  let spare: number | null = null;
  const uniform = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const normal = (): number => {
    if (spare !== null) {
      const s = spare;
      spare = null;
      return s;
    }
    let u = 0;
    while (u === 0) u = uniform();
    const v = uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  };
  return {
    seed,
    uniform,
    normal,
    fork: (label) => seededRandom(hashSeed(seed, label)),
  };
}

/** FNV-1a over the label, mixed with the seed: stable sub-seeds by name. */
function hashSeed(seed: number, label: string): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < label.length; i++) {
    h ^= label.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h | 0;
}
