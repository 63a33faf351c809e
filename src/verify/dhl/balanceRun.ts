/**
 * Matrix factorization ½‖UVᵀ − M*‖² trained by the trainer, watched every step for the balancedness claims of DHL
 * (DHL.Lem3.1, DHL.Thm3.2): the imbalance UᵀU − VᵀV, the norms, the loss, and — when asked — the proof's invariants:
 * F2 summed over the run (D(t) − D(0) = Σ η²Q, named check "F2-sum"), drift ≤ S(t) ("drift-energy") and, for decaying
 * steps, S(t) ≤ c²(1 + 1/(2δ))·sup‖∇f‖² ("energy-budget"). Tolerances: src/tolerances/dhl.ts.
 */
import type { Weights } from '../../arbitraries/index.js';
import { plainFrobenius } from '../../linalg/sumOfSquares.js';
import { squared } from '../../losses/loss.js';
import { networkFromArrays } from '../../network/network.js';
import { energyBoundRatios, energyIdentityRatio, energyRoundingPerStep } from '../../tolerances/dhl.js';
import { gamma } from '../../tolerances/rounding.js';
import type { GradientFn } from '../../trainer/gradient.js';
import type { StepView } from '../../trainer/gradientDescent.js';
import { gradientDescent } from '../../trainer/gradientDescent.js';
import type { ScheduleSpec } from '../../trainer/schedule.js';
import { failCheck } from '../checkFailure.js';
import { Decided, factorizationData } from './factorization.js';
import { LINEAR } from './stepCase.js';

/** ½‖UVᵀ − M*‖² as a trainer run; risk units are f/n, steps n·η (see factorizationData). */
export interface BalanceRun {
  /** max over t of ‖U_tᵀU_t − V_tᵀV_t‖_F (∞ once anything is non-finite) */
  readonly maxImbalance: number;
  /** max over t of ‖U_t‖_F² + ‖V_t‖_F² */
  readonly maxSquaredNorm: number;
  readonly finalLoss: number;
  readonly initialLoss: number;
  /** worst observed/bound over t of each checked inequality (0 when unchecked) */
  readonly worst: { readonly identity: number; readonly drift: number; readonly budget: number };
}

/** D_1 = W_1W_1ᵀ − W_2ᵀW_2 (r × r) of a two-layer net into out, without allocating (called every step). */
function imbalanceInto(W1: Float64Array, W2: Float64Array, dims: readonly number[], out: Float64Array): void {
  const [d0, r, d2] = dims;
  for (let i = 0; i < r; i++)
    for (let j = 0; j < r; j++) {
      let s = 0;
      for (let c = 0; c < d0; c++) s += W1[i * d0 + c] * W1[j * d0 + c];
      for (let c = 0; c < d2; c++) s -= W2[c * r + i] * W2[c * r + j];
      out[i * r + j] = s;
    }
}

export interface BalanceRunOptions {
  readonly gradient?: GradientFn;
  /** stop once the imbalance reaches this (the outcome of an ε-event is then decided) */
  readonly stopAbove?: number;
  /** check the three inequalities at every step and throw a CheckFailure naming the first one violated */
  readonly check?: boolean;
  /** sees every step after the checks (W(t), f(t) = n·risk); may throw Decided to end the run early */
  readonly observe?: (view: StepView, loss: number) => void;
}

/**
 * Runs GD on ½‖UVᵀ − M*‖² (W_1 = Vᵀ, W_2 = U; schedule and steps in the trainer's units, see factorizationData) and
 * reports what the claims need. With `check`, the first violated invariant throws its CheckFailure.
 */
