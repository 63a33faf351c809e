import { generalizedCross, orthonormalComplement } from '../linalg/subspace.js';
import { checkData, rowDot } from './maxMargin.js';
import type { MaxMargin } from './maxMargin.js';
import { EPS, FACET_RATIO, MAX_FACET_FLOPS, NORMAL_ERROR_MAX, normalError } from './tolerances.js';

/**
 * α = min over unit ξ ⊥ ū of max over support vectors of ⟨ξ, z_i⟩ (JT.Lem4), for mm computed from the same z.
 *
 * With p_i = Π_⊥ z_i written in an orthonormal basis of ū^⊥ (dimension m = d − 1) and P = conv{p_i : support
 * vectors}, α = min_ξ h_P(ξ) (h_P the support function). The KKT conditions give Π_⊥w = Σ λ_i p_i = 0 with
 * λ ≥ 0, so 0 ∈ P and α ≥ 0, positive iff 0 is interior to P. For 0 ∈ P, min over the unit sphere of h_P is the
 * distance from 0 to ∂P, the least offset b_F of a facet {x : ⟨a_F, x⟩ = b_F}:
 * - d = 1: ū^⊥ = {0} has no unit vector; the minimum over the empty set is +∞ (Lemma 4's hypothesis
 *   ‖Π_⊥w‖ > 1 + ln(n)/α can never hold, since Π_⊥w = 0).
 * - d = 2: with e ⊥ ū, α = min(max_sv ⟨e, z_i⟩, max_sv ⟨−e, z_i⟩) (the formula of JT.Lem4 in docs/claims.md).
 * - d ≥ 3: every facet of P is spanned by m affinely independent p_i and supports all of them, so α is the least
 *   offset over such m-subsets. Exact up to rounding for points in general position; cost C(k, m)·O(m⁴),
 *   capped by MAX_FACET_FLOPS (a RangeError beyond it). If no m-subset is affinely independent, P is flat and
 *   contains 0: α = 0.
 * Values below 0 can only be rounding (0 ∈ P), and are returned as 0.
 */
export function lemma4Alpha(z: Float64Array, n: number, d: number, mm: MaxMargin): number {
  checkData('lemma4Alpha', z, n, d);
  const u = mm.direction;
  if (u.length !== d) throw new RangeError(`lemma4Alpha: mm.direction.length=${u.length} must equal d=${d}; pass maxMarginDirection(z, n, d)`);
  const sv = mm.supportVectors;
  if (sv.length === 0) throw new RangeError('lemma4Alpha: mm.supportVectors=[] must not be empty; pass maxMarginDirection(z, n, d)');
  for (const i of sv)
    if (!Number.isInteger(i) || i < 0 || i >= n)
      throw new RangeError(`lemma4Alpha: mm.supportVectors contains ${i}, must be a row index in [0, ${n}); pass maxMarginDirection(z, n, d)`);

  if (d === 1) return Infinity;

  if (d === 2) {
    const e = [-u[1], u[0]];
    let up = -Infinity;
    let down = -Infinity;
    for (const i of sv) {
      const t = rowDot(e, z, i, d);
      up = Math.max(up, t);
      down = Math.max(down, -t);
    }
    return Math.max(0, Math.min(up, down));
  }

  const m = d - 1;
  const basis = orthonormalComplement(u);
  const k = sv.length;
  const p: Float64Array[] = sv.map((i) => {
    const v = new Float64Array(m);
    for (let c = 0; c < m; c++) v[c] = rowDot(basis[c], z, i, d);
    return v;
  });
  let S = 0;
  for (const v of p) S = Math.max(S, 2 * Math.hypot(...v));
  if (S === 0) return 0;

  const candidates = binomial(k, m);
  const flops = (candidates * m * (m - 1) ** 3) / 3;
  if (flops > MAX_FACET_FLOPS)
    throw new RangeError(
      `lemma4Alpha: d=${d} with k=${k} support vectors needs C(k, d−1)=${candidates} facet candidates (~${flops.toExponential(1)} flops, above ${MAX_FACET_FLOPS}); α is computed by facet enumeration, so use a smaller d or fewer support vectors`,
    );

  let alpha = Infinity;
  const idx = Array.from({ length: m }, (_, c) => c);
  const M: number[][] = Array.from({ length: m - 1 }, () => new Array<number>(m).fill(0));
  const a = new Float64Array(m);
  for (let more = k >= m; more; more = nextCombination(idx, k)) {
    const q0 = p[idx[0]];
    let logH = 0;
    let inverseRowNormSum = 0;
    for (let r = 1; r < m; r++) {
      for (let c = 0; c < m; c++) M[r - 1][c] = p[idx[r]][c] - q0[c];
      const rowNorm = Math.hypot(...M[r - 1]);
      logH += Math.log(rowNorm);
      inverseRowNormSum += 1 / rowNorm;
    }
    generalizedCross(M, m, a);
    const aNorm = Math.hypot(...a);
    if (aNorm === 0) continue;
    const err = normalError(m, S, logH, inverseRowNormSum, aNorm);
    // written so that NaN (a zero row: 0·∞) skips the candidate too
    if (!(err <= NORMAL_ERROR_MAX)) continue;
    for (let c = 0; c < m; c++) a[c] /= aNorm;
    let b = 0;
    for (let c = 0; c < m; c++) b += a[c] * q0[c];
    let hi = -Infinity;
    let lo = Infinity;
    for (const v of p) {
      let t = -b;
      for (let c = 0; c < m; c++) t += a[c] * v[c];
      hi = Math.max(hi, t);
      lo = Math.min(lo, t);
    }
    const slack = FACET_RATIO * (err + m * EPS) * S;
    if (hi <= slack) alpha = Math.min(alpha, b); // all points on the side ⟨a, x⟩ ≤ b: h_P(a) = b
    if (lo >= -slack) alpha = Math.min(alpha, -b); // all on ⟨−a, x⟩ ≤ −b: h_P(−a) = −b
  }
  if (alpha === Infinity) return 0;
  return Math.max(0, alpha);
}
/** Advances idx (ascending, values < k) to the next combination in lexicographic order; false when done. */
function nextCombination(idx: number[], k: number): boolean {
  const m = idx.length;
  let r = m - 1;
  while (r >= 0 && idx[r] === k - m + r) r--;
  if (r < 0) return false;
  idx[r]++;
  for (let s = r + 1; s < m; s++) idx[s] = idx[s - 1] + 1;
  return true;
}

function binomial(k: number, m: number): number {
  if (m > k) return 0;
  let c = 1;
  for (let j = 1; j <= m; j++) c = (c * (k - m + j)) / j;
  return Math.round(c);
}
