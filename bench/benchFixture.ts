import type { Activation } from '../src/network/activation.js';

/**
 * Deterministic inputs for the benchmarks: a planted-direction classification
 * dataset with ‖x_i‖ ≤ 1 and small Gaussian initial weights, all drawn from one
 * seeded generator so the TypeScript and NumPy sides see identical numbers
 * (they travel as JSON, whose shortest round-trip decimals are exact doubles).
 */

export interface BenchSize {
  /** short label printed in the tables */
  readonly name: string;
  /** d_0 = input dimension, …, d_L = 1 */
  readonly dims: readonly number[];
  readonly n: number;
  readonly eta: number;
  /** the fixture's seed is DEFAULT_SEED + seedOffset (fixed per size, so adding a size changes no other size's data) */
  readonly seedOffset: number;
  /** hidden-layer activation; linear when absent */
  readonly activation?: Activation;
  /** speed ratio TS/NumPy this size must reach (issue 14) */
  readonly target: number;
}

export interface BenchFixture {
  readonly size: BenchSize;
  /** n rows of length d_0, ‖x_i‖ ≤ 1 */
  readonly x: number[][];
  /** ±1, sign of ⟨u*, x_i⟩ for a planted unit vector u* */
  readonly y: number[];
  /** W_k as dims[k] × dims[k−1] nested arrays, W_1 first */
  readonly weights: number[][][];
}

/** The sizes of issue 14: tiny, d = 10, mid (32), d = 100 linear, and a ReLU net of width 32; logistic loss, η = 0.1. */
export const BENCH_SIZES: readonly BenchSize[] = [
  { name: 'tiny  [2,2,2,2,1] n=20', dims: [2, 2, 2, 2, 1], n: 20, eta: 0.1, seedOffset: 0, target: 40 },
  { name: 'd=10  [10,10,10,10,1] n=100', dims: [10, 10, 10, 10, 1], n: 100, eta: 0.1, seedOffset: 1, target: 3 },
  { name: 'mid   [32,32,32,32,1] n=256', dims: [32, 32, 32, 32, 1], n: 256, eta: 0.1, seedOffset: 3, target: 1.5 },
  { name: 'd=100 [100,100,100,1] n=1000', dims: [100, 100, 100, 1], n: 1000, eta: 0.1, seedOffset: 2, target: 1 },
  { name: 'ReLU  [32,32,32,1] n=256', dims: [32, 32, 32, 1], n: 256, eta: 0.1, seedOffset: 4, target: 1, activation: { kind: 'relu' } },
];

/** Uniform doubles in [0, 1) from a 32-bit counter hashed by integer multiply–xorshift rounds. */
export function seededUniform(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    z ^= z >>> 16;
    return (z >>> 0) / 4294967296;
  };
}

/** Standard normal draws by Box–Muller (one per call; the sine half is discarded for simplicity). */
function seededGaussian(uniform: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
}

function gaussianVector(gauss: () => number, d: number): number[] {
  return Array.from({ length: d }, gauss);
}

function norm(v: readonly number[]): number {
  let s = 0;
  for (const a of v) s += a * a;
  return Math.sqrt(s);
}

/**
 * Points x_i = r_i g_i/‖g_i‖ with r_i ∈ [0.2, 1), labels sign⟨u*, x_i⟩, redrawn
 * while |⟨u*, x_i⟩| < 0.02 so no point sits on the boundary. Initial weights
 * have i.i.d. N(0, (0.5/√d_{k−1})²) entries: small enough that the product is
 * O(0.1), large enough that the gradient is not negligible.
 */
export function benchFixture(size: BenchSize, seed: number): BenchFixture {
  const uniform = seededUniform(seed);
  const gauss = seededGaussian(uniform);
  const d = size.dims[0];
  const planted = gaussianVector(gauss, d);
  const pn = norm(planted);
  const u = planted.map((a) => a / pn);
  const x: number[][] = [];
  const y: number[] = [];
  while (x.length < size.n) {
    const g = gaussianVector(gauss, d);
    const r = 0.2 + 0.8 * uniform();
    const gn = norm(g);
    const xi = g.map((a) => (r * a) / gn);
    let s = 0;
    for (let j = 0; j < d; j++) s += u[j] * xi[j];
    if (Math.abs(s) < 0.02) continue;
    x.push(xi);
    y.push(s > 0 ? 1 : -1);
  }
  const weights: number[][][] = [];
  for (let k = 1; k < size.dims.length; k++) {
    const scale = 0.5 / Math.sqrt(size.dims[k - 1]);
    weights.push(Array.from({ length: size.dims[k] }, () => gaussianVector(gauss, size.dims[k - 1]).map((a) => a * scale)));
  }
  return { size, x, y, weights };
}
