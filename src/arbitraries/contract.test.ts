/**
 * One contract for every arbitrary (STYLE.md §6): same seed ⇒ same value; every
 * value keeps the generator's promise; every shrink keeps it and is not larger.
 * Plus quality tests pinning what each arbitrary shrinks to, generator reach,
 * eager constraint errors and the public surface.
 */
import fc from 'fast-check';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { describe, expect, it } from 'vitest';
import { datasetFromArrays } from '../data/dataset.js';
import { linear } from '../network/activation.js';
import { networkFromArrays } from '../network/network.js';
import { DEFAULT_SIZES } from './_internals/defaultSizes.js';
import { normalLevel } from '../stats/normalQuantile.js';
import * as publicSurface from './index.js';
import {
  alignedRankOneInit,
  architecture,
  balancedInit,
  boundedDouble,
  factorizationTarget,
  gaussianInit,
  nonSeparableDataset,
  regressionDataset,
  schedule,
  separableDataset,
  stepSize,
  type Architecture,
  type ArchitectureConstraints,
  type FactorizationTarget,
  type GeneratedSchedule,
  type NonSeparableDataset,
  type NonSeparableDatasetConstraints,
  type RegressionData,
  type RegressionDatasetConstraints,
  type SeparableDataset,
  type SeparableDatasetConstraints,
  type Weights,
} from './index.js';

// ---------------------------------------------------------------- helpers

const EPS = Number.EPSILON;
const sizes = DEFAULT_SIZES;

const dot = (a: readonly number[], b: readonly number[]) => a.reduce((s, v, i) => s + v * b[i], 0);
const sumSq = (a: readonly number[]) => dot(a, a);
const sumAbs = (m: readonly (readonly number[])[]) => m.reduce((s, r) => s + r.reduce((t, v) => t + Math.abs(v), 0), 0);
const frobSq = (ws: Weights) => ws.reduce((s, w) => s + w.reduce((t, r) => t + sumSq(r), 0), 0);
const isDyadic = (v: number, bits: number) => Number.isInteger(v * 2 ** bits);
const transpose = (m: readonly (readonly number[])[]) => m[0].map((_, j) => m.map((r) => r[j]));
const mul = (a: readonly (readonly number[])[], b: readonly (readonly number[])[]) =>
  a.map((r) => b[0].map((_, j) => r.reduce((s, v, l) => s + v * b[l][j], 0)));

/** Exact rank of an integer matrix: fraction-free (Bareiss) elimination in BigInt. */
function exactRank(m: readonly (readonly number[])[]): number {
  const a = m.map((r) => r.map((v) => BigInt(v)));
  const rows = a.length;
  const cols = a[0].length;
  let rank = 0;
  let prev = 1n;
  for (let c = 0; c < cols && rank < rows; c++) {
    const p = a.findIndex((r, i) => i >= rank && r[c] !== 0n);
    if (p < 0) continue;
    [a[rank], a[p]] = [a[p], a[rank]];
    for (let i = rank + 1; i < rows; i++) {
      for (let j = c + 1; j < cols; j++) a[i][j] = (a[rank][c] * a[i][j] - a[i][c] * a[rank][j]) / prev;
      a[i][c] = 0n;
    }
    prev = a[rank][c];
    rank++;
  }
  return rank;
}

/** Largest |entry| of D_k = W_k W_kᵀ − W_{k+1}ᵀ W_{k+1} over k (docs/claims.md, Notation). */
function maxImbalance(ws: Weights): number {
  let worst = 0;
  for (let k = 0; k + 1 < ws.length; k++) {
    const a = mul(ws[k], transpose(ws[k]));
    const b = mul(transpose(ws[k + 1]), ws[k + 1]);
    a.forEach((r, i) => r.forEach((v, j) => (worst = Math.max(worst, Math.abs(v - b[i][j])))));
  }
  return worst;
}

/**
 * Rounding budget for D_k with rational frames: W = H W̃ H is formed with two
 * products of length ≤ d (≤ 2d roundings per entry, each relative EPS of a term
 * bounded by the row/column norms), and D_k with one more of length ≤ d; so
 * |D_k|_max ≲ 4d·EPS·(‖W_k‖_F² + ‖W_{k+1}‖_F²). The ratio below should be ≤ 1.
 */
function imbalanceRatio(ws: Weights): number {
  const d = Math.max(...ws.flatMap((w) => [w.length, w[0].length]));
  return maxImbalance(ws) / (4 * d * EPS * Math.max(frobSq(ws), EPS));
}