export function balanceRun(
  weights: Weights,
  target: readonly (readonly number[])[],
  schedule: ScheduleSpec,
  steps: number,
  opts: BalanceRunOptions = {},
): BalanceRun {
  const stopAbove = opts.stopAbove ?? Infinity;
  const net = networkFromArrays(weights, LINEAR);
  const data = factorizationData(target);
  const maxDim = Math.max(...net.dims, data.n);
  // D(0) by the same sums as D(t), so a run that never moves has drift exactly 0
  const D = new Float64Array(net.dims[1] ** 2);
  const D0 = new Float64Array(D.length);
  imbalanceInto(net.weights[0], net.weights[1], net.dims, D0);
  // Σ_{τ<t} η_τ²(G_1G_1ᵀ − G_2ᵀG_2): the drift F2 predicts, accumulated from the trainer's own gradients
  const Q = new Float64Array(D0.length);
  const D0norm = plainFrobenius(D0);
  let maxImbalance = D0norm;
  let maxSquaredNorm = 0;
  const worst = { identity: 0, drift: 0, budget: 0 };
  // the two D evaluations (at 0 and at t) round by ≤ 2γ_{m+1}Σ_k‖W_k‖_F² each (term (a) of balanceStepResiduals)
  const evaluation = (ws: readonly Float64Array[]) => 2 * gamma(maxDim + 4) * ws.reduce((s, W) => s + plainFrobenius(W) ** 2, 0);
  let rounding = evaluation(net.weights);
  let supGrad = 0;
  let finalLoss = NaN;
  let initialLoss = NaN;
  const [c, delta] = schedule.kind === 'decaying' ? [schedule.eta0, schedule.delta] : [NaN, NaN];
  const [d0, r, d2] = net.dims;
  try {
    gradientDescent({
      network: net,
      data,
      loss: squared,
      schedule,
      steps,
      gradient: opts.gradient,
      onStep(v) {
        if (v.t === 0) initialLoss = v.risk * data.n;
        finalLoss = v.risk * data.n;
        const [W1, W2] = v.weights;
        imbalanceInto(W1, W2, net.dims, D);
        let imbalance = 0;
        let drift = 0;
        let residual = 0;
        let qNorm = 0;
        for (let i = 0; i < D.length; i++) {
          imbalance += D[i] * D[i];
          drift += (D[i] - D0[i]) ** 2;
          residual += (D[i] - D0[i] - Q[i]) ** 2;
          qNorm += Q[i] * Q[i];
        }
        imbalance = Math.sqrt(imbalance);
        drift = Math.sqrt(drift);
        if (!Number.isFinite(imbalance) || imbalance > 1e100) throw new Decided();
        maxImbalance = Math.max(maxImbalance, imbalance);
        maxSquaredNorm = Math.max(maxSquaredNorm, plainFrobenius(W1) ** 2 + plainFrobenius(W2) ** 2);
        if (maxImbalance >= stopAbove) throw new Decided();
        if (opts.check && v.t > 0) {
          const atT = rounding + evaluation(v.weights);
          const identity = energyIdentityRatio({
            residual: Math.sqrt(residual),
            rounding: atT,
            energy: v.energy,
            steps: v.t,
            maxDim,
            operands: imbalance + D0norm + Math.sqrt(qNorm),
          });
          worst.identity = Math.max(worst.identity, identity);
          if (identity > 1)
            failCheck(
              'F2-sum',
              identity,
              1,
              `t=${v.t}: ‖D(t) − D(0) − Σ η²Q‖_F = ${Math.sqrt(residual).toExponential(3)} exceeds its rounding bound by ${identity.toExponential(3)}×`,
            );
          const ratios = energyBoundRatios({ drift, energy: v.energy, rounding: atT, steps: v.t, c, delta, supGradSquared: supGrad });
          worst.drift = Math.max(worst.drift, ratios.drift);
          // the budget is the decaying schedule's (constant steps have no such sum)
          if (schedule.kind === 'decaying') worst.budget = Math.max(worst.budget, ratios.budget);
          if (ratios.drift > 1)
            failCheck(
              'drift-energy',
              ratios.drift,
              1,
              `t=${v.t}: drift ‖D(t) − D(0)‖_F = ${drift.toExponential(3)} exceeds S(t) = ${v.energy.toExponential(3)}`,
            );
          if (schedule.kind === 'decaying' && ratios.budget > 1)
            failCheck('energy-budget', ratios.budget, 1, `t=${v.t}: S(t) = ${v.energy.toExponential(3)} exceeds c²(1 + 1/(2δ))·sup‖∇f‖² (c=${c}, δ=${delta})`);
        }
        opts.observe?.(v, finalLoss);
        supGrad = Math.max(supGrad, v.gradSquared);
        // the invariants' bookkeeping (rounding sum, Σ η²Q) only when they are checked: unchecked runs stay cheap
        if (v.t < steps && opts.check) {
          rounding += energyRoundingPerStep(v.weights, v.grads, v.eta, v.risk, maxDim, data.n);
          // Q += η²(G_1G_1ᵀ − G_2ᵀG_2) with G_1 (r × d0), G_2 (d2 × r)
          const [G1, G2] = v.grads;
          const e2 = v.eta * v.eta;
          for (let i = 0; i < r; i++)
            for (let j = 0; j < r; j++) {
              let q = 0;
              for (let k = 0; k < d0; k++) q += G1[i * d0 + k] * G1[j * d0 + k];
              for (let k = 0; k < d2; k++) q -= G2[k * r + i] * G2[k * r + j];
              Q[i * r + j] += e2 * q;
            }
        }
      },
    });
  } catch (e) {
    if (!(e instanceof Decided)) throw e;
    if (!(maxImbalance >= stopAbove)) maxImbalance = Infinity;
  }
  return { maxImbalance, maxSquaredNorm, finalLoss, initialLoss, worst };
}
