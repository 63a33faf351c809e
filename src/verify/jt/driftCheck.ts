/**
 * The proof's own invariant behind JT.Thm1-rank1, -align and -prod: F2 summed over the run. F5 and F6 are F2 plus
 * linear algebra, and their slack (D + 4S) hides a wrong trajectory; the drift of the balancedness matrices does not.
 * A run keeps a DriftLedger (D_k(0), the per-layer sums T_j(t) = Σ_{τ<t} η_τ²‖G_j(τ)‖_F²), snapshots it at each
 * checkpoint (driftAt), and the properties check the snapshot (checkDrift): ‖D_k(t) − D_k(0)‖_2 ≤ max(T_k, T_{k+1})
 * (pairDriftBound) plus its rounding.
 */
import { topSingular } from '../../linalg/singularValues.js';
import { sumOfSquares } from '../../linalg/sumOfSquares.js';
import { balanceMatrices } from '../../metrics/balancedness.js';
import { driftEvaluationRounding, pairDriftBound } from '../../tolerances/jt.js';
import { failCheck } from '../checkFailure.js';

/** The F2-drift state of one checkpoint, per adjacent pair (k, k+1), 0-based k. */
export interface DriftSnapshot {
  readonly t: number;
  /** computed ‖D_k(t) − D_k(0)‖_2 */
  readonly observed: readonly number[];
  /** max(T_k(t), T_{k+1}(t)) */
  readonly bound: readonly number[];
  /** the bound's rounding allowance: accumulated step rounding + driftEvaluationRounding */
  readonly allowance: readonly number[];
}

export class DriftLedger {
  private readonly initial: Float64Array[];
  private readonly frobeniusSquared0: number[];
  /** T_j(t) = Σ_{τ<t} η_τ²‖G_j(τ)‖_F² */
  readonly energies: Float64Array;
  private steps = 0;

  constructor(
    weights: readonly Float64Array[],
    private readonly dims: readonly number[],
  ) {
    this.initial = balanceMatrices(weights, dims);
    this.frobeniusSquared0 = weights.map((W) => sumOfSquares(W));
    this.energies = new Float64Array(weights.length);
  }

  /** Adds one step's η²‖G_j‖_F² to every T_j (G the gradient the step actually took). */
  addStep(eta: number, gradSquaredNorms: ArrayLike<number>): void {
    const e2 = eta * eta;
    for (let j = 0; j < this.energies.length; j++) this.energies[j] += e2 * gradSquaredNorms[j];
    this.steps++;
  }

  /** The snapshot at W(t); stepRounding = Σ_τ driftRounding(τ), the per-step rounding accumulated so far. */
  snapshot(t: number, weights: readonly Float64Array[], stepRounding: number): DriftSnapshot {
    const dims = this.dims;
    const fro = weights.map((W) => sumOfSquares(W));
    const observed: number[] = [];
    const bound: number[] = [];
    const allowance: number[] = [];
    balanceMatrices(weights, dims).forEach((Dk, k) => {
      const d = dims[k + 1];
      const diff = new Float64Array(Dk.length);
      for (let i = 0; i < Dk.length; i++) diff[i] = Dk[i] - this.initial[k][i];
      const norm = topSingular(diff, d, d).sigma;
      const b = pairDriftBound(this.energies[k], this.energies[k + 1]);
      observed.push(norm);
      bound.push(b);
      allowance.push(
        stepRounding +
          driftEvaluationRounding({ dims, k, frobeniusSquared: fro, frobeniusSquared0: this.frobeniusSquared0, observed: norm, bound: b, steps: this.steps }),
      );
    });
    return { t, observed, bound, allowance };
  }
}

/**
 * F2-drift at one checkpoint: throws CheckFailure 'F2-drift' when ‖Δ_k‖_2 exceeds max(T_k, T_{k+1}) + allowance for
 * some pair; returns the largest observed/(bound + allowance) (the check's tightness; 0 when there is no pair).
 */
export function checkDrift(s: DriftSnapshot): number {
  let worst = 0;
  s.observed.forEach((obs, k) => {
    const allowed = s.bound[k] + s.allowance[k];
    if (!(obs <= allowed))
      failCheck(
        'F2-drift',
        obs,
        allowed,
        `F2 summed fails for the pair (${k + 1}, ${k + 2}) at t=${s.t}: ‖D_k(t) − D_k(0)‖_2 = ${obs} > max(T_k, T_{k+1}) = ${s.bound[k]} (+ rounding ${s.allowance[k]}); the first-order terms of the updates did not cancel`,
      );
    if (allowed > 0) worst = Math.max(worst, obs / allowed);
  });
  return worst;
}
