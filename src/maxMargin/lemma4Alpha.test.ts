import { describe, expect, test } from 'vitest';
import { lemma4Alpha } from './lemma4Alpha.js';
import { maxMarginDirection, type MaxMargin } from './maxMargin.js';

// JT.Lem4's α on hand-made data whose answer is known in closed form. lemma4Alpha reads only mm.direction and
// mm.supportVectors, so the cases below pass them exactly (ū = ±e_1 where possible: then ū^⊥ is spanned by the
// other axes and the projections p_i = Π_⊥z_i are exact). Every data set is consistent: all rows lie on the margin
// ⟨ū, z_i⟩ = 1 and 0 ∈ conv{p_i} (the KKT condition), which the first test checks against maxMarginDirection.

const EPS = Number.EPSILON;

function rows(r: number[][]): { z: Float64Array; n: number; d: number } {
  return { z: Float64Array.from(r.flat()), n: r.length, d: r[0].length };
}

/** A MaxMargin with the given ū and support vectors (margin and supportSpans are not read by lemma4Alpha). */
function mmOf(direction: number[], supportVectors: number[]): MaxMargin {
  return { direction: Float64Array.from(direction), margin: 1, supportVectors, supportSpans: true };
}

/** α for rows z_i = (s, p_i) with ū = s·e_1 (s = ±1) and every row a support vector. */
function alphaOfProjections(p: number[][], s = 1): number {
  const { z, n, d } = rows(p.map((q) => [s, ...q]));
  return lemma4Alpha(
    z,
    n,
    d,
    mmOf(
      [s, ...p[0].map(() => 0)],
      Array.from({ length: n }, (_, i) => i),
    ),
  );
}

/** Rows (1, ±e_j) for j = first..first+pairs−1 (coordinates counted from 0), plus `zeros` rows e_0, in ℝ^d. */
function crossPolytope(d: number, first: number, pairs: number, zeros = 0): number[][] {
  const out: number[][] = [];
  for (let j = first; j < first + pairs; j++) for (const s of [1, -1]) out.push(Array.from({ length: d }, (_, c) => (c === 0 ? 1 : c === j ? s : 0)));
  for (let i = 0; i < zeros; i++) out.push(Array.from({ length: d }, (_, c) => (c === 0 ? 1 : 0)));
  return out;
}

describe('JT.Lem4 lemma4Alpha: input validation, full messages', () => {
  const { z, n, d } = rows([
    [1, 0],
    [0, 1],
  ]);
  const mm = mmOf([Math.SQRT1_2, Math.SQRT1_2], [0, 1]);

  test('no support vectors', () => {
    expect(() => lemma4Alpha(z, n, d, { ...mm, supportVectors: [] })).toThrow(
      new RangeError('lemma4Alpha: mm.supportVectors=[] must not be empty; pass maxMarginDirection(z, n, d)'),
    );
  });

  test.each([2, 3, -1, 0.5, NaN])('support vector index %s outside the rows [0, 2)', (i) => {
    expect(() => lemma4Alpha(z, n, d, { ...mm, supportVectors: [0, i] })).toThrow(
      new RangeError(`lemma4Alpha: mm.supportVectors contains ${i}, must be a row index in [0, 2); pass maxMarginDirection(z, n, d)`),
    );
  });

  test('the last valid index n − 1 is accepted', () => {
    expect(() => lemma4Alpha(z, n, d, { ...mm, supportVectors: [1] })).not.toThrow();
  });

  test('direction of the wrong length', () => {
    expect(() => lemma4Alpha(z, n, d, { ...mm, direction: Float64Array.of(1, 0, 0) })).toThrow(
      new RangeError('lemma4Alpha: mm.direction.length=3 must equal d=2; pass maxMarginDirection(z, n, d)'),
    );
  });
});

