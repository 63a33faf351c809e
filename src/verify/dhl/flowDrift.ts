/**
 * DHL.Thm2.2 under gradient flow: one DOP853 flow of a linear net, watched step by step, with the drift of every D_k
 * against the budget built from the integrator's accepted local error estimates (src/tolerances/dhlFlow.ts).
 */
import { plainFrobenius } from '../../linalg/sumOfSquares.js';
import { balanceMatrices } from '../../metrics/balancedness.js';
import { networkFromArrays } from '../../network/network.js';
import { FlowDriftBudget, flowBudgetRatio } from '../../tolerances/dhlFlow.js';
import { RkIdentitySum, rkIdentityRatio } from '../../tolerances/dhlRkIdentity.js';
import { cancellationMagnitudes, outputDeltaMagnitudes } from '../../tolerances/dhlStep.js';
import { createWorkspace, riskAndGradient, zerosLike, type GradientFn } from '../../trainer/gradient.js';
import { gradientFlow } from '../../trainer/gradientFlow.js';
import { datasetOf, losses, type StepCase } from './stepCase.js';

export interface FlowDriftOutcome {
  /** max over pairs of ‖D_k(T) − D_k(0)‖_F / budget_k (≤ 1 when the claim holds) */
  readonly ratio: number;
  /** max_k ‖D_k(T) − D_k(0)‖_F */
  readonly drift: number;
  /** max_k budget_k */
  readonly budget: number;
  /** the truncation part's share of that budget (the rest is rounding) */
  readonly truncationShare: number;
  /** accepted steps */
  readonly steps: number;
  /**
   * 0.01·∫_0^T ‖G_1W_1ᵀ + W_1G_1ᵀ‖_F dt (trapezoid over the accepted steps, with the trainer's gradient): the drift of D_1 that a 1 % error in G_1
   * adds at first order. The check can see such an error only where this is well above the budget.
   */
  readonly onePercent: number;
  /**
   * The Runge–Kutta identity (src/tolerances/dhlRkIdentity.ts): max over pairs of ‖D(T) − D(0) − Σ_n h_n²Q_n‖_F over
   * its floating-point allowance (≤ 1 when the gradient identity B(Y, −∇R(Y)) = 0 holds at every stage point)
   */
  readonly rkRatio: number;
  /** max over pairs of the identity's residual ‖D(T) − D(0) − Σ_n h_n²Q_n‖_F, and of its allowance */
  readonly rkResidual: number;
  readonly rkAllowance: number;
}

function symmetricProductNorm(G: Float64Array, W: Float64Array, rows: number, cols: number): number {
  // ‖GWᵀ + WGᵀ‖_F for G, W of shape rows × cols
  let s = 0;
  for (let i = 0; i < rows; i++)
    for (let j = 0; j < rows; j++) {
      let v = 0;
      for (let c = 0; c < cols; c++) v += G[i * cols + c] * W[j * cols + c] + W[i * cols + c] * G[j * cols + c];
      s += v * v;
    }
  return Math.sqrt(s);
}

/**
 * Integrates the flow of the case's linear net (the trainer's `gradient`, exact by default) on [0, time] at
 * `tolerance` and compares the drift of D with its budget. Linear layers only (the budget's cancellation bound
 * assumes them). Throws on divergence.
 */
export function flowDrift(c: StepCase, time: number, tolerance: number, gradient: GradientFn = riskAndGradient): FlowDriftOutcome {
  if (c.activation.kind !== 'linear') throw new RangeError(`flowDrift: activation=${c.activation.kind} must be linear (DHL.Thm2.2)`);
  const net = networkFromArrays(c.weights, c.activation);
  const data = datasetOf(c);
  const loss = losses[c.loss];
  const ws = createWorkspace(net.dims, data.n);
  const grads = zerosLike(net);
  // ‖Mag_k‖_F at W: the rounding scale of the first-order cancellation G_kW_kᵀ = W_{k+1}ᵀG_{k+1}
  const magnitudeNorms = (weights: Float64Array[]): number[] => {
    riskAndGradient(ws, { ...net, weights }, data, loss, grads);
    return cancellationMagnitudes(weights, net.dims, data, outputDeltaMagnitudes(ws, data, loss)).map(plainFrobenius);
  };
  // ‖G_1W_1ᵀ + W_1G_1ᵀ‖_F with the trainer's gradient at W (for the 1 % sensitivity)
  const rate = (weights: readonly Float64Array[]): number => {
    gradient(ws, { ...net, weights: [...weights] }, data, loss, grads);
    return symmetricProductNorm(grads[0], weights[0], net.dims[1], net.dims[0]);
  };
  const budget = new FlowDriftBudget(net.dims, data.n);
  const identity = new RkIdentitySum(net.dims);
  let before = magnitudeNorms(net.weights);
  let lastRate = rate(net.weights);
  let integral = 0;
  const res = gradientFlow({
    network: net,
    data,
    loss,
    time,
    tolerance,
    onAcceptedStep: (s) => {
      const after = magnitudeNorms([...s.weights]);
      budget.addStep({ ...s, magnitudes: after.map((m, k) => Math.max(m, before[k])) });
      before = after;
      identity.addStep(s.h, s.start, s.stages);
      // trapezoid over the accepted steps
      const r = rate(s.weights);
      integral += (s.h * (r + lastRate)) / 2;
      lastRate = r;
    },
    gradient,
  });
  if (res.diverged) throw new Error(`gradientFlow diverged: ${res.diverged.reason}`);
  const D0 = balanceMatrices(net.weights, net.dims);
  const drifts = balanceMatrices(res.network.weights, net.dims).map((D, k) => plainFrobenius(D.map((v, i) => v - D0[k][i])));
  const perPair = budget.budget(net.weights, res.network.weights);
  const worst = perPair.reduce((w, b, k) => (b > perPair[w] ? k : w), 0);
  const residuals = identity.residuals(net.weights, res.network.weights);
  const allowance = identity.allowance(budget, net.weights, res.network.weights, data.n);
  return {
    ratio: flowBudgetRatio(drifts, perPair),
    drift: Math.max(0, ...drifts),
    budget: perPair[worst],
    truncationShare: budget.truncation[worst] / perPair[worst],
    steps: budget.steps,
    onePercent: 0.01 * integral,
    rkRatio: rkIdentityRatio(residuals, allowance),
    rkResidual: Math.max(0, ...residuals),
    rkAllowance: Math.max(0, ...allowance),
  };
}
