import fc from 'fast-check';
import { Matrix, QrDecomposition, SingularValueDecomposition, solve } from 'ml-matrix';
import { describe, expect, test } from 'vitest';
import { lemma4Alpha } from './lemma4Alpha.js';
import { maxMarginDirection, type MaxMargin } from './maxMargin.js';

const EPS = Number.EPSILON;

// ---------------------------------------------------------------------------------------------------------
// Test ratios: an error divided by its rounding unit, accepted below RATIO_MAX. LAPACK's test
// programs accept ratios below 30; the units here are first-order bounds, so the same order of magnitude.
const RATIO_MAX = 32;

/**
 * Rounding unit of a margin ⟨ū, z_i⟩ compared with γ̄: the dot product errs by d·ε·‖z_i‖ ≤ d·ε·R, and the solver's
 * answer is exact for data moved by a few ε·R per entry; relative to γ̄ that is (d + 1)·ε·R/γ̄.
 */
function marginUnit(d: number, R: number, gamma: number): number {
  return ((d + 1) * EPS * R) / gamma;
}

/**
 * Rounding unit for checking w = ū/γ̄ against an independent computation from support vectors S (k × d,
 * κ = κ(S)): w is known to relative accuracy about (d + 1)·ε·κ (the solver's answer is exact for data moved by
 * (d + 1)·ε relative, and w depends on S with condition number κ), and a backward-stable QR solve adds
 * (d + 1)·ε·κ more to a residual or a coefficient.
 */
function solutionUnit(d: number, kappa: number): number {
  return 2 * (d + 1) * EPS * kappa;
}

// ---------------------------------------------------------------------------------------------------------
// Helpers: data, and independent reference computations.

function rows(r: number[][]): { z: Float64Array; n: number; d: number } {
  return { z: Float64Array.from(r.flat()), n: r.length, d: r[0].length };
}

function rowOf(z: Float64Array, i: number, d: number): number[] {
  return Array.from(z.subarray(i * d, i * d + d));
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let j = 0; j < a.length; j++) s += a[j] * b[j];
  return s;
}

function maxRowNorm(z: Float64Array, n: number, d: number): number {
  let R = 0;
  for (let i = 0; i < n; i++) R = Math.max(R, Math.hypot(...rowOf(z, i, d)));
  return R;
}

function singularValues(rowsOfS: number[][]): number[] {
  return new SingularValueDecomposition(new Matrix(rowsOfS), {
    computeLeftSingularVectors: false,
    computeRightSingularVectors: false,
    autoTranspose: true,
  }).diagonal;
}

function subsets(k: number, maxSize: number): number[][] {
  const out: number[][] = [];
  const grow = (start: number, cur: number[]): void => {
    if (cur.length > 0) out.push([...cur]);
    if (cur.length === maxSize) return;
    for (let i = start; i < k; i++) grow(i + 1, [...cur, i]);
  };
  grow(0, []);
  return out;
}

/**
 * KKT certificate of the hard-margin SVM for w = ū/γ̄: w ∈ cone(support vectors), found (Carathéodory) as
 * w = Σ_{i∈T} α_i z_i, α ≥ 0, over a linearly independent subset T of the support vectors. Together with primal
 * feasibility ⟨w, z_i⟩ ≥ 1 and ⟨w, z_i⟩ = 1 on T this proves optimality: for any feasible v,
 * ⟨v, w⟩ = Σ α_i⟨v, z_i⟩ ≥ Σ α_i = ⟨w, w⟩, so ‖v‖ ≥ ‖w‖.
 * Every T is tried; the one with the least violation (relative residual ‖Sᵀα − w‖/‖w‖ or relative negativity
 * −min α/max|α|) is kept and its violations are returned as ratios to `solutionUnit`. Subsets that do not
 * certify w (w outside their span, or inside it with some α < 0) violate by amounts fixed by the integer data,
 * far above rounding, so they are never the least.
 */
function coneCertificate(z: Float64Array, d: number, mm: MaxMargin): { residualRatio: number; negativityRatio: number; T: number[] } {
  const w = mm.direction.map((u) => u / mm.margin);
  const wNorm = Math.hypot(...w);
  let best = { violation: Infinity, residualRatio: Infinity, negativityRatio: Infinity, T: [] as number[] };
  for (const sub of subsets(mm.supportVectors.length, d)) {
    const T = sub.map((s) => mm.supportVectors[s]);
    const S = T.map((i) => rowOf(z, i, d));
    const sigma = singularValues(S);
    const kappa = Math.max(...sigma) / Math.min(...sigma);
    if (!(kappa < 1 / Math.sqrt(EPS))) continue; // (numerically) dependent: a smaller subset covers it
    // least squares Sᵀα ≈ w (d × |T|, full column rank)
    const alpha = new QrDecomposition(new Matrix(S).transpose()).solve(Matrix.columnVector(Array.from(w))).getColumn(0);
    const fit = new Float64Array(d);
    T.forEach((_, t) => S[t].forEach((v, j) => (fit[j] += alpha[t] * v)));
    const residual = Math.hypot(...fit.map((v, j) => v - w[j])) / wNorm;
    const negativity = Math.max(0, -Math.min(...alpha)) / Math.max(...alpha.map(Math.abs));
    const violation = Math.max(residual, negativity);
    if (violation < best.violation) {
      const unit = solutionUnit(d, kappa);
      best = { violation, residualRatio: residual / unit, negativityRatio: negativity / unit, T };
    }
  }
  return best;
}

