/**
 * The max-margin geometry of the JT margin claims (JT.Lem4, JT.Thm2-margin, JT.Thm4-margin): the SVM direction ū,
 * Lemma 4's α, the JT.A5 filter, and the angle of w_prod to ū with its rounding resolution.
 */
import type fc from 'fast-check';
import { jtA5 } from '../../assumptions/index.js';
import { signedSamples, type Dataset } from '../../data/dataset.js';
import { endToEnd, norm2 } from '../../linalg/dense.js';
import type { MarginLoss } from '../../losses/loss.js';
import { lemma4Alpha } from '../../maxMargin/lemma4Alpha.js';
import { maxMarginDirection, type MaxMargin } from '../../maxMargin/maxMargin.js';
import { normalizedMargin } from '../../metrics/margin.js';
import { alphaResolution, marginAllowance } from '../../tolerances/jt.js';
import { gamma } from '../../tolerances/rounding.js';
import { failCheck } from '../checkFailure.js';
import { type Evaluation, fail } from './descend.js';
import { type TrainCase, dataOf, trainCase } from './trainCase.js';

export interface Geometry {
  readonly data: Dataset;
  readonly z: Float64Array;
  readonly mm: MaxMargin;
  readonly alpha: number;
}

export function geometryOf(c: Pick<TrainCase, 'x' | 'y'>): Geometry | null {
  const data = dataOf(c);
  const z = signedSamples(data);
  const mm = maxMarginDirection(z, data.n, data.d);
  if (!mm) return null;
  return { data, z, mm, alpha: data.d >= 2 ? lemma4Alpha(z, data.n, data.d, mm) : Infinity };
}

/** JT.A5 holds and α is positive beyond its rounding level (alphaResolution): the hypotheses of Lem4/Thm2/Thm4. */
export function satisfiesA5(g: Geometry | null): g is Geometry {
  if (g === null || !jtA5(g.data, g.mm).holds || !Number.isFinite(g.alpha)) return false;
  let maxZ = 0;
  for (let i = 0; i < g.data.n; i++) maxZ = Math.max(maxZ, norm2(g.z.subarray(i * g.data.d, (i + 1) * g.data.d)));
  return g.alpha > alphaResolution(g.data.d, g.data.n, maxZ);
}

/** sin∠(w, ū) = ‖Π_⊥w‖/‖w‖ (accurate for small angles, unlike 1 − cos). */
export function sinToMaxMargin(ev: Evaluation): number {
  const off = ev.off;
  if (!off) return fail('sinToMaxMargin: evaluation without ū');
  const w = Math.hypot(off.prodOffNorm, off.prodAlong);
  return w === 0 ? 1 : off.prodOffNorm / w;
}

/** A sine at this level is zero to rounding: ŵ errs by γ_{K}‖w‖ and the projection by 3γ_{d+2}‖w‖. */
export function angleResolution(dims: readonly number[]): number {
  return gamma(dims.reduce((a, b) => a + b, 0) + 3 * dims[0] + 8);
}

/**
 * γ(w_prod) ≤ γ̄, and the SVM's own ū achieves γ̄ (the solver is checked too). Returns γ(w_prod)/(γ̄ + allowance), the
 * INEQ's observed/bound (its tightness), and γ(w_prod)/γ̄ (the regime's margin ratio).
 */
export function checkMarginBound(
  ev: Pick<Evaluation, 't'>,
  weights: readonly Float64Array[],
  dims: readonly number[],
  g: Geometry,
): { ratio: number; marginRatio: number } {
  const { data, z, mm } = g;
  const d = data.d;
  let maxZ = 0;
  for (let i = 0; i < data.n; i++) maxZ = Math.max(maxZ, norm2(z.subarray(i * d, (i + 1) * d)));
  const allowance = marginAllowance(d, data.n, maxZ, mm.margin);
  const w = endToEnd(weights, dims);
  const gamma = normalizedMargin(w, z, data.n, d);
  if (gamma > mm.margin + allowance)
    failCheck('margin-bound', gamma, mm.margin + allowance, `t=${ev.t}: γ(w_prod)=${gamma} > γ̄=${mm.margin}: either the claim or the SVM solver is wrong`);
  const svm = normalizedMargin(mm.direction, z, data.n, d);
  // a lower bound: observed and bound swapped so that a ratio > 1 means violated
  if (svm < mm.margin - allowance)
    failCheck('svm-margin', mm.margin - allowance, svm, `the SVM's ū has margin ${svm} < its γ̄=${mm.margin}: maxMarginDirection is inconsistent`);
  return { ratio: gamma / (mm.margin + allowance), marginRatio: gamma / mm.margin };
}

/** A trainCase whose data satisfy JT.A5 with α > 0 (Thm2/Thm4 hypotheses), d ≥ 2. */
export function marginCase(loss: MarginLoss): fc.Arbitrary<TrainCase> {
  return trainCase({ maxDepth: 3, loss, minDim: 2 }).filter((c) => satisfiesA5(geometryOf(c)));
}
