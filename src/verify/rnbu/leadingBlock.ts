/**
 * RNBU.Thm1's "exactly when" in its sharpest form: aligned init in the standard bases (U_k = I), diagonal data except
 * ONE off-diagonal entry Λ[j,l] (Γ kept diagonal), one exact GD step. The derived form G_k = U_kM_kU_{k−1}ᵀ with
 * M_k = (Σ_L⋯Σ_{k+1})ᵀ(Σ_PΛ − Γ)(Σ_{k−1}⋯Σ_1)ᵀ predicts the step's off-diagonal exactly: −η·offdiag(M_k). With
 * r = min_k d_k, an entry with min(j, l) < r (0-based: inside the leading r-block) breaks alignment in the first
 * layer at (j, l) (the ablation), one with min(j, l) ≥ r (beyond the bottleneck) changes nothing off the diagonal.
 *
 * Data: X = [diag(d_i) e_i columns | c(e_j + e_l)], so Λ = XXᵀ/n = (diag(d²) + c²(e_j + e_l)(e_j + e_l)ᵀ)/n has its
 * only off-diagonal entry at (j, l); Y = [diag(g_i) e_i | 0], so Γ = YXᵀ/n = diag(g_id_i)/n (d_0 = d_L).
 */
import fc from 'fast-check';
import { fraction } from 'mathjs';
import { exactGradientStep } from '../../exact/exactStep.js';
import { chainProduct, type FractionMatrix, matmul, offDiagonalNonzeros, scale, sub, transpose, zeros } from '../../exact/fractionMatrix.js';

export interface LeadingBlockCase {
  readonly dims: number[];
  /** σ numerators (over 4) per layer, positive */
  readonly sigmas: number[][];
  /** diagonal data scales d_i, targets g_i (numerators over 4) */
  readonly scales: number[];
  readonly targets: number[];
  /** the off-diagonal pair j < l and its weight c (numerator over 4) */
  readonly j: number;
  readonly l: number;
  readonly c: number;
}

/** r = min_k d_k. */
export const bottleneck = (dims: readonly number[]) => Math.min(...dims);

/** Cases with d_0 = d_L ∈ {2, 3, 4}, hidden widths 1..4, depth 2..3; where: 'leading' (min(j,l) < r) or 'beyond' (≥ r). */
export function leadingBlockCase(where: 'leading' | 'beyond'): fc.Arbitrary<LeadingBlockCase> {
  const num = fc.integer({ min: 1, max: 4 });
  return fc
    .record({
      end: fc.integer({ min: where === 'beyond' ? 3 : 2, max: 4 }),
      hidden: fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 2 }),
    })
    .map(({ end, hidden }) => [end, ...hidden, end])
    .filter((dims) => (where === 'beyond' ? bottleneck(dims) <= dims[0] - 2 : true))
    .chain((dims) => {
      const r = bottleneck(dims);
      const d0 = dims[0];
      const pair =
        where === 'leading'
          ? fc.integer({ min: 0, max: Math.min(r - 1, d0 - 2) }).chain((j) => fc.integer({ min: j + 1, max: d0 - 1 }).map((l) => ({ j, l })))
          : fc.integer({ min: r, max: d0 - 2 }).chain((j) => fc.integer({ min: j + 1, max: d0 - 1 }).map((l) => ({ j, l })));
      return fc.record({
        dims: fc.constant(dims),
        sigmas: fc.tuple(...dims.slice(1).map((d, k) => fc.array(num, { minLength: Math.min(d, dims[k]), maxLength: Math.min(d, dims[k]) }))),
        scales: fc.array(num, { minLength: d0, maxLength: d0 }),
        targets: fc.array(num, { minLength: d0, maxLength: d0 }),
        c: num,
        pair,
      });
    })
    .map(({ pair, ...rest }) => ({ ...rest, j: pair.j, l: pair.l }));
}

const q = (v: number) => fraction(v, 4);

function rectDiag(rows: number, cols: number, values: readonly number[]): FractionMatrix {
  const M = zeros(rows, cols);
  values.forEach((v, i) => (M[i][i] = q(v)));
  return M;
}

export interface LeadingBlockStep {
  /** off-diagonal nonzeros of W_k(1) per layer (U_k = I) */
  readonly observed: { layer: number; i: number; j: number; value: number }[];
  /** whether W_k(1) − W_k(0) equals −η·M_k exactly off the diagonal, every layer */
  readonly matchesFormula: boolean;
}

/** One exact GD step (η = 1/8) and the derived M_k, compared entry by entry off the diagonal. */
export function leadingBlockStep(c: LeadingBlockCase): LeadingBlockStep {
  const { dims } = c;
  const L = dims.length - 1;
  const d0 = dims[0];
  const eta = fraction(1, 8);
  const W = c.sigmas.map((s, k) => rectDiag(dims[k + 1], dims[k], s));
  const n = d0 + 1;
  const X = zeros(d0, n);
  const Y = zeros(d0, n);
  for (let i = 0; i < d0; i++) {
    X[i][i] = q(c.scales[i]);
    Y[i][i] = q(c.targets[i]);
  }
  X[c.j][d0] = q(c.c);
  X[c.l][d0] = q(c.c);
  const next = exactGradientStep(W, { kind: 'regression', X, Y }, eta).weights;
  const nInv = fraction(1, n);
  const Lam = scale(matmul(X, transpose(X)), nInv);
  const Gam = scale(matmul(Y, transpose(X)), nInv);
  const SigmaP = chainProduct(W, d0);
  const core = sub(matmul(SigmaP, Lam), Gam);
  let matches = true;
  const observed: LeadingBlockStep['observed'] = [];
  for (let k = 0; k < L; k++) {
    const above = transpose(chainProduct(W.slice(k + 1), dims[k + 1]));
    const below = transpose(chainProduct(W.slice(0, k), d0));
    const M = matmul(matmul(above, core), below);
    const step = sub(next[k], W[k]);
    for (const e of offDiagonalNonzeros(next[k])) observed.push({ layer: k + 1, i: e.i, j: e.j, value: e.value.valueOf() });
    step.forEach((row, i) =>
      row.forEach((v, jj) => {
        if (i !== jj && !v.equals(M[i][jj].mul(eta).neg())) matches = false;
      }),
    );
  }
  return { observed, matchesFormula: matches };
}