/** Every 2×2 minor of [rows] vanishes exactly: the rows are pairwise parallel. */
function rankAtMostOne(rows: readonly (readonly number[])[]): boolean {
  for (let i = 0; i < rows.length; i++)
    for (let k = i + 1; k < rows.length; k++)
      for (let j = 0; j < rows[i].length; j++)
        for (let l = j + 1; l < rows[i].length; l++) if (rows[i][j] * rows[k][l] - rows[i][l] * rows[k][j] !== 0) return false;
  return true;
}

/** Shapes of the layers follow dims and the weights convert to the kernel type. */
function weightsProblem(ws: Weights, dims: readonly number[]): string | undefined {
  if (ws.length !== dims.length - 1) return `depth ${ws.length} ≠ ${dims.length - 1}`;
  for (let k = 0; k < ws.length; k++) {
    if (ws[k].length !== dims[k + 1] || ws[k].some((r) => r.length !== dims[k])) return `W_${k + 1} is not ${dims[k + 1]}×${dims[k]}`;
    if (ws[k].some((r) => r.some((v) => !Number.isFinite(v) || Object.is(v, -0)))) return `W_${k + 1} has a non-finite or −0 entry`;
  }
  networkFromArrays(ws, linear);
  return undefined;
}

// ---------------------------------------------------------------- validity

function archProblem(c: Required<Pick<ArchitectureConstraints, 'minDepth' | 'maxDepth' | 'minWidth' | 'maxWidth'>>) {
  return (a: Architecture) => {
    const L = a.dims.length - 1;
    if (L < c.minDepth || L > c.maxDepth) return `depth ${L}`;
    if (!a.dims.every((d) => Number.isInteger(d) && d >= 1)) return 'dims must be positive integers';
    if (a.dims.slice(1, -1).some((w) => w < c.minWidth || w > c.maxWidth)) return 'hidden width out of range';
    return undefined;
  };
}

/** Float64 check of the planted margin: entries and u are correctly rounded rationals, the dot product adds ≤ (d+1)·EPS relative. */
const plantedTolerance = (d: number) => 4 * (d + 2) * EPS;

function separableProblem(c: Required<Pick<SeparableDatasetConstraints, 'minMargin' | 'maxSamples' | 'maxDim'>>) {
  return (s: SeparableDataset) => {
    const n = s.x.length;
    const d = s.direction.length;
    if (n < 1 || n > c.maxSamples || s.y.length !== n) return `n=${n}`;
    if (d < 1 || d > c.maxDim || s.x.some((r) => r.length !== d)) return 'shape';
    datasetFromArrays(s.x, s.y, 'classification');
    if (s.x.some((r) => sumSq(r) > 1)) return '‖x_i‖ > 1';
    if (Math.abs(Math.sqrt(sumSq(s.direction)) - 1) > plantedTolerance(d)) return 'direction not unit';
    if (!(s.margin > c.minMargin)) return `margin ${s.margin} ≤ minMargin`;
    const m = s.x.map((r, i) => s.y[i] * dot(s.direction, r));
    if (m.some((v) => v < c.minMargin)) return `a point has y⟨u*, x⟩ < minMargin (${Math.min(...m)})`;
    if (m.some((v) => v < s.margin - plantedTolerance(d))) return 'a point is inside the stated margin';
    if (!m.some((v) => Math.abs(v - s.margin) <= plantedTolerance(d))) return 'the stated margin is not attained';
    return undefined;
  };
}

function nonSeparableProblem(c: { maxSamples: number; kinds: readonly string[] }) {
  return (s: NonSeparableDataset) => {
    const n = s.x.length;
    if (n < 2 || n > c.maxSamples || s.y.length !== n || s.certificate.length !== n) return `n=${n}`;
    if (!c.kinds.includes(s.kind)) return `kind ${s.kind}`;
    datasetFromArrays(s.x, s.y, 'classification');
    if (s.x.some((r) => sumSq(r) > 1)) return '‖x_i‖ > 1';
    if (s.certificate.some((l) => !(l >= 0)) || !s.certificate.some((l) => l > 0)) return 'certificate must be ≥ 0 and non-zero';
    if (s.certificate.some((l, i) => l > 0 && s.x[i].every((v) => v === 0))) return 'a core point is 0';
    // Gordan: Σ λ_i y_i x_i = 0 exactly (dyadic entries, so float64 sums are exact)
    const combo = s.x[0].map((_, j) => s.x.reduce((acc, r, i) => acc + s.certificate[i] * s.y[i] * r[j], 0));
    if (combo.some((v) => v !== 0)) return `Σλ_i y_i x_i = ${JSON.stringify(combo)} ≠ 0`;
    return undefined;
  };
}