/**
 * Reference ū, γ̄ by brute force, independent of quadprog: γ̄ = min over p ∈ conv{z_i} of ‖p‖ (0 ∉ conv), attained
 * at the p with ⟨p, z_i⟩ ≥ ‖p‖² for all i. p lies on a face spanned by ≤ d linearly independent points (the face
 * is orthogonal to p ≠ 0, so its affine hull misses 0), so take the minimum-norm point of the affine hull of
 * every such subset (Lagrange system [G 1; 1ᵀ 0][λ; μ] = [0; 1]) and keep the candidate that violates least
 * "p ∈ conv" (−min λ) and "⟨p, z_i⟩ ≥ ‖p‖²" (−min_i ⟨p, z_i⟩/‖p‖² + 1): the true p violates only by rounding,
 * the others by amounts fixed by the integer data. Returns κ of the face's rows too, for the tolerance.
 */
function bruteForce(z: Float64Array, n: number, d: number): { u: number[]; gamma: number; kappa: number } {
  let best = { u: [] as number[], gamma: NaN, kappa: NaN, violation: Infinity };
  for (const T of subsets(n, d)) {
    const S = T.map((i) => rowOf(z, i, d));
    const k = T.length;
    const sigma = singularValues(S);
    const kappa = Math.max(...sigma) / Math.min(...sigma);
    if (!(kappa < 1 / Math.sqrt(EPS))) continue; // (numerically) linearly dependent
    const K = Matrix.zeros(k + 1, k + 1);
    for (let a = 0; a < k; a++) {
      for (let b = 0; b < k; b++) K.set(a, b, dot(S[a], S[b]));
      K.set(a, k, 1);
      K.set(k, a, 1);
    }
    const lam = solve(K, Matrix.columnVector([...new Array<number>(k).fill(0), 1]))
      .getColumn(0)
      .slice(0, k);
    const p = new Array<number>(d).fill(0);
    T.forEach((_, t) => S[t].forEach((v, j) => (p[j] += lam[t] * v)));
    const pp = dot(p, p);
    let slack = Infinity;
    for (let i = 0; i < n; i++) slack = Math.min(slack, dot(p, rowOf(z, i, d)) / pp - 1);
    const violation = Math.max(0, -Math.min(...lam), -slack);
    if (violation < best.violation) best = { u: p.map((v) => v / Math.sqrt(pp)), gamma: Math.sqrt(pp), kappa, violation };
  }
  return best;
}

// ---------------------------------------------------------------------------------------------------------
// Generators: integer data, so shrinking gives readable cases that stay separable.

/** Separable by construction: rows z_i with ⟨u*, z_i⟩ ≥ 1 for an integer teacher u* ≠ 0. */
const separableData = fc
  .record({
    d: fc.integer({ min: 1, max: 4 }),
    n: fc.integer({ min: 1, max: 8 }),
  })
  .chain(({ d, n }) =>
    fc.record({
      d: fc.constant(d),
      teacher: fc.array(fc.integer({ min: -3, max: 3 }), { minLength: d, maxLength: d }).filter((u) => u.some((v) => v !== 0)),
      points: fc.array(fc.array(fc.integer({ min: -4, max: 4 }), { minLength: d, maxLength: d }), { minLength: n, maxLength: n }),
    }),
  )
  .map(({ d, teacher, points }) => {
    const r = points.map((x) => {
      const s = dot(x, teacher);
      // ⟨u*, x⟩ = 0: use x + u* instead, with ⟨u*, x + u*⟩ = ‖u*‖² > 0
      return s === 0 ? x.map((v, j) => v + teacher[j]) : x.map((v) => Math.sign(s) * v);
    });
    return { ...rows(r), d, teacher };
  });

/** Not separable by Gordan's theorem: the last row is −Σ c_i z_i with c_i ≥ 1, so 0 is in the cone of the rows. */
const nonSeparableData = fc
  .integer({ min: 1, max: 4 })
  .chain((d) =>
    fc.array(
      fc.record({
        x: fc.array(fc.integer({ min: -4, max: 4 }), { minLength: d, maxLength: d }),
        c: fc.integer({ min: 1, max: 3 }),
      }),
      { minLength: 1, maxLength: 6 },
    ),
  )
  .map((terms) => {
    const d = terms[0].x.length;
    const last = new Array<number>(d).fill(0);
    for (const { x, c } of terms) x.forEach((v, j) => (last[j] -= c * v));
    return rows([...terms.map((t) => t.x), last]);
  });

// ---------------------------------------------------------------------------------------------------------

function expectClose(actual: ArrayLike<number>, expected: number[], unit: number): void {
  expect(actual.length).toBe(expected.length);
  const err = Math.max(...expected.map((e, j) => Math.abs(actual[j] - e)));
  expect(err / unit).toBeLessThanOrEqual(RATIO_MAX);
}

