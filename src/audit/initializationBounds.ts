import { svd, topSingular } from '../linalg/singularValues.js';
import {
  adjacentAlignmentBound,
  alignmentRounding,
  energyRounding,
  initializationConstant,
  rankOneGapBound,
  rankOneGapRounding,
  type LayerSpectrum,
} from '../tolerances/jt.js';
import { driftRounding, gradientConsistency, riskRounding, svdRoundings, updateRounding } from '../tolerances/jtRounding.js';
import { UNIT_ROUNDOFF } from '../tolerances/rounding.js';
import { notApplicable, where, Worst, type CheckResult } from './check.js';
import type { Evaluation } from './evaluate.js';
import type { Trajectory } from './trajectory.js';

/**
 * F5 (JT.Thm1-rank1: 1 − ρ_k² ≤ (D + 4S(t))/‖W_k(t)‖_F²) and F6 (JT.Thm1-align:
 * (1 − ⟨v_{k+1}, u_k⟩²)‖W_{k+1}(t)‖_2² ≤ D + 6S(t) + ‖W_{k+1}(0)‖_2² + ‖W_k(0)‖_2²) at every recorded step, with D from
 * the recorded W(0) and S(t) = Σ_{τ<t} η_τ²‖∇R(W(τ))‖² from the recorded η's: exact over consecutive recorded steps;
 * across a gap of unrecorded steps a → b bounded by F7, 2(R(a) − R(b)), which holds when every unrecorded step
 * satisfies the descent inequality with η ≤ 1 (JT.A4 steps do) — the result says when it used F7. Allowances as in
 * the JT properties (tolerances/alignment.ts); the drift rounding of unrecorded steps is not known and not added.
 */

interface Spectrum extends LayerSpectrum {
  readonly frobeniusSquared: number;
  readonly u: Float64Array;
  readonly v: Float64Array;
}