function regressionProblem(c: RegressionDatasetConstraints & { maxSamples: number; maxDim: number; maxOutputDim: number }) {
  return (s: RegressionData) => {
    const n = s.x.length;
    if (n < 1 || n > c.maxSamples || s.y.length !== n) return `n=${n}`;
    const d = s.x[0].length;
    const k = s.y[0].length;
    if (d > c.maxDim || k > c.maxOutputDim) return 'shape';
    datasetFromArrays(s.x, s.y, 'regression');
    if (c.integerValued) {
      if (!s.x.flat().every((v) => Number.isInteger(v) && Math.abs(v) <= (c.maxEntry ?? 3))) return 'x not small integers';
      if (!s.y.flat().every((v) => Number.isInteger(v) && Math.abs(v) <= (c.maxTarget ?? 3))) return 'y not small integers';
    } else {
      if (s.x.some((r) => sumSq(r) > 1)) return '‖x_i‖ > 1';
      if (s.y.flat().some((v) => Math.abs(v) > (c.maxTarget ?? 1))) return '|y| > maxTarget';
    }
    return undefined;
  };
}

function factorizationProblem(t: FactorizationTarget): string | undefined {
  const m = t.target.length;
  const n = t.target[0].length;
  if (t.left.length !== m || t.right.length !== n || t.left.some((r) => r.length !== t.rank) || t.right.some((r) => r.length !== t.rank))
    return 'factor shapes';
  if (t.rank < 1 || t.rank > Math.min(m, n)) return `rank ${t.rank}`;
  const product = mul(t.left, transpose(t.right));
  if (product.some((r, i) => r.some((v, j) => v !== t.target[i][j]))) return 'target ≠ left·rightᵀ';
  if (!t.target.flat().every(Number.isInteger)) return 'non-integer target';
  const r = exactRank(t.target);
  return r === t.rank ? undefined : `exact rank ${r} ≠ ${t.rank}`;
}

function gaussianProblem(dims: number[], sigma: number) {
  const bound = sigma * normalLevel(2 ** 16, 2 ** 16);
  return (ws: Weights) => weightsProblem(ws, dims) ?? (ws.flat(2).some((v) => Math.abs(v) > bound) ? 'entry beyond the truncation' : undefined);
}

function balancedProblem(dims: number[], frames: 'dyadic' | 'rational') {
  return (ws: Weights) => {
    const shape = weightsProblem(ws, dims);
    if (shape) return shape;
    if (frobSq(ws) === 0) return 'all-zero weights';
    if (frames === 'dyadic') return maxImbalance(ws) === 0 ? undefined : `max |D_k| = ${maxImbalance(ws)} ≠ 0`;
    return imbalanceRatio(ws) <= 1 ? undefined : `imbalance ratio ${imbalanceRatio(ws)} > 1`;
  };
}

function alignedProblem(dims: number[]) {
  return (ws: Weights) => {
    const shape = weightsProblem(ws, dims);
    if (shape) return shape;
    if (!ws.flat(2).every((v) => isDyadic(v, 8))) return 'entries not dyadic';
    for (let k = 0; k < ws.length; k++) {
      if (!rankAtMostOne(ws[k])) return `W_${k + 1} has rank > 1`;
      if (k === 0) continue;
      if (ws[k].flat().every((v) => v === 0)) return `W_${k + 1} = 0`;
      // rows of W_k ∥ columns of W_{k−1}: both are multiples of u_{k−1}
      const rows = ws[k].filter((r) => r.some((v) => v !== 0));
      const cols = transpose(ws[k - 1]).filter((c) => c.some((v) => v !== 0));
      if (!rankAtMostOne([...rows, ...cols])) return `W_${k + 1} is not aligned with W_${k}`;
    }
    if (dims[dims.length - 1] === 1 && ws[ws.length - 1].length !== 1) return 'u_L must be 1';
    return undefined;
  };
}

const stepProblem = (min: number, max: number, bits: number) => (eta: number) =>
  Number.isFinite(eta) && eta > 0 && eta >= min && eta <= max && isDyadic(eta, bits) ? undefined : `η=${eta}`;