describe('maxMarginDirection: ū and γ̄ of docs/claims.md, Notation on hand-made data', () => {
  test('z = {(1,0), (0,1)}: ū = (1,1)/√2, γ̄ = 1/√2, both support vectors', () => {
    const { z, n, d } = rows([
      [1, 0],
      [0, 1],
    ]);
    const mm = maxMarginDirection(z, n, d)!;
    expectClose(mm.direction, [Math.SQRT1_2, Math.SQRT1_2], EPS);
    expectClose([mm.margin], [Math.SQRT1_2], EPS);
    expect(mm.supportVectors).toEqual([0, 1]);
    expect(mm.supportSpans).toBe(true);
  });

  test('1-D: z = {2, 3, 5} gives ū = 1, γ̄ = 2; z = {−1, −4} gives ū = −1, γ̄ = 1', () => {
    const a = maxMarginDirection(Float64Array.of(2, 3, 5), 3, 1)!;
    expect(Array.from(a.direction)).toEqual([1]);
    expectClose([a.margin], [2], 2 * EPS);
    expect(a.supportVectors).toEqual([0]);
    expect(a.supportSpans).toBe(true);
    const b = maxMarginDirection(Float64Array.of(-1, -4), 2, 1)!;
    expect(Array.from(b.direction)).toEqual([-1]);
    expectClose([b.margin], [1], EPS);
    expect(b.supportVectors).toEqual([0]);
  });

  test('a point off the margin is not a support vector: z = {(1,0), (0,1), (2,2)}', () => {
    const { z, n, d } = rows([
      [1, 0],
      [0, 1],
      [2, 2],
    ]);
    const mm = maxMarginDirection(z, n, d)!;
    expectClose(mm.direction, [Math.SQRT1_2, Math.SQRT1_2], EPS);
    expectClose([mm.margin], [Math.SQRT1_2], EPS);
    expect(mm.supportVectors).toEqual([0, 1]);
  });

  test('3-D: z = {e1, e2, e3, (2,2,2)} gives ū = (1,1,1)/√3, γ̄ = 1/√3, support vectors e1, e2, e3', () => {
    const { z, n, d } = rows([
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
      [2, 2, 2],
    ]);
    const mm = maxMarginDirection(z, n, d)!;
    const s = 1 / Math.sqrt(3);
    expectClose(mm.direction, [s, s, s], EPS);
    expectClose([mm.margin], [s], EPS);
    expect(mm.supportVectors).toEqual([0, 1, 2]);
    expect(mm.supportSpans).toBe(true);
  });

  test('points on the margin with zero multiplier are support vectors: z = {(1,0), (1,1), (1,−1)}', () => {
    // ū = e1 needs only the multiplier of (1,0); (1,±1) also lie on the margin ⟨ū, z⟩ = 1
    const { z, n, d } = rows([
      [1, 0],
      [1, 1],
      [1, -1],
    ]);
    const mm = maxMarginDirection(z, n, d)!;
    expectClose(mm.direction, [1, 0], EPS);
    expectClose([mm.margin], [1], EPS);
    expect(mm.supportVectors).toEqual([0, 1, 2]);
    expect(mm.supportSpans).toBe(true);
  });

  test('duplicate rows share their status: z = {(1,0), (0,1), (1,0)}', () => {
    const { z, n, d } = rows([
      [1, 0],
      [0, 1],
      [1, 0],
    ]);
    const mm = maxMarginDirection(z, n, d)!;
    expectClose(mm.direction, [Math.SQRT1_2, Math.SQRT1_2], EPS);
    expect(mm.supportVectors).toEqual([0, 1, 2]);
  });

  test('property: scaling z by 2^k changes nothing but γ̄, which is scaled by exactly 2^k (|k| ≤ 960)', () => {
    // The solver works on z scaled so that its largest entry is in [1, 2); multiplying by a power of two is exact
    // while no entry leaves the normal range (integer entries ≤ 8 times 2^k, |k| ≤ 960, stay far inside), so the
    // scaled runs are the same computation bit for bit.
    fc.assert(
      fc.property(separableData, fc.integer({ min: -960, max: 960 }), ({ z, n, d }, k) => {
        const ref = maxMarginDirection(z, n, d);
        const scaled = maxMarginDirection(
          z.map((v) => v * 2 ** k),
          n,
          d,
        );
        expect(ref).not.toBeNull();
        expect(scaled!.direction).toEqual(ref!.direction);
        expect(scaled!.margin).toBe(ref!.margin * 2 ** k);
        expect(scaled!.supportVectors).toEqual(ref!.supportVectors);
        expect(scaled!.supportSpans).toBe(ref!.supportSpans);
      }),
      { seed: 20261126, numRuns: 100 },
    );
  });

  test('entries near the overflow and underflow thresholds: z = c·{(3,1), (1,3)} for c = 1e307 and 1e-300', () => {
    // ‖z_i‖² overflows (1e615) or underflows (1e-600) in double precision unless the data are scaled first;
    // ū = (1,1)/√2 and γ̄ = 4c/√2 either way.
    for (const c of [1e307, 1e-300]) {
      const mm = maxMarginDirection(Float64Array.of(3 * c, c, c, 3 * c), 2, 2);
      expect(mm).not.toBeNull();
      expectClose(mm!.direction, [Math.SQRT1_2, Math.SQRT1_2], 2 * EPS);
      expectClose([mm!.margin / c], [2 * Math.SQRT2], 8 * EPS);
      expect(mm!.supportVectors).toEqual([0, 1]);
    }
  });

  test('a row below 2^-537 of the largest entry counts as zero (γ̄/R beyond what double precision resolves): null', () => {
    expect(maxMarginDirection(Float64Array.of(1, 0, 2 ** -540, 0), 2, 2)).toBeNull();
    expect(maxMarginDirection(Float64Array.of(1, 0, 2 ** -530, 0), 2, 2)).not.toBeNull();
  });
});