describe('JT.Lem4 lemma4Alpha: the hand-made mm below is the one maxMarginDirection finds', () => {
  test.each([
    [
      'd = 2, (1, 2), (1, −1)',
      [
        [1, 2],
        [1, -1],
      ],
    ],
    [
      'd = 3, square with ū = −e_1',
      [
        [-1, 1, 0],
        [-1, -1, 0],
        [-1, 0, 1],
        [-1, 0, -1],
      ],
    ],
    [
      'd = 3, kite',
      [
        [1, 1, 0],
        [1, -0.5, 0],
        [1, 0, 0.5],
        [1, 0, -1],
      ],
    ],
  ])('%s', (_, r) => {
    const { z, n, d } = rows(r);
    const mm = maxMarginDirection(z, n, d)!;
    expect(mm.supportVectors).toEqual(Array.from({ length: n }, (_, i) => i));
    const axis = Array.from({ length: d }, (_, j) => (j === 0 ? Math.sign(r[0][0]) : 0));
    // the solver's ū is exact for data moved by a few ε (see maxMargin.test.ts); 64ε is generous
    for (let j = 0; j < d; j++) expect(Math.abs(mm.direction[j] - axis[j])).toBeLessThanOrEqual(64 * EPS);
  });
});

describe('JT.Lem4 lemma4Alpha, d = 2: α = min(max_sv ⟨e, z_i⟩, max_sv ⟨−e, z_i⟩) with e ⊥ ū', () => {
  // ū = e_1 (KKT: (1, 0) = λ_1 z_1 + λ_2 z_2 with λ ≥ 0), e = ±e_2, so every ⟨e, z_i⟩ is exact
  test('z = {(1, 2), (1, −1)}: max ⟨e_2, z⟩ = 2, max ⟨−e_2, z⟩ = 1, α = 1', () => {
    expect(lemma4Alpha(Float64Array.of(1, 2, 1, -1), 2, 2, mmOf([1, 0], [0, 1]))).toBe(1);
  });

  test('z = {(1, 1), (1, −2)}: max ⟨e_2, z⟩ = 1, max ⟨−e_2, z⟩ = 2, α = 1', () => {
    expect(lemma4Alpha(Float64Array.of(1, 1, 1, -2), 2, 2, mmOf([1, 0], [0, 1]))).toBe(1);
  });

  test('z = {(1, 3), (1, −1/2)} read in either order: α = 1/2', () => {
    const z = Float64Array.of(1, 3, 1, -0.5);
    expect(lemma4Alpha(z, 2, 2, mmOf([1, 0], [0, 1]))).toBe(0.5);
    expect(lemma4Alpha(z, 2, 2, mmOf([1, 0], [1, 0]))).toBe(0.5);
  });

  test('the formula is evaluated exactly: a support vector 2^-50 below the top one does not lower α', () => {
    // z = {(1, 1), (1, 1 − 2^-50), (1, −1)}: max ⟨e_2, z⟩ = 1 exactly, so α = min(1, 1) = 1 with no rounding
    const z = Float64Array.of(1, 1, 1, 1 - 2 ** -50, 1, -1);
    expect(lemma4Alpha(z, 3, 2, mmOf([1, 0], [0, 1, 2]))).toBe(1);
  });
});