const scheduleProblem = (s: GeneratedSchedule) => {
  const step = stepProblem(2 ** -10, 1, 16);
  if (s.kind === 'constant') return step(s.eta);
  return step(s.eta0) ?? (s.delta > 0 && s.delta <= 0.5 && isDyadic(s.delta, 8) ? undefined : `δ=${s.delta}`);
};

const doubleProblem = (min: number, max: number, bits: number) => (v: number) =>
  Number.isFinite(v) && v >= min && v <= max && !Object.is(v, -0) && isDyadic(v, bits) ? undefined : `v=${v}`;

// ---------------------------------------------------------------- the table

interface Case<T> {
  name: string;
  arb: fc.Arbitrary<T>;
  /** why the value breaks the promise, or undefined */
  problem(v: T): string | undefined;
  /** size, compared lexicographically: a shrink must not be larger */
  size(v: T): number[];
}
const entry = <T>(c: Case<T>) => c as unknown as Case<unknown>;

const defaults = { minDepth: 1, maxDepth: sizes.maxDepth, minWidth: 1, maxWidth: sizes.maxWidth };
const archSize = (a: Architecture) => [a.dims.length, a.dims.reduce((s, d) => s + d, 0)];
const sepDefaults = { minMargin: 1 / 16, maxSamples: sizes.maxSamples, maxDim: sizes.maxWidth };
const sepSize = (s: SeparableDataset) => [s.x.length, s.direction.length, s.x.reduce((t, r) => t + sumSq(r), 0)];
const nonSepSize = (s: NonSeparableDataset) => [s.x.length, s.x[0].length, sumAbs(s.x)];
const regSize = (s: RegressionData) => [s.x.length, s.x[0].length, s.y[0].length, sumAbs(s.x) + sumAbs(s.y)];
const initSize = (ws: Weights) => [frobSq(ws)];
const deep: Architecture = { dims: [3, 4, 2, 4, 1] };
const wide: Architecture = { dims: [4, 5, 4, 6] };
const rationalArch: Architecture = { dims: [3, 3, 2, 1] };
const allKinds = ['antipodal', 'triangle', 'xor'] as const;
const xorOnly: NonSeparableDatasetConstraints = { kinds: ['xor'], minDim: 2, maxDim: 3, maxSamples: 6 };
const realReg = { maxSamples: sizes.maxSamples, maxDim: sizes.maxWidth, maxOutputDim: sizes.maxWidth };