describe('maxMarginDirection: the iteration budget (options.maxIterations)', () => {
  // z = {(1,0), (0,1)}: quadprog makes 3 passes over the q = 2 constraints (two adds, then the optimality check),
  // 6 reads of its right-hand side and no drop; a budget B allows B(q + 1) = 3B reads.
  const { z, n, d } = rows([
    [1, 0],
    [0, 1],
  ]);

  test('B = 2 allows the 6 reads the solve needs', () => {
    const mm = maxMarginDirection(z, n, d, { maxIterations: 2 });
    expect(mm!.supportVectors).toEqual([0, 1]);
  });

  test('B = 1 stops the solve with an Error that names the budget and the problem size', () => {
    expect(() => maxMarginDirection(z, n, d, { maxIterations: 1 })).toThrow(
      'maxMarginDirection: quadprog did not finish within 1 iterations (n=2 distinct rows, d=2); the data are probably degenerate: please report them',
    );
  });

  test.each([0, -1, 1.5, NaN, Infinity])('maxIterations=%s is refused with a RangeError', (maxIterations) => {
    expect(() => maxMarginDirection(z, n, d, { maxIterations })).toThrow(RangeError);
    expect(() => maxMarginDirection(z, n, d, { maxIterations })).toThrow(
      `maxMarginDirection: options.maxIterations=${maxIterations} must be a positive integer`,
    );
  });
});

describe('maxMarginDirection: not separable through the origin → null', () => {
  test.each([
    [
      'z and −z',
      [
        [1, 0],
        [-1, 0],
      ],
    ],
    [
      'a zero row',
      [
        [1, 0],
        [0, 0],
      ],
    ],
    [
      '0 inside the hull',
      [
        [1, 0],
        [0, 1],
        [-1, -1],
      ],
    ],
    [
      'only weakly separable (γ̄ = 0)',
      [
        [1, 0],
        [-1, 0],
        [0, 1],
      ],
    ],
    ['1-D with both signs', [[1], [-2]]],
  ])('%s', (_, r) => {
    const { z, n, d } = rows(r);
    expect(maxMarginDirection(z, n, d)).toBeNull();
  });

  test('property: data with 0 in the cone of the rows (Gordan) are never reported separable', () => {
    fc.assert(
      fc.property(nonSeparableData, ({ z, n, d }) => {
        expect(maxMarginDirection(z, n, d)).toBeNull();
      }),
      { numRuns: 300 },
    );
  });
});

