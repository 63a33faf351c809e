/**
 * The scalar recursion of RNBU.Cor1 on the singular values, its Lipschitz bound, and the carried distance between the
 * matrix trajectory and the exact scalar one (RNBU.Cor1 and RNBU.Prop1).
 */
import { alignedInitSigmas, alignedInitWeights, type AlignedInit } from '../../arbitraries/alignedInit.js';
import { gamma } from '../../tolerances/rounding.js';
import { plainFrobenius } from '../../linalg/sumOfSquares.js';
import { symmetricEigenvalues } from '../../linalg/symmetricEigenvalues.js';
import type { InvarianceReport } from './invariance.js';

/** σ per layer k, per index j (layers lacking index j have no entry: a missing σ counts as 0). */
export type Sigmas = number[][];

/** F_{k,j}(σ) = (∏_{l≠k} σ_{l,j})(λ_j ∏_l σ_{l,j} − γ_j): the diagonal of G̃_k under invariant alignment (RNBU.Cor1). */
export function scalarGradient(sig: Sigmas, lam: readonly number[], gam: readonly number[]): Sigmas {
  const at = (l: number, j: number) => (j < sig[l].length ? sig[l][j] : 0);
  return sig.map((row, k) =>
    row.map((_, j) => {
      let others = 1;
      let all = 1;
      sig.forEach((_, l) => {
        all *= at(l, j);
        if (l !== k) others *= at(l, j);
      });
      return others * ((lam[j] ?? 0) * all - (gam[j] ?? 0));
    }),
  );
}

export function scalarStep(sig: Sigmas, lam: readonly number[], gam: readonly number[], eta: number): Sigmas {
  const F = scalarGradient(sig, lam, gam);
  return sig.map((row, k) => row.map((s, j) => s - eta * F[k][j]));
}

/**
 * Lipschitz bound of the scalar map Φ(σ) = σ − ηF(σ) on the box {ξ : |ξ − σ| ≤ δ}
 * around σ, per index j in the 2-norm over the layers. F_{·,j} is the gradient
 * of φ_j = (λ_j/2)π² − γ_jπ (π = ∏_l σ_{l,j}), so J = I − ηH with H its symmetric
 * Hessian: H_kk = λπ_{−k}², H_km = π_{−k,−m}(λπ − γ) + λπ_{−k}π_{−m}. Then
 * ‖J(ξ)‖_2 ≤ max_i |1 − ημ_i(H(σ))| + η‖H(ξ) − H(σ)‖_F, and each entry of H
 * moves on the box by at most D_km(|σ|+δ) − D_km(|σ|), D_km the same polynomial
 * with |coefficients| and |σ|. The spectral norm keeps the contraction (and the
 * neutral imbalance direction, |1 − 0| = 1) that a max-norm bound would lose.
 * Returns the max over indices.
 */
export function scalarLipschitz(point: Sigmas, delta: number, lam: readonly number[], gam: readonly number[], eta: number): number {
  const width = Math.max(...point.map((r) => r.length));
  let worst = 1;
  for (let j = 0; j < width; j++) {
    const layers = point.map((r, k) => (j < r.length ? k : -1)).filter((k) => k >= 0);
    const l = lam[j] ?? 0;
    const g = gam[j] ?? 0;
    const s = point.map((r) => (j < r.length ? r[j] : 0));
    const a = s.map(Math.abs);
    const up = a.map((v) => v + delta);
    const without = (v: readonly number[], ...skip: number[]) => v.reduce((p, x, i) => (skip.includes(i) ? p : p * x), 1);
    const signed = (k: number, m: number) => (m === k ? l * without(s, k) ** 2 : without(s, k, m) * (l * without(s) - g) + l * without(s, k) * without(s, m));
    const bound = (v: readonly number[], k: number, m: number) =>
      m === k ? l * without(v, k) ** 2 : without(v, k, m) * (l * without(v) + Math.abs(g)) + l * without(v, k) * without(v, m);
    const H = layers.map((k) => layers.map((m) => signed(k, m)));
    const mus = symmetricEigenvalues(H);
    let move = 0;
    for (const k of layers) for (const m of layers) move += (bound(up, k, m) - bound(a, k, m)) ** 2;
    worst = Math.max(worst, Math.max(...mus.map((mu) => Math.abs(1 - eta * mu))) + eta * Math.sqrt(move));
  }
  return worst;
}

export interface ScalarComparison {
  /** per step: the float scalar recursion from the exact initial σ */
  scalar: Sigmas[];
  /** per step: bound on ‖σ^matrix_{·,j}(t) − σ^exact_{·,j}(t)‖_2 (every j), σ^exact the exact-arithmetic scalar recursion */
  errMatrix: number[];
  /** per step: bound on ‖σ^scalar_{·,j}(t) − σ^exact_{·,j}(t)‖_2 */
  errScalar: number[];
}

/**
 * Carries both trajectories' distance to the exact scalar recursion, per index
 * in the 2-norm over layers: err_{t+1} = Lip_t·err_t + ‖defect_t‖_2. Matrix
 * defect per layer: η·‖Ĝ_k − G_al‖ (the same leak bound as RNBU.Thm1, which also
 * bounds the diagonal's departure from F) plus the update rounding; scalar
 * defect: evaluating F and the update in float, 2L + 4 roundings relative to
 * |σ| + η|F|. Lip_t on a box around the matrix point wide enough to hold the
 * exact and the float scalar points.
 */
export function compareWithScalar(r: InvarianceReport, init: AlignedInit, lam: readonly number[], gam: readonly number[], eta: number): ScalarComparison {
  const L = init.dims.length - 1;
  const s0 = alignedInitSigmas(init);
  const weights0 = alignedInitWeights(init);
  let scal: Sigmas = s0.map((row) => [...row]);
  // weights rounded once from the exact product: the true diagonal differs from σ_0 by ≤ γ_1‖W_k(0)‖_F per layer
  const norm2 = (v: readonly number[]) => Math.sqrt(v.reduce((acc, x) => acc + x * x, 0));
  let errM = norm2(weights0.map((W) => gamma(1) * plainFrobenius(W)));
  let errS = 0;
  const out: ScalarComparison = { scalar: [], errMatrix: [], errScalar: [] };
  for (let t = 0; t < r.sigmas.length; t++) {
    out.scalar.push(scal);
    out.errMatrix.push(errM);
    out.errScalar.push(errS);
    // the box around the matrix point contains the exact trajectory (err + readout away) and the float scalar one
    const lip = scalarLipschitz(r.sigmas[t], errM + errS + Math.max(...r.readout[t]), lam, gam, eta);
    const F = scalarGradient(scal, lam, gam);
    const width = Math.max(...scal.map((row) => row.length));
    const defS = Math.max(
      0,
      ...Array.from({ length: width }, (_, j) =>
        norm2(scal.map((row, k) => (j < row.length ? gamma(2 * L + 4) * (Math.abs(row[j]) + eta * Math.abs(F[k][j])) : 0))),
      ),
    );
    errM = lip * errM + norm2(r.defect[t]);
    errS = lip * errS + defS;
    scal = scalarStep(scal, lam, gam, eta);
  }
  return out;
}