const cases: Case<unknown>[] = [
  entry({ name: 'architecture()', arb: architecture(), problem: archProblem(defaults), size: archSize }),
  entry({
    name: 'architecture(depth 2–3, output 2–3)',
    arb: architecture({ minDepth: 2, maxDepth: 3, minWidth: 2, maxWidth: 3, minOutputDim: 2, maxOutputDim: 3 }),
    problem: archProblem({ minDepth: 2, maxDepth: 3, minWidth: 2, maxWidth: 3 }),
    size: archSize,
  }),
  entry({ name: 'separableDataset()', arb: separableDataset(), problem: separableProblem(sepDefaults), size: sepSize }),
  entry({
    name: 'separableDataset(minMargin 0.3, gridBits 6)',
    arb: separableDataset({ minMargin: 0.3, gridBits: 6, maxDim: 3 }),
    problem: separableProblem({ minMargin: 0.3, maxSamples: sizes.maxSamples, maxDim: 3 }),
    size: sepSize,
  }),
  entry({
    name: 'separableDataset(minMargin 0.9)',
    arb: separableDataset({ minMargin: 0.9, maxDim: 2 }),
    problem: separableProblem({ minMargin: 0.9, maxSamples: sizes.maxSamples, maxDim: 2 }),
    size: sepSize,
  }),
  entry({
    name: 'nonSeparableDataset()',
    arb: nonSeparableDataset(),
    problem: nonSeparableProblem({ maxSamples: Math.max(sizes.maxSamples, 4), kinds: allKinds }),
    size: nonSepSize,
  }),
  entry({
    name: "nonSeparableDataset(kinds ['xor'])",
    arb: nonSeparableDataset(xorOnly),
    problem: nonSeparableProblem({ maxSamples: 6, kinds: ['xor'] }),
    size: nonSepSize,
  }),
  entry({ name: 'regressionDataset()', arb: regressionDataset(), problem: regressionProblem(realReg), size: regSize }),
  entry({
    name: 'regressionDataset(integerValued)',
    arb: regressionDataset({ integerValued: true }),
    problem: regressionProblem({ ...realReg, integerValued: true }),
    size: regSize,
  }),
  entry({
    name: 'factorizationTarget()',
    arb: factorizationTarget(),
    problem: factorizationProblem,
    size: (t: FactorizationTarget) => [t.target.length, t.target[0].length, t.rank, sumAbs(t.left) + sumAbs(t.right)],
  }),
  entry({ name: 'gaussianInit(deep, σ=0.1)', arb: gaussianInit(deep, { scale: 0.1 }), problem: gaussianProblem(deep.dims, 0.1), size: initSize }),
  entry({ name: 'balancedInit(deep)', arb: balancedInit(deep), problem: balancedProblem(deep.dims, 'dyadic'), size: initSize }),
  entry({ name: 'balancedInit(wide ≥ 4)', arb: balancedInit(wide), problem: balancedProblem(wide.dims, 'dyadic'), size: initSize }),
  entry({
    name: 'balancedInit(rational frames)',
    arb: balancedInit(rationalArch, { frames: 'rational' }),
    problem: balancedProblem(rationalArch.dims, 'rational'),
    size: initSize,
  }),
  entry({ name: 'alignedRankOneInit(deep)', arb: alignedRankOneInit(deep), problem: alignedProblem(deep.dims), size: initSize }),
  entry({ name: 'alignedRankOneInit(wide)', arb: alignedRankOneInit(wide), problem: alignedProblem(wide.dims), size: initSize }),
  entry({ name: 'stepSize()', arb: stepSize(), problem: stepProblem(2 ** -10, 1, 16), size: (e: number) => [e] }),
  entry({ name: 'stepSize([0.01, 0.5])', arb: stepSize({ min: 0.01, max: 0.5 }), problem: stepProblem(0.01, 0.5, 16), size: (e: number) => [e] }),
  entry({
    name: 'schedule()',
    arb: schedule(),
    problem: scheduleProblem,
    size: (s: GeneratedSchedule) => (s.kind === 'constant' ? [0, s.eta, 0] : [1, s.eta0, s.delta]),
  }),
  entry({ name: 'boundedDouble()', arb: boundedDouble(), problem: doubleProblem(-1, 1, 16), size: (v: number) => [Math.abs(v)] }),
  entry({
    name: 'boundedDouble([0.25, 0.3])',
    arb: boundedDouble({ min: 0.25, max: 0.3 }),
    problem: doubleProblem(0.25, 0.3, 16),
    size: (v: number) => [Math.abs(v)],
  }),
  entry({
    name: 'boundedDouble([−3, −2])',
    arb: boundedDouble({ min: -3, max: -2, gridBits: 4 }),
    problem: doubleProblem(-3, -2, 4),
    size: (v: number) => [Math.abs(v)],
  }),
  entry({
    name: 'boundedDouble([−1e6, 1e6])',
    arb: boundedDouble({ min: -1e6, max: 1e6 }),
    problem: doubleProblem(-1e6, 1e6, 11),
    size: (v: number) => [Math.abs(v)],
  }),
  // composed with .chain: shrinking may regenerate the init for a smaller architecture
  entry({
    name: 'architecture().chain(balancedInit)',
    arb: architecture().chain((a) => balancedInit(a).map((weights) => ({ dims: a.dims, weights }))),
    problem: (v: { dims: number[]; weights: Weights }) => balancedProblem(v.dims, 'dyadic')(v.weights),
    size: (v: { dims: number[]; weights: Weights }) => [v.dims.length, v.dims.reduce((s, d) => s + d, 0)],
  }),
];

/** a ≤ b lexicographically, entries equal within a relative 1e-12 */
function lexNotLarger(a: number[], b: number[]): boolean {
  for (let i = 0; i < a.length; i++) {
    const tol = 1e-12 * Math.max(1, Math.abs(b[i]));
    if (a[i] < b[i] - tol) return true;
    if (a[i] > b[i] + tol) return false;
  }
  return true;
}

/**
 * Walks the shrink tree: breadth-first (the first `width` shrinks of each node,
 * expanding the first two, three levels deep), then `walks` deep walks that
 * each follow a pseudo-randomly chosen one of the first 8 shrinks at every
 * step until no shrink is left — the paths fast-check's runner takes.
 */