describe('maxMarginDirection: optimality on random separable integer data', () => {
  test('property: primal feasibility, support vectors exactly on the margin, and a KKT cone certificate', () => {
    fc.assert(
      fc.property(separableData, ({ z, n, d }) => {
        const mm = maxMarginDirection(z, n, d);
        expect(mm).not.toBeNull();
        if (mm === null) return;
        expect(Math.abs(Math.hypot(...mm.direction) - 1) / (d * EPS)).toBeLessThanOrEqual(RATIO_MAX);
        const unit = marginUnit(d, maxRowNorm(z, n, d), mm.margin);
        const sv = new Set(mm.supportVectors);
        for (let i = 0; i < n; i++) {
          const slack = dot(mm.direction, rowOf(z, i, d)) / mm.margin - 1;
          // primal feasibility: ⟨w, z_i⟩ ≥ 1 for w = ū/γ̄
          expect(-slack / unit).toBeLessThanOrEqual(RATIO_MAX);
          // complementary slackness: the support vectors (the only rows given multipliers below) are on the
          // margin, every other row is off it by far more than rounding
          if (sv.has(i)) expect(Math.abs(slack) / unit).toBeLessThanOrEqual(RATIO_MAX);
          else expect(slack / unit).toBeGreaterThan(RATIO_MAX);
        }
        // stationarity with dual feasibility: w = Σ α_i z_i with α ≥ 0 on the support vectors
        const cert = coneCertificate(z, d, mm);
        expect(cert.T.length).toBeGreaterThan(0);
        expect(cert.residualRatio).toBeLessThanOrEqual(RATIO_MAX);
        expect(cert.negativityRatio).toBeLessThanOrEqual(RATIO_MAX);
      }),
      { numRuns: 300 },
    );
  });

  test('property: real-valued data (rounding in every product) keep primal feasibility and margin support vectors', () => {
    // Integer data make most products exact; here entries are arbitrary doubles, so every residual carries
    // rounding, and the solver's own tolerances (residualUnit, the polishing floor) are what keep the answer.
    // Separable by construction: ⟨u*, z_i⟩ ≥ 1/4 with ‖z_i‖ ≤ 2, so γ̄/R ≥ 1/8, far from the resolution limit.
    const realData = fc.integer({ min: 1, max: 6 }).chain((d) =>
      fc
        .record({
          teacher: fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: d, maxLength: d }).filter((u) => Math.hypot(...u) > 0.5),
          points: fc.array(fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: d, maxLength: d }), { minLength: 1, maxLength: 3 * d }),
        })
        .map(({ teacher, points }) => {
          const t = Math.hypot(...teacher);
          const u = teacher.map((v) => v / t);
          const r = points.map((x) => {
            const s = dot(x, u);
            // flip to the positive side and push out to ⟨u, z⟩ ≥ 1/4 along u
            const sign = s < 0 ? -1 : 1;
            const lift = Math.max(0, 0.25 - sign * s);
            return x.map((v, j) => sign * v + lift * u[j]);
          });
          return { ...rows(r), d };
        }),
    );
    fc.assert(
      fc.property(realData, ({ z, n, d }) => {
        const mm = maxMarginDirection(z, n, d);
        expect(mm).not.toBeNull();
        if (mm === null) return;
        const unit = marginUnit(d, maxRowNorm(z, n, d), mm.margin);
        for (let i = 0; i < n; i++) {
          const slack = dot(mm.direction, rowOf(z, i, d)) / mm.margin - 1;
          expect(-slack / unit).toBeLessThanOrEqual(RATIO_MAX);
          if (mm.supportVectors.includes(i)) expect(Math.abs(slack) / unit).toBeLessThanOrEqual(RATIO_MAX);
        }
        // γ̄ is a maximum: no training point's direction does better than ū (each z_i/‖z_i‖ is a candidate)
        for (let i = 0; i < n; i++) {
          const zi = rowOf(z, i, d);
          const g = Math.min(...Array.from({ length: n }, (_, j) => dot(zi, rowOf(z, j, d)))) / Math.hypot(...zi);
          expect((g - mm.margin) / (unit * mm.margin)).toBeLessThanOrEqual(RATIO_MAX);
        }
      }),
      { seed: 26112026, numRuns: 300 },
    );
  });

  test('property: agrees with a brute-force minimum-norm point of the convex hull (n ≤ 6, d ≤ 3)', () => {
    fc.assert(
      fc.property(
        separableData.filter(({ n, d }) => n <= 6 && d <= 3),
        ({ z, n, d }) => {
          const mm = maxMarginDirection(z, n, d)!;
          const ref = bruteForce(z, n, d);
          const unit = solutionUnit(d, ref.kappa) * (maxRowNorm(z, n, d) / ref.gamma);
          expectClose(mm.direction, ref.u, unit);
          expectClose([mm.margin / ref.gamma], [1], unit);
        },
      ),
      { numRuns: 200 },
    );
  });

  test('property (JT.Thm4-margin solver check): γ(w) = min_i ⟨w, z_i⟩/‖w‖ ≤ γ̄ for every w ≠ 0, and the teacher', () => {
    fc.assert(
      fc.property(separableData, fc.array(fc.integer({ min: -5, max: 5 }), { minLength: 4, maxLength: 4 }), ({ z, n, d, teacher }, raw) => {
        const mm = maxMarginDirection(z, n, d)!;
        const unit = marginUnit(d, maxRowNorm(z, n, d), mm.margin);
        for (const w of [raw.slice(0, d), teacher]) {
          const wn = Math.hypot(...w);
          if (wn === 0) continue;
          let g = Infinity;
          for (let i = 0; i < n; i++) g = Math.min(g, dot(w, rowOf(z, i, d)) / wn);
          expect((g / mm.margin - 1) / unit).toBeLessThanOrEqual(RATIO_MAX);
        }
      }),
      { numRuns: 300 },
    );
  });

  test('degenerate data (many margin points, one far point) finish and pass the certificate', () => {
    // Every row (1, k) lies on the margin of ū = e1; the far point (10^6, 0) makes R/γ̄ = 10^6. Such ties made
    // the unperturbed active-set method cycle (see PERTURBATION in maxMargin.ts).
    const { z, n, d } = rows([
      [1, -2],
      [1, 2],
      [1, 0],
      [1, 1],
      [1, -1],
      [1, 2],
      [1e6, 0],
    ]);
    const mm = maxMarginDirection(z, n, d)!;
    expectClose(mm.direction, [1, 0], marginUnit(d, 1e6, 1));
    expect(mm.supportVectors).toEqual([0, 1, 2, 3, 4, 5]);
    const cert = coneCertificate(z, d, mm);
    expect(Math.max(cert.residualRatio, cert.negativityRatio)).toBeLessThanOrEqual(RATIO_MAX);
  });

  test('property: degenerate data, e1 and rows (1, k_2, …, k_d), all on the margin of ū = e1, plus a far point', () => {
    // ū = e1 and γ̄ = 1: e1 is a data point, so γ̄ ≤ ‖e1‖ = 1, and ⟨e1, z_i⟩ ≥ 1 for every row.
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 4 }).chain((d) =>
          fc.record({
            margin: fc.array(fc.array(fc.integer({ min: -2, max: 2 }), { minLength: d - 1, maxLength: d - 1 }), { minLength: 1, maxLength: 12 }),
            far: fc.integer({ min: 0, max: 6 }),
          }),
        ),
        ({ margin, far }) => {
          const e1 = [1, ...margin[0].map(() => 0)];
          const { z, n, d } = rows([e1, ...margin.map((k) => [1, ...k]), e1.map((v) => v * 10 ** far)]);
          const mm = maxMarginDirection(z, n, d)!;
          const unit = marginUnit(d, maxRowNorm(z, n, d), 1);
          expectClose(mm.direction, e1, unit);
          expectClose([mm.margin], [1], unit);
          // every (1, k) row is a support vector; the far point is one only when it is e1 itself
          expect(mm.supportVectors).toEqual(Array.from({ length: far === 0 ? n : n - 1 }, (_, i) => i));
        },
      ),
      { numRuns: 300 },
    );
  });

  test('a point off the margin by a relative 2^-30 is not a support vector; its twin on the margin is', () => {
    const { z, n, d } = rows([
      [1, 0],
      [0, 1],
      [1 + 2 ** -30, 0],
      [0, 1],
    ]);
    expect(maxMarginDirection(z, n, d)!.supportVectors).toEqual([0, 1, 3]);
  });
});