function spectrum(W: Float64Array, rows: number, cols: number, frobeniusSquared: number): Spectrum {
  const top = topSingular(W, rows, cols);
  const sigma2 = Math.min(rows, cols) > 1 ? (svd(W, rows, cols).sigmas[1] ?? 0) : 0;
  return { sigma1: top.sigma, sigma2, rows, cols, frobeniusSquared, u: top.u, v: top.v };
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

export interface InitializationBoundsResult {
  readonly f5: CheckResult;
  readonly f6: CheckResult;
  /** ρ_k and |⟨v_{k+1}, u_k⟩| at the last record */
  readonly rho: number[];
  readonly alignment: number[];
}

export function initializationBoundsChecks(traj: Trajectory, evals: readonly Evaluation[]): InitializationBoundsResult {
  const { activation, loss, lossName } = traj.header;
  const dims = traj.dims;
  const L = dims.length - 1;
  const none = (why: string): InitializationBoundsResult => ({
    f5: notApplicable('F5', 'JT.Thm1-rank1', why),
    f6: notApplicable('F6', 'JT.Thm1-align', why),
    rho: [],
    alignment: [],
  });
  if (activation.kind !== 'linear') return none(`F5/F6 are for linear nets; activation is ${activation.kind}`);
  if (loss.kind !== 'margin' || (lossName !== 'logistic' && lossName !== 'exponential'))
    return none(`F5/F6's allowances are derived for 1-d output with the logistic or exponential loss; loss is ${lossName}`);
  if (evals[0].record.step !== 0) return none(`D needs W(0); the first recorded step is ${evals[0].record.step} (line ${evals[0].record.line})`);
  const D = initializationConstant(evals[0].record.weights, dims);
  const entries = evals[0].record.weights.reduce((s, W) => s + W.length, 0);
  const p = (j: number) => 2 * svdRoundings(dims[j + 1], dims[j]) * UNIT_ROUNDOFF;
  const f5 = new Worst();
  const f6 = new Worst();
  let energy = 0;
  let drift = 0;
  let gaps = 0;
  let broken: string | null = null;
  let rho: number[] = [];
  let alignment: number[] = [];
  for (let i = 0; i < evals.length; i++) {
    const e = evals[i];
    const t = e.record.step;
    if (i > 0) {
      const a = evals[i - 1];
      if (t === a.record.step + 1) {
        const eta = a.record.eta;
        energy += eta * eta * a.gradSq;
        const norms = e.layerSq.map(Math.sqrt);
        const storage = a.layerGradSq.map((g2, k) => updateRounding(eta, Math.sqrt(g2), norms[k]));
        drift += driftRounding(eta, gradientConsistency(a.scale!), a.layerSq.map(Math.sqrt), storage, norms);
      } else {
        // F7 across the gap: S grows by at most 2(R(a) − R(b)) when every unrecorded step descends with η ≤ 1
        const slack = riskRounding(a.scale!) + riskRounding(e.scale!);
        if (e.risk > a.risk + slack || a.record.eta > 1) {
          broken = `the risk rose (or η > 1) across the unrecorded steps ${a.record.step}…${t} (line ${e.record.line}), so F7 cannot bound S(t) there; record every step`;
          break;
        }
        energy += 2 * Math.max(0, a.risk - e.risk) + 2 * slack;
        gaps++;
      }
    }
    const spectra = e.record.weights.map((W, k) => spectrum(W, dims[k + 1], dims[k], e.layerSq[k]));
    const gapBound = rankOneGapBound(D.value, energy) + D.rounding + 4 * drift + 4 * energyRounding(t, entries) * energy;
    f5.checked++;
    spectra.forEach((sp, k) => {
      const g = sp.frobeniusSquared - sp.sigma1 * sp.sigma1;
      const allowed = gapBound + rankOneGapRounding(sp.frobeniusSquared, sp);
      f5.see(
        g / allowed,
        where(t, e.record.line, `layer ${k + 1}`),
        () =>
          `layer ${k + 1}: g_k = ‖W_k‖_F² − ‖W_k‖_2² = ${g.toPrecision(6)} > D + 4S(t) = ${rankOneGapBound(D.value, energy).toPrecision(6)} (D=${D.value.toPrecision(4)}, S=${energy.toPrecision(4)})`,
      );
    });
    if (L >= 2) f6.checked++;
    const s0 = D.spectralSquared;
    for (let k = 0; k + 1 < L; k++) {
      const next = spectra[k + 1];
      const layer = spectra[k];
      const c = Math.abs(dot(next.v, layer.u));
      const lhs = (1 - c * c) * next.sigma1 * next.sigma1;
      const bound =
        adjacentAlignmentBound(D.value, energy, s0[k + 1], s0[k]) +
        D.rounding +
        8 * drift +
        6 * energyRounding(t, entries) * energy +
        p(k + 1) * s0[k + 1] +
        p(k) * s0[k];
      const allowed = bound + alignmentRounding(next, layer);
      // a repeated top singular value leaves c undetermined (allowance ∞): the pair is counted with ratio 0
      f6.see(
        lhs / allowed,
        where(t, e.record.line, `layers ${k + 1}, ${k + 2}`),
        () => `(1 − ⟨v_${k + 2}, u_${k + 1}⟩²)·‖W_${k + 2}‖_2² = ${lhs.toPrecision(6)} > ${bound.toPrecision(6)} (c=${c})`,
      );
    }
    rho = spectra.map((sp) => sp.sigma1 / Math.sqrt(sp.frobeniusSquared));
    alignment = spectra.slice(0, -1).map((sp, k) => Math.abs(dot(spectra[k + 1].v, sp.u)));
  }
  const how = gaps ? `; S(t) across ${gaps} gap(s) of unrecorded steps from F7 (assumes the descent inequality there)` : '';
  const withBreak = (r: CheckResult): CheckResult =>
    broken && r.verdict !== 'fail' ? { ...r, verdict: r.checked ? r.verdict : 'not applicable', detail: `${r.detail}; stopped: ${broken}` } : r;
  const f5r = withBreak(f5.result('F5', 'JT.Thm1-rank1', `${f5.checked} records: 1 − ρ_k² ≤ (D + 4S(t))/‖W_k‖_F² for every layer${how}`));
  const f6r =
    L < 2
      ? notApplicable('F6', 'JT.Thm1-align', 'one layer: no adjacent pair')
      : withBreak(f6.result('F6', 'JT.Thm1-align', `${f6.checked} records: F6 for every adjacent pair${how}`));
  return { f5: f5r, f6: f6r, rho, alignment };
}