function* shrinkPairs<T>(arb: fc.Arbitrary<T>, root: fc.Value<T>, width: number, walks: number): Generator<[T, T]> {
  let frontier = [root];
  for (let level = 0; level < 3; level++) {
    const next: fc.Value<T>[] = [];
    for (const node of frontier) {
      let i = 0;
      for (const child of arb.shrink(node.value_, node.context).take(width)) {
        yield [node.value, child.value];
        if (i++ < 2) next.push(child);
      }
    }
    frontier = next;
  }
  let state = 12345;
  for (let w = 0; w < walks; w++) {
    let node = root;
    for (let step = 0; step < 400; step++) {
      const children = [...arb.shrink(node.value_, node.context).take(8)];
      if (children.length === 0) break;
      state = (state * 1103515245 + 12345) % 2 ** 31;
      const child = children[w === 0 ? 0 : state % children.length];
      yield [node.value, child.value];
      node = child;
    }
  }
}

// ---------------------------------------------------------------- the contract

describe('arbitraries contract', () => {
  describe.each(cases.map((c) => [c.name, c] as const))('%s', (_, c) => {
    it('same seed ⇒ same values', () => {
      for (const seed of [1, 42]) expect(fc.sample(c.arb, { seed, numRuns: 20 })).toEqual(fc.sample(c.arb, { seed, numRuns: 20 }));
    });

    it('every generated value keeps the promise and is JSON-able', () => {
      for (const v of fc.sample(c.arb, { seed: 7, numRuns: 60 })) {
        expect(c.problem(v), JSON.stringify(v)).toBeUndefined();
        expect(JSON.parse(JSON.stringify(v))).toEqual(v);
      }
    });

    it('every shrink keeps the promise and is not larger', () => {
      let checked = 0;
      for (const seed of [3, 11, 29, 101]) {
        const root = c.arb.generate(new fc.Random(xoroshiro128plus(seed)), seed % 2 === 0 ? undefined : 2);
        for (const [parent, child] of shrinkPairs(c.arb, root, 12, 4)) {
          expect(c.problem(child), `shrink of ${JSON.stringify(parent)}: ${JSON.stringify(child)}`).toBeUndefined();
          expect(lexNotLarger(c.size(child), c.size(parent)), `size ${c.size(child)} > ${c.size(parent)}`).toBe(true);
          checked++;
        }
      }
      expect(checked).toBeGreaterThan(0);
    });
  });
});

// ---------------------------------------------------------------- quality: what an always-failing property shrinks to

describe('arbitraries shrink to readable minimal cases', () => {
  const minimal = (arb: fc.Arbitrary<unknown>): unknown => {
    const out = fc.check(
      fc.property(arb, () => false),
      { seed: 5, numRuns: 1 },
    );
    if (!out.failed || out.counterexample === null) throw new Error('property was expected to fail');
    return out.counterexample[0];
  };

  it.each([
    ['architecture()', architecture(), { dims: [1, 1] }],
    ['separableDataset()', separableDataset(), { x: [[0.125]], y: [1], direction: [1], margin: 0.125 }],
    ['nonSeparableDataset()', nonSeparableDataset(), { x: [[0.0625], [-0.0625]], y: [1, 1], kind: 'antipodal', certificate: [1, 1] }],
    ['regressionDataset()', regressionDataset(), { x: [[0]], y: [[0]] }],
    ['factorizationTarget()', factorizationTarget(), { target: [[1]], rank: 1, left: [[1]], right: [[1]] }],
    [
      'gaussianInit([2,2,1])',
      gaussianInit({ dims: [2, 2, 1] }, { scale: 1 }),
      [
        [
          [0, 0],
          [0, 0],
        ],
        [[0, 0]],
      ],
    ],
    [
      'balancedInit([2,2,1])',
      balancedInit({ dims: [2, 2, 1] }),
      [
        [
          [0.25, 0],
          [0, 0],
        ],
        [[0.25, 0]],
      ],
    ],
    [
      'alignedRankOneInit([2,2,1])',
      alignedRankOneInit({ dims: [2, 2, 1] }),
      [
        [
          [0, 0],
          [0, 0],
        ],
        [[0.25, 0]],
      ],
    ],
    ['stepSize()', stepSize(), 2 ** -10],
    ['schedule()', schedule(), { kind: 'constant', eta: 2 ** -10 }],
    ['boundedDouble()', boundedDouble(), 0],
    ['boundedDouble([0.25, 0.3])', boundedDouble({ min: 0.25, max: 0.3 }), 0.25],
  ] as [string, fc.Arbitrary<unknown>, unknown][])('%s', (_, arb, expected) => {
    expect(minimal(arb)).toEqual(expected);
  });

  it('a separable dataset needing two points with opposite labels shrinks to two axis points', () => {
    const out = fc.check(
      fc.property(separableDataset({ maxDim: 3 }), (s) => new Set(s.y).size < 2),
      { seed: 5 },
    );
    expect(out.counterexample?.[0]).toEqual({ x: [[0.125], [-0.125]], y: [1, -1], direction: [1], margin: 0.125 });
  });
});