describe('JT.Lem4 lemma4Alpha, d ≥ 3: α is the distance from 0 to the nearest facet of P = conv{Π_⊥z_i}', () => {
  // Facet normals are normalized with hypot and offsets are short dot products: each step errs by at most a few
  // ε relative to the data scale max‖p_i‖ ≈ 1, so 8ε covers it.
  const TOL = 8 * EPS;

  test('square (±1, 0), (0, ±1) with ū = −e_1: α = 1/√2 (the Householder basis of ū^⊥ for u_1 < 0)', () => {
    expect(
      Math.abs(
        alphaOfProjections(
          [
            [1, 0],
            [-1, 0],
            [0, 1],
            [0, -1],
          ],
          -1,
        ) - Math.SQRT1_2,
      ),
    ).toBeLessThanOrEqual(TOL);
  });

  test('square (±1, 0), (0, ±1) with ū = e_1 exactly: α = 1/√2', () => {
    expect(
      Math.abs(
        alphaOfProjections([
          [1, 0],
          [-1, 0],
          [0, 1],
          [0, -1],
        ]) - Math.SQRT1_2,
      ),
    ).toBeLessThanOrEqual(TOL);
  });

  test('square plus a support vector on the ū axis (p = 0): α = 1/√2', () => {
    expect(
      Math.abs(
        alphaOfProjections([
          [0, 0],
          [1, 0],
          [-1, 0],
          [0, 1],
          [0, -1],
        ]) - Math.SQRT1_2,
      ),
    ).toBeLessThanOrEqual(TOL);
  });

  test('kite (1, 0), (−1/2, 0), (0, 1/2), (0, −1): the nearest edge joins the 2nd and 3rd points, α = √2/4', () => {
    // edges: x + 2y = 1 and 2x + y = −1 at 1/√5, x − y = 1 at 1/√2, −x + y = 1/2 at 1/(2√2)
    expect(
      Math.abs(
        alphaOfProjections([
          [1, 0],
          [-0.5, 0],
          [0, 0.5],
          [0, -1],
        ]) -
          Math.SQRT2 / 4,
      ),
    ).toBeLessThanOrEqual(TOL);
  });

  test('square scaled by 2^-40: α = 2^-40/√2 (the tests scale with the data)', () => {
    const s = 2 ** -40;
    const alpha = alphaOfProjections([
      [s, 0],
      [-s, 0],
      [0, s],
      [0, -s],
    ]);
    expect(Math.abs(alpha - s * Math.SQRT1_2)).toBeLessThanOrEqual(TOL * s);
  });

  test('a near-duplicate support vector (2^-46 from a vertex) does not make a spurious facet through 0', () => {
    // the pair (1, 0), (1 − 2^-46, 0) spans the line y = 0 through 0, but its normal is known only to
    // 2ε·(2 + 2·2^46) ≈ 2^-4 (normalError > √ε), so it is skipped. The other near-edge (1 − 2^-46, 0)–(0, 1) may pass as a facet: its
    // offset is below 1/√2 by about 2^-46/(2√2) < 2^-47.
    const alpha = alphaOfProjections([
      [1, 0],
      [1 - 2 ** -46, 0],
      [-1, 0],
      [0, 1],
      [0, -1],
    ]);
    expect(Math.abs(alpha - Math.SQRT1_2)).toBeLessThanOrEqual(2 ** -47 + TOL);
  });

  test('d = 4, cube (±1, ±1, ±1): α = 1 (facet normals along the axes: cofactor minors with zero columns)', () => {
    const cube: number[][] = [];
    for (const x of [1, -1]) for (const y of [1, -1]) for (const w of [1, -1]) cube.push([x, y, w]);
    expect(Math.abs(alphaOfProjections(cube) - 1)).toBeLessThanOrEqual(TOL);
  });

  test('d = 4, tetrahedron whose nearest facet x = −1/4 needs a pivot swap in its normal: α = 1/4', () => {
    // base (−1/4, −1/2, −1/2), (−1/4, −1/2, 1), (−1/4, 1, −1/2), apex (1, 0, 0): the base differences (0, 0, 3/2),
    // (0, 3/2, 0) give the cofactor minor [[0, 3/2], [3/2, 0]]. Side facets lie at 2/√29 (twice) and 2/√54.
    const p = [
      [-0.25, -0.5, -0.5],
      [-0.25, -0.5, 1],
      [-0.25, 1, -0.5],
      [1, 0, 0],
    ];
    expect(Math.abs(alphaOfProjections(p) - 0.25)).toBeLessThanOrEqual(TOL);
  });

  test('all support vectors on the ū axis: P = {0}, α = 0 without any facet enumeration (d = 60, 60 rows)', () => {
    const d = 60;
    const z = new Float64Array(d * d);
    for (let i = 0; i < d; i++) z[i * d] = 1;
    expect(
      lemma4Alpha(
        z,
        d,
        d,
        mmOf(
          [1, ...new Array<number>(d - 1).fill(0)],
          Array.from({ length: d }, (_, i) => i),
        ),
      ),
    ).toBe(0);
  });
});