describe('maxMarginDirection: robustness paths (perturbation, polishing, fallback, row identity)', () => {
  // The solver perturbs the right-hand sides by relative amounts up to PERTURBATION = 2^-40 (maxMargin.ts) and then
  // re-solves the unperturbed problem on the active set it found. A point off the margin by a relative g = 2^-43
  // (below the perturbation, above the feasibility slack 16·2(d + 1)·ε·‖w'‖ ≤ 2^-44 for these d ≤ 3, ‖w'‖ ≤ √2)
  // can enter that active set; the answer must still be the exact one, in which that point is neither on the margin
  // nor a support vector. Rounding of the answer itself is a few ε (a handful of operations on numbers of size 1).
  const g = 2 ** -43;

  test('1-D, z = {1, 1 + 2^-43}: ū = 1, γ̄ = 1 exactly, only the first row is a support vector', () => {
    // the perturbed problem holds the second row active; its polished w' = 1 violates ⟨w', z_0⟩ ≥ R by 2^-43
    // relative, beyond the feasibility slack, so the unperturbed problem decides
    const mm = maxMarginDirection(Float64Array.of(1, 1 + g), 2, 1)!;
    expect(Array.from(mm.direction)).toEqual([1]);
    expectClose([mm.margin], [1], EPS);
    expect(mm.supportVectors).toEqual([0]);
  });

  test('2-D, z = {(1,0), (1 + 2^-43, 0)}: ū = e1, γ̄ = 1 exactly, only the first row is a support vector', () => {
    // the 1-D case embedded in ℝ², where the rejected polished w' = (1, 0) has a zero entry
    const { z, n, d } = rows([
      [1, 0],
      [1 + g, 0],
    ]);
    const mm = maxMarginDirection(z, n, d)!;
    expect(Array.from(mm.direction)).toEqual([1, 0]);
    expectClose([mm.margin], [1], EPS);
    expect(mm.supportVectors).toEqual([0]);
    expect(mm.supportSpans).toBe(false);
  });

  test('2-D, z = {(1,0), (0,1), (1 + 2^-43, 0)}: ū = (1,1)/√2, γ̄ = 1/√2, the third row is off the margin', () => {
    const { z, n, d } = rows([
      [1, 0],
      [0, 1],
      [1 + g, 0],
    ]);
    const mm = maxMarginDirection(z, n, d)!;
    expectClose(mm.direction, [Math.SQRT1_2, Math.SQRT1_2], EPS);
    expectClose([mm.margin], [Math.SQRT1_2], EPS);
    expect(mm.supportVectors).toEqual([0, 1]);
  });

  test('2-D, z = {(1,0), (1 + 2^-43, 1)}: ū = e1, γ̄ = 1; the second row would need a negative multiplier', () => {
    // solving ⟨w', a_c⟩ = b_c on both rows gives w' ∝ (1, −2^-43), whose multiplier on (1 + 2^-43, 1) is
    // −√2·2^-43·R, far below the rounding floor −16·k·ε·κ·max|λ| ≈ −2^-46·R: that is not the optimum
    const { z, n, d } = rows([
      [1, 0],
      [1 + g, 1],
    ]);
    const mm = maxMarginDirection(z, n, d)!;
    expectClose(mm.direction, [1, 0], EPS);
    expectClose([mm.margin], [1], EPS);
    expect(mm.supportVectors).toEqual([0]);
    expect(mm.supportSpans).toBe(false);
  });

  test('3-D, z = {(1,1,0), (1 + 2^-43, 0, 1), (1,−1,0)}: ū = e1, γ̄ = 1, support vectors rows 0 and 2', () => {
    // as above with the spurious row entering the active set first (its perturbed right-hand side is the largest)
    const { z, n, d } = rows([
      [1, 1, 0],
      [1 + g, 0, 1],
      [1, -1, 0],
    ]);
    const mm = maxMarginDirection(z, n, d)!;
    expectClose(mm.direction, [1, 0, 0], EPS);
    expectClose([mm.margin], [1], 2 * EPS);
    expect(mm.supportVectors).toEqual([0, 2]);
    expect(mm.supportSpans).toBe(false);
  });

  test('rows whose entries concatenate alike are distinct: z = {(1,11), (11,1)} gives ū = (1,1)/√2, γ̄ = 12/√2', () => {
    const { z, n, d } = rows([
      [1, 11],
      [11, 1],
    ]);
    const mm = maxMarginDirection(z, n, d)!;
    expectClose(mm.direction, [Math.SQRT1_2, Math.SQRT1_2], EPS);
    expectClose([mm.margin], [12 * Math.SQRT1_2], 16 * EPS);
    expect(mm.supportVectors).toEqual([0, 1]);
    expect(mm.supportSpans).toBe(true);
  });
});

describe('JT.A5 supportSpans', () => {
  test('true when the support vectors span ℝ^d', () => {
    const { z, n, d } = rows([
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
    ]);
    expect(maxMarginDirection(z, n, d)!.supportSpans).toBe(true);
  });

  test('false with a single support vector in ℝ²: z = {(1,0), (2,1), (2,−1)}', () => {
    const { z, n, d } = rows([
      [1, 0],
      [2, 1],
      [2, -1],
    ]);
    const mm = maxMarginDirection(z, n, d)!;
    expect(mm.supportVectors).toEqual([0]);
    expect(mm.supportSpans).toBe(false);
  });

  test('false with two support vectors in ℝ³: z = {e1, e2, (1,1,5)}', () => {
    const { z, n, d } = rows([
      [1, 0, 0],
      [0, 1, 0],
      [1, 1, 5],
    ]);
    const mm = maxMarginDirection(z, n, d)!;
    expect(mm.supportVectors).toEqual([0, 1]);
    expect(mm.supportSpans).toBe(false);
  });

  test('false with three collinear support vectors off the axes: z = {(1,2,2), (2,1,2), (3,0,2)}', () => {
    // w = (3,3,4)/17 (⟨w, z_i⟩ = 1 for all three, w = (z_0 + z_1)/17), so ū = (3,3,4)/√34, γ̄ = √34/2;
    // (3,0,2) = 2·(2,1,2) − (1,2,2), so the support vectors have rank 2, and the computed smallest singular
    // value is rounding (about ε·σ_max), not exactly 0
    const { z, n, d } = rows([
      [1, 2, 2],
      [2, 1, 2],
      [3, 0, 2],
    ]);
    const mm = maxMarginDirection(z, n, d)!;
    const s = 1 / Math.sqrt(34);
    const unit = marginUnit(d, maxRowNorm(z, n, d), mm.margin);
    expectClose(mm.direction, [3 * s, 3 * s, 4 * s], unit);
    expectClose([mm.margin / (Math.sqrt(34) / 2)], [1], unit);
    expect(mm.supportVectors).toEqual([0, 1, 2]);
    expect(mm.supportSpans).toBe(false);
  });

  test('false with three coplanar support vectors in ℝ³: z = {(1,0,0), (1,1,0), (1,−1,0)}', () => {
    const { z, n, d } = rows([
      [1, 0, 0],
      [1, 1, 0],
      [1, -1, 0],
    ]);
    const mm = maxMarginDirection(z, n, d)!;
    expect(mm.supportVectors).toEqual([0, 1, 2]);
    expect(mm.supportSpans).toBe(false);
  });
});