// ---------------------------------------------------------------- reach and distribution

describe('arbitraries reach', () => {
  const count = <T>(values: T[], key: (v: T) => number) => {
    const m = new Map<number, number>();
    for (const v of values) m.set(key(v), (m.get(key(v)) ?? 0) + 1);
    return [...m.entries()].sort((a, b) => a[0] - b[0]);
  };
  const line = (label: string, hist: [number, number][]) => `${label}: ${hist.map(([k, v]) => `${k}×${v}`).join(' ')}`;
  const range = (lo: number, hi: number) => Array.from({ length: hi - lo + 1 }, (_, i) => lo + i);

  it('architectures cover every depth and width of the default sizes', () => {
    const archs = fc.sample(architecture(), { seed: 13, numRuns: 300 });
    const depths = count(archs, (a) => a.dims.length - 1);
    const widths = count(
      archs.flatMap((a) => a.dims.slice(0, -1)),
      (w) => w,
    );
    console.log(line('depth', depths), '|', line('width', widths));
    expect(depths.map(([k]) => k)).toEqual(range(1, sizes.maxDepth));
    expect(widths.map(([k]) => k)).toEqual(range(1, sizes.maxWidth));
  });

  it('separable datasets cover every n and d, margins from the floor up past 1/2', () => {
    const data = fc.sample(separableDataset(), { seed: 17, numRuns: 300 });
    const ns = count(data, (s) => s.x.length);
    const ds = count(data, (s) => s.direction.length);
    const margins = count(data, (s) => Math.floor(s.margin * 8) / 8);
    const oblique = data.filter((s) => s.direction.filter((v) => v !== 0).length > 1).length;
    console.log(line('n', ns), '|', line('d', ds), '|', line('margin (1/8 bins)', margins), `| oblique u*: ${oblique}/300`);
    expect(ns.map(([k]) => k)).toEqual(range(1, sizes.maxSamples));
    expect(ds.map(([k]) => k)).toEqual(range(1, sizes.maxWidth));
    expect(Math.min(...data.map((s) => s.margin))).toBe(0.125);
    expect(Math.max(...data.map((s) => s.margin))).toBeGreaterThan(0.5);
    expect(oblique).toBeGreaterThan(100);
  });

  it('non-separable datasets use every kind', () => {
    const data = fc.sample(nonSeparableDataset(), { seed: 19, numRuns: 200 });
    const kinds = new Map<string, number>();
    for (const s of data) kinds.set(s.kind, (kinds.get(s.kind) ?? 0) + 1);
    console.log(
      `kinds: ${[...kinds].map(([k, v]) => `${k}×${v}`).join(' ')} | ${line(
        'n',
        count(data, (s) => s.x.length),
      )}`,
    );
    expect([...kinds.keys()].sort()).toEqual(['antipodal', 'triangle', 'xor']);
  });

  it('factorization targets reach every rank', () => {
    // r = min(drawn, m, n) with the three uniform on 1..W, so r = W has probability W⁻³, the rarest; N samples miss it
    // with probability (1 − W⁻³)^N ≤ e^{−N/W³} ≤ 1e-6 for N = W³·ln 1e6 (885 at W = 4; 200 sufficed only there)
    const W = sizes.maxWidth;
    const ranks = count(fc.sample(factorizationTarget(), { seed: 23, numRuns: Math.ceil(W ** 3 * Math.log(1e6)) }), (t) => t.rank);
    console.log(line('rank', ranks));
    expect(ranks.map(([k]) => k)).toEqual(range(1, sizes.maxWidth));
  });

  it('gaussianInit entries have mean 0 and variance σ² (discretised N(0, σ²))', () => {
    const sigma = 0.5;
    const values = fc.sample(gaussianInit({ dims: [8, 8] }, { scale: sigma }), { seed: 31, numRuns: 60 }).flat(3);
    const n = values.length;
    const mean = values.reduce((s, v) => s + v, 0) / n;
    const variance = values.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1);
    const within1 = values.filter((v) => Math.abs(v) <= sigma).length / n;
    console.log(`gaussian: n=${n} mean=${mean.toFixed(4)} var/σ²=${(variance / sigma ** 2).toFixed(3)} P(|z|≤1)=${within1.toFixed(3)}`);
    // 5-sigma acceptance bands for n = 3840 draws: sd(mean) = σ/√n, sd(s²/σ²) ≈ √(2/n), sd(P) = √(p(1−p)/n)
    expect(Math.abs(mean)).toBeLessThan((5 * sigma) / Math.sqrt(n));
    expect(Math.abs(variance / sigma ** 2 - 1)).toBeLessThan(5 * Math.sqrt(2 / n));
    expect(Math.abs(within1 - 0.6827)).toBeLessThan(5 * Math.sqrt((0.6827 * 0.3173) / n));
  });
});