describe('JT.Lem4 lemma4Alpha: a point outside a facet by at most the slack FACET_RATIO·(err + mε)·S is on it', () => {
  // m = 2, S = 2·max‖p_i‖ = 2 (the point (1, 0)). For the edge (−1/2, ∓1/2)–(1/2, ∓1/2): a = (0, −1) up to
  // orientation, ‖a‖ = ‖M_1‖ = 1, err = m·ε·(m + S/‖M_1‖) = 8ε = 2^-49, slack = 8·(2^-49 + 2·2^-52)·2 = 5·2^-47, all exact. A point
  // exactly 5·2^-47 beyond that edge is accepted on it, and α is the edge's offset 1/2 exactly; the true
  // conv{p_i} would give about 1/2 + 5·2^-47.
  const delta = 5 * 2 ** -47;
  const hexagon = (s: number): number[][] => [
    [-0.5, s * -0.5],
    [0.5, s * -0.5],
    [0, s * (-0.5 - delta)],
    [1, 0],
    [0, s],
    [-1, 0],
  ];

  test('below the bottom edge (the facet with ⟨a, x⟩ ≤ b): α = 1/2', () => {
    expect(alphaOfProjections(hexagon(1))).toBe(0.5);
  });

  test('above the top edge (the facet with ⟨−a, x⟩ ≤ −b): α = 1/2', () => {
    expect(alphaOfProjections(hexagon(-1))).toBe(0.5);
  });
});

describe('JT.Lem4 lemma4Alpha: a candidate normal is used while its error is at most √ε', () => {
  // m = 2, S = 2 (the points (±1, 0), (0, 1)). A bottom edge y = −1/4 is spanned only by a short pair (∓ℓ/2, −1/4);
  // its normal error is m·ε·(H/‖a‖)·(m + S/ℓ) = 2ε·(2 + 2/ℓ) (H = ‖a‖ = ℓ). The point (0, −1/4 − 2^-30) lies just below it.
  const withPair = (l: number): number[][] => [
    [-0.5, -0.25],
    [-l / 2, -0.25],
    [l / 2, -0.25],
    [0.5, -0.25],
    [0, -0.25 - 2 ** -30],
    [1, 0],
    [0, 1],
    [-1, 0],
  ];

  test('ℓ = 2^-23: error ≈ 2^-27 ≤ √ε, the pair is a facet, and its slack 8·(2^-27 + 2ε)·2 ≈ 2^-23 covers the point: α = 1/4', () => {
    expect(alphaOfProjections(withPair(2 ** -23))).toBe(0.25);
  });

  test('ℓ = 2^-25: error ≈ 2^-25 > √ε, the pair is skipped; α is the offset 1/4 + 2^-30 of the edges through the point', () => {
    // the long bottom edges (±1/2, −1/4)–(0, −1/4 − δ) have offset (1/4 + δ)/√(1 + 4δ²) = 1/4 + δ − O(δ²), δ = 2^-30
    expect(Math.abs(alphaOfProjections(withPair(2 ** -25)) - (0.25 + 2 ** -30))).toBeLessThanOrEqual(8 * EPS);
  });
});

describe('JT.Lem4 lemma4Alpha: the cost cap MAX_FACET_FLOPS = 2e8 of the facet enumeration', () => {
  // Rows (1, ±e_j) with j ≥ 3: every p_i has zero 1st and 2nd coordinates in ū^⊥ = span(e_2, …, e_d), so P is flat
  // (α = 0) and every cofactor determinant stops at its first zero column: the enumeration itself is cheap.
  test('d = 39, k = 39: C(39, 38)·38·37³/3 ≈ 2.5e7 flops is allowed; P is flat, α = 0', () => {
    const { z, n, d } = rows(crossPolytope(39, 3, 19, 1));
    expect(n).toBe(39);
    expect(
      lemma4Alpha(
        z,
        n,
        d,
        mmOf(
          [1, ...new Array<number>(d - 1).fill(0)],
          Array.from({ length: n }, (_, i) => i),
        ),
      ),
    ).toBe(0);
  });

  test('d = 59, k = 59: C(59, 58)·58·57³/3 ≈ 2.11e8 flops is refused', () => {
    const { z, n, d } = rows(crossPolytope(59, 3, 29, 1));
    expect(n).toBe(59);
    expect(() =>
      lemma4Alpha(
        z,
        n,
        d,
        mmOf(
          [1, ...new Array<number>(d - 1).fill(0)],
          Array.from({ length: n }, (_, i) => i),
        ),
      ),
    ).toThrow(
      new RangeError(
        'lemma4Alpha: d=59 with k=59 support vectors needs C(k, d−1)=59 facet candidates (~2.1e+8 flops, above 200000000); α is computed by facet enumeration, so use a smaller d or fewer support vectors',
      ),
    );
  });
});