describe('JT.Lem4 lemma4Alpha', () => {
  function alphaOf(r: number[][]): number {
    const { z, n, d } = rows(r);
    return lemma4Alpha(z, n, d, maxMarginDirection(z, n, d)!);
  }

  test('d = 2, z = {(1,0), (0,1)}: e = (−1,1)/√2 gives ⟨±e, z_i⟩ = ±1/√2, so α = 1/√2', () => {
    expectClose(
      [
        alphaOf([
          [1, 0],
          [0, 1],
        ]),
      ],
      [Math.SQRT1_2],
      EPS,
    );
  });

  test('d = 2, z = {(1,0), (1,1), (1,−1)}: ū = e1, ⟨e2, z_i⟩ ∈ {0, 1, −1}, so α = 1', () => {
    expectClose(
      [
        alphaOf([
          [1, 0],
          [1, 1],
          [1, -1],
        ]),
      ],
      [1],
      EPS,
    );
  });

  test('d = 2, one support vector (JT.A5 fails): α = 0', () => {
    expect(
      alphaOf([
        [1, 0],
        [2, 1],
        [2, -1],
      ]),
    ).toBe(0);
  });

  test('d = 3, four margin points (1, ±1, 0), (1, 0, ±1): the projections form a square of inradius 1/√2', () => {
    expectClose(
      [
        alphaOf([
          [1, 1, 0],
          [1, -1, 0],
          [1, 0, 1],
          [1, 0, -1],
        ]),
      ],
      [Math.SQRT1_2],
      2 * EPS,
    );
  });

  // d = 23 and 30: the normal error estimate must not grow like S^{d−2} (it once did, and α came out 0 from d = 23)
  test.each([3, 4, 5, 23, 30])('d = %i, z = {e_1, …, e_d}: the projections form a regular simplex of inradius 1/√(d(d−1))', (d) => {
    const r = Array.from({ length: d }, (_, i) => Array.from({ length: d }, (_, j) => (i === j ? 1 : 0)));
    expectClose([alphaOf(r)], [1 / Math.sqrt(d * (d - 1))], 2 * d * EPS);
  });

  test('d = 4, margin points (1, ±e_j): the projections form an octahedron of inradius 1/√3', () => {
    const r = [
      [1, 1, 0, 0],
      [1, -1, 0, 0],
      [1, 0, 1, 0],
      [1, 0, -1, 0],
      [1, 0, 0, 1],
      [1, 0, 0, -1],
    ];
    expectClose([alphaOf(r)], [1 / Math.sqrt(3)], 8 * EPS);
  });

  test('property, d = 4: α ≤ max_sv ⟨ξ, z_i⟩ for random unit ξ ⊥ ū (α is a minimum over ξ)', () => {
    fc.assert(
      fc.property(
        separableData.filter(({ d }) => d === 4),
        fc.array(fc.array(fc.integer({ min: -8, max: 8 }), { minLength: 4, maxLength: 4 }), { minLength: 20, maxLength: 20 }),
        ({ z, n, d }, xis) => {
          const mm = maxMarginDirection(z, n, d)!;
          const alpha = lemma4Alpha(z, n, d, mm);
          const sv = mm.supportVectors.map((i) => rowOf(z, i, d));
          const scale = Math.max(...sv.map((x) => Math.hypot(...x)));
          for (const raw of xis) {
            const c = dot(raw, mm.direction);
            const xi = raw.map((v, j) => v - c * mm.direction[j]);
            const xn = Math.hypot(...xi);
            if (xn <= RATIO_MAX * d * EPS * Math.hypot(...raw)) continue; // raw ∥ ū: Π_⊥raw is rounding only
            const h = Math.max(...sv.map((x) => dot(xi, x) / xn));
            // rounding of the projections and of the facet normals, relative to the data scale
            expect(alpha).toBeLessThanOrEqual(h + RATIO_MAX * 4 * d * EPS * scale);
          }
        },
      ),
      { numRuns: 100 },
    );
  });

  test('d = 3, coplanar support vectors (JT.A5 fails): α = 0', () => {
    expect(
      alphaOf([
        [1, 0, 0],
        [1, 1, 0],
        [1, -1, 0],
      ]),
    ).toBe(0);
  });

  test('d = 1: ū^⊥ has no unit vector, α = +∞', () => {
    expect(lemma4Alpha(Float64Array.of(1, 2), 2, 1, maxMarginDirection(Float64Array.of(1, 2), 2, 1)!)).toBe(Infinity);
  });

  test('property, d = 3: facet enumeration matches a scan of the unit circle in ū^⊥', () => {
    // h(ξ) = max_sv ⟨ξ, z_i⟩ is max‖Π_⊥z_i‖-Lipschitz on the circle, and every ξ is within angle π/N of one of N
    // equally spaced grid points, so α ≤ min_grid h ≤ α + max‖Π_⊥z_i‖·π/N.
    const N = 4096;
    fc.assert(
      fc.property(
        separableData.filter(({ d }) => d === 3),
        ({ z, n, d }) => {
          const mm = maxMarginDirection(z, n, d)!;
          const alpha = lemma4Alpha(z, n, d, mm);
          const u = Array.from(mm.direction);
          // an orthonormal basis (e, f) of ū^⊥ by Gram–Schmidt from the coordinate axis least aligned with ū
          const axis = [0, 1, 2].reduce((best, j) => (Math.abs(u[j]) < Math.abs(u[best]) ? j : best), 0);
          const e0 = [0, 0, 0].map((_, j) => (j === axis ? 1 : 0) - u[axis] * u[j]);
          const e = e0.map((v) => v / Math.hypot(...e0));
          const f = [u[1] * e[2] - u[2] * e[1], u[2] * e[0] - u[0] * e[2], u[0] * e[1] - u[1] * e[0]];
          const sv = mm.supportVectors.map((i) => rowOf(z, i, d));
          const lip = Math.max(...sv.map((x) => Math.hypot(dot(x, e), dot(x, f))));
          let gridMin = Infinity;
          for (let t = 0; t < N; t++) {
            const th = (2 * Math.PI * t) / N;
            const xi = e.map((v, j) => Math.cos(th) * v + Math.sin(th) * f[j]);
            gridMin = Math.min(gridMin, Math.max(...sv.map((x) => dot(xi, x))));
          }
          // rounding of the dot products and of the facet normals, relative to the scale of the projections
          const slack = RATIO_MAX * 3 * EPS * Math.max(lip, 1);
          expect(alpha).toBeGreaterThanOrEqual(0);
          expect(alpha).toBeLessThanOrEqual(gridMin + slack);
          expect(gridMin - alpha).toBeLessThanOrEqual((lip * Math.PI) / N + slack);
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('input validation', () => {
  test.each([
    ['n = 0', () => maxMarginDirection(new Float64Array(0), 0, 2), /^maxMarginDirection: n=0 must be a positive integer/],
    ['n not an integer', () => maxMarginDirection(new Float64Array(3), 1.5, 2), /^maxMarginDirection: n=1.5 must be/],
    ['d = −1', () => maxMarginDirection(new Float64Array(2), 2, -1), /^maxMarginDirection: d=-1 must be a positive integer/],
    ['z too short', () => maxMarginDirection(new Float64Array(3), 2, 2), /^maxMarginDirection: z.length=3 must equal n·d=4/],
    ['NaN entry', () => maxMarginDirection(Float64Array.of(1, 0, 0, NaN), 2, 2), /^maxMarginDirection: z\[3\]=NaN must be finite/],
    ['d = 0', () => maxMarginDirection(new Float64Array(0), 2, 0), /^maxMarginDirection: d=0 must be a positive integer/],
    ['infinite entry', () => maxMarginDirection(Float64Array.of(Infinity, 0), 1, 2), /^maxMarginDirection: z\[0\]=Infinity must be finite/],
  ])('%s throws a RangeError naming the argument', (_, call, message) => {
    expect(call).toThrow(RangeError);
    expect(call).toThrow(message);
  });

  test('the message for a non-finite entry names its row', () => {
    expect(() => maxMarginDirection(Float64Array.of(1, 0, 0, NaN), 2, 2)).toThrow('maxMarginDirection: z[3]=NaN must be finite; clean row 1 before calling');
    expect(() => maxMarginDirection(new Float64Array(0), 2, 0)).toThrow('maxMarginDirection: d=0 must be a positive integer; pass the number of columns of z');
  });

  test('lemma4Alpha checks z and that mm belongs to it', () => {
    const { z, n, d } = rows([
      [1, 0],
      [0, 1],
    ]);
    const mm = maxMarginDirection(z, n, d)!;
    expect(() => lemma4Alpha(z, n, 3, mm)).toThrow(/^lemma4Alpha: z.length=4 must equal n·d=6/);
    expect(() => lemma4Alpha(Float64Array.of(1, 0, 0, 1, 1, 1), 3, 2, { ...mm, direction: Float64Array.of(1, 0, 0) })).toThrow(
      /^lemma4Alpha: mm.direction.length=3 must equal d=2/,
    );
    expect(() => lemma4Alpha(z, n, d, { ...mm, supportVectors: [] })).toThrow(RangeError);
    expect(() => lemma4Alpha(z, n, d, { ...mm, supportVectors: [2] })).toThrow(/^lemma4Alpha: mm.supportVectors contains 2/);
  });

  test('lemma4Alpha refuses a facet enumeration that would take too long (d = 60, 60 support vectors)', () => {
    const d = 60;
    const z = new Float64Array(d * d);
    for (let i = 0; i < d; i++) z[i * d + i] = 1;
    const mm = maxMarginDirection(z, d, d)!;
    expect(mm.supportVectors).toHaveLength(d);
    expect(() => lemma4Alpha(z, d, d, mm)).toThrow(/^lemma4Alpha: d=60 with k=60 support vectors needs C\(k, d−1\)=60 facet candidates/);
  });
});