// ---------------------------------------------------------------- eager errors and public surface

describe('arbitraries constraints', () => {
  it.each([
    [() => separableDataset({ minMargin: 2 }), RangeError, 'separableDataset constraints.minMargin=2 must be in (0, 1)'],
    [() => separableDataset({ minMargn: 0.1 } as never), TypeError, 'separableDataset constraints.minMargn=0.1 is not a known constraint'],
    [() => separableDataset({ minMargin: 0.99 }), RangeError, 'separableDataset constraints.minMargin=0.99 leaves no multiple of 2^-4'],
    [() => architecture({ minDepth: 3, maxDepth: 2 }), RangeError, 'architecture constraints.minDepth=3 must be ≤ constraints.maxDepth=2'],
    [() => architecture({ maxWidth: 2.5 }), TypeError, 'architecture constraints.maxWidth=2.5 must be an integer'],
    [() => nonSeparableDataset({ kinds: ['xor'], minDim: 1 }), RangeError, "nonSeparableDataset constraints.minDim=1 must be ≥ 2 when kinds is ['xor']"],
    [() => nonSeparableDataset({ kinds: ['loop' as never] }), TypeError, 'nonSeparableDataset constraints.kinds[0]="loop" must be one of'],
    [() => regressionDataset({ maxEntry: 2 }), RangeError, 'regressionDataset constraints.maxEntry=2 applies only with integerValued=true'],
    [() => factorizationTarget({ maxRank: 9 }), RangeError, 'factorizationTarget constraints.maxRank=9 exceeds min(maxRows, maxCols)'],
    [() => gaussianInit({ dims: [2, 0] }, { scale: 1 }), RangeError, 'gaussianInit arch.dims[1]=0 must be in'],
    [() => gaussianInit({ dims: [2, 1] }, { scale: 0 }), RangeError, 'gaussianInit constraints.scale=0 must be > 0'],
    [() => balancedInit({ dims: [2, 1] }, { frames: 'orthogonal' as never }), TypeError, 'balancedInit constraints.frames="orthogonal" must be one of'],
    [() => alignedRankOneInit({ dims: [2, 1] }, { minScale: 0 }), RangeError, 'alignedRankOneInit constraints.minScale=0 must be > 0'],
    [() => stepSize({ min: 0 }), RangeError, 'stepSize constraints.min=0 must be > 0'],
    [() => schedule({ maxDelta: 0.75 }), RangeError, 'schedule constraints.maxDelta=0.75 must be in (0, 1/2]'],
    [() => schedule({ eta: { max: NaN } }), RangeError, 'schedule constraints.eta.max=NaN must be finite'],
    [() => boundedDouble({ min: 1, max: 0 }), RangeError, 'boundedDouble constraints.min=1 must be ≤ constraints.max=0'],
    [() => boundedDouble({ min: 0.3, max: 0.300001 }), RangeError, 'contain no multiple of 2^-16'],
  ] as [() => unknown, ErrorConstructor, string][])('%#: %s', (build, Kind, message) => {
    expect(build).toThrow(Kind);
    expect(build).toThrow(message);
  });

  it('the public surface is exactly the eleven arbitraries', () => {
    expect(Object.keys(publicSurface).sort()).toEqual([
      'alignedRankOneInit',
      'architecture',
      'balancedInit',
      'boundedDouble',
      'factorizationTarget',
      'gaussianInit',
      'nonSeparableDataset',
      'regressionDataset',
      'schedule',
      'separableDataset',
      'stepSize',
    ]);
  });
});
