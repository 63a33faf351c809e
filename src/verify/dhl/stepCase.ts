/**
 * The balancedness claims' one-step cases (DHL.Thm2.2, DHL.Thm2.1, DHL.Cor2.1, ACH.Thm1): dyadic weights and data
 * for every loss and activation, their spec form for replay, one recorded GD step, and the twins' faults.
 */
import fc from 'fast-check';
import { architecture, regressionDataset, stepSize, type Weights } from '../../arbitraries/index.js';
import { datasetFromArrays, type Dataset } from '../../data/dataset.js';
import { exponential } from '../../losses/exponential.js';
import { expressionLoss } from '../../losses/expressionLoss.js';
import { logistic } from '../../losses/logistic.js';
import { squared, type Loss } from '../../losses/loss.js';
import type { Activation } from '../../network/activation.js';
import { type Network, networkFromArrays } from '../../network/network.js';
import type { SpecInput } from '../../spec/spec.js';
import { recordBalanceStep } from '../recordBalanceStep.js';
import type { BalanceStep } from '../../tolerances/dhlStep.js';
import type { GradientFault } from '../../trainer/brokenGradient.js';
import { createWorkspace, riskAndGradient, zerosLike, type GradientFn } from '../../trainer/gradient.js';
import { failCheck } from '../checkFailure.js';

export type LossName = 'logistic' | 'exponential' | 'squared' | 'expression';

/** A user loss that is none of the built-ins (a mathjs expression in u). */
export const EXPRESSION = 'log(1 + exp(-2 * u)) / 2 + exp(-u) / 4';

export const losses: Record<LossName, Loss> = { logistic, exponential, squared, expression: expressionLoss(EXPRESSION) };

/** One GD step of a network on data: everything a spec needs to replay it. */
export interface StepCase {
  readonly loss: LossName;
  readonly activation: Activation;
  readonly x: number[][];
  /** ±1 labels (margin losses) or targets (squared loss) */
  readonly y: number[] | number[][];
  readonly weights: Weights;
  readonly eta: number;
}

/** The report's distribution class of a case: loss and depth. */
export const caseClass = (c: StepCase): string => `${c.loss} L=${c.weights.length}`;

/** Weights with entries k/denominator, |k| ≤ maxEntry·denominator, shrinking toward 0 (readable cases). */
export function gridWeights(dims: readonly number[], maxEntry: number, denominator: number): fc.Arbitrary<Weights> {
  const entry = fc.integer({ min: -maxEntry * denominator, max: maxEntry * denominator }).map((k) => k / denominator);
  return fc.tuple(
    ...dims.slice(1).map((rows, k) => fc.array(fc.array(entry, { minLength: dims[k], maxLength: dims[k] }), { minLength: rows, maxLength: rows })),
  );
}

/** Dyadic weights k/8 in [−maxEntry, maxEntry]. */
export const dyadicWeights = (dims: readonly number[], maxEntry = 1) => gridWeights(dims, maxEntry, 8);

/** Data for the architecture: ‖x_i‖ ≤ 1 (regressionDataset); labels are the signs of a first target column. */
export function dataFor(dims: readonly number[], loss: LossName, maxSamples = 5, maxTarget = 1): fc.Arbitrary<{ x: number[][]; y: number[] | number[][] }> {
  const d = dims[0];
  const k = dims[dims.length - 1];
  return regressionDataset({ minSamples: 1, maxSamples, minDim: d, maxDim: d, minOutputDim: k, maxOutputDim: k, maxTarget }).map(({ x, y }) => ({
    x,
    y: loss === 'squared' ? y : y.map((row) => (row[0] >= 0 ? 1 : -1)),
  }));
}

export interface StepCaseConstraints {
  readonly activations: readonly Activation[];
  readonly minDepth?: number;
  readonly maxDepth?: number;
  readonly maxWidth?: number;
  readonly minStep?: number;
  readonly maxStep?: number;
}

/** Any loss (margin losses need d_L = 1; squared gets d_L up to 3), any data, weights and step. */
export function stepCase(c: StepCaseConstraints): fc.Arbitrary<StepCase> {
  return fc
    .record({
      loss: fc.constantFrom<LossName>('squared', 'logistic', 'exponential', 'expression'),
      activation: fc.constantFrom(...c.activations),
      outputs: fc.integer({ min: 1, max: 3 }),
    })
    .chain(({ loss, activation, outputs }) =>
      architecture({
        minDepth: c.minDepth ?? 2,
        maxDepth: c.maxDepth ?? 4,
        maxWidth: c.maxWidth ?? 3,
        maxInputDim: 3,
        minOutputDim: 1,
        maxOutputDim: loss === 'squared' ? outputs : 1,
      }).chain(({ dims }) =>
        fc.record({
          loss: fc.constant(loss),
          activation: fc.constant(activation),
          data: dataFor(dims, loss),
          weights: dyadicWeights(dims),
          eta: stepSize({ min: c.minStep ?? 2 ** -6, max: c.maxStep ?? 4 }),
        }),
      ),
    )
    .map(({ loss, activation, data, weights, eta }) => ({ loss, activation, x: data.x, y: data.y, weights, eta }));
}

export function datasetOf(c: Pick<StepCase, 'loss' | 'x' | 'y'>): Dataset {
  return datasetFromArrays(c.x, c.y, c.loss === 'squared' ? 'regression' : 'classification');
}

export function specOf(c: StepCase, steps = 1): SpecInput {
  const a = c.activation;
  return {
    data: { x: c.x, y: c.y },
    network: { weights: c.weights, activation: a.kind === 'leaky' ? { leaky: a.slope } : a.kind },
    loss: c.loss === 'expression' ? { expression: EXPRESSION } : c.loss,
    schedule: { kind: 'constant', eta: c.eta },
    steps,
  };
}

/**
 * One step by the trainer (with `gradient`, default exact), recorded for the F2/F4 bounds. The η²-term of the identity
 * is the TRUE gradients' (the claims are about ∂R/∂W_k), so `grads` is the exact gradient at W(t), not the one the
 * trainer stepped with: the two coincide for the exact trainer, and a trainer that steps with anything else (a 1 %
 * error, or no step at all) leaves a residual the identity does not predict. The bound's terms that use `grads`
 * (the update's rounding, η²|Q|) only grow where the trainer's gradient was smaller, so the check stays sound.
 */
export function recordStep(net: Network, data: Dataset, loss: Loss, eta: number, gradient?: GradientFn): BalanceStep {
  const step = recordBalanceStep(net, data, loss, eta, gradient);
  if (gradient === undefined || gradient === riskAndGradient) return step;
  const ws = createWorkspace(net.dims, data.n);
  const grads = zerosLike(net);
  riskAndGradient(ws, { ...net, weights: step.before.map((W) => W.slice()) }, data, loss, grads);
  return { ...step, grads };
}

export function stepOf(c: StepCase, gradient?: GradientFn): BalanceStep {
  return recordStep(networkFromArrays(c.weights, c.activation), datasetOf(c), losses[c.loss], c.eta, gradient);
}

export const twinFaults: readonly GradientFault[] = [
  { kind: 'scale', layer: 0, factor: 1.01 },
  { kind: 'transpose', layer: 0 },
  { kind: 'drop', layer: 1 },
];

export const LINEAR: Activation = { kind: 'linear' };

export const HOMOGENEOUS: readonly Activation[] = [
  { kind: 'relu' },
  { kind: 'leaky', slope: 0.01 },
  { kind: 'leaky', slope: 0.3 },
  { kind: 'leaky', slope: 0.5 },
  LINEAR,
];

export const TANH: Activation = { kind: 'tanh' };

export const SOFTPLUS: Activation = { kind: 'softplus' };

/**
 * Passes (returns true) when observed/bound ≤ 1, else throws the named CheckFailure, so a twin can assert which
 * check caught its fault and by how much. `what` says what was compared, for the failure message.
 */
export function withinBound(check: string, ratio: number, what: string): true {
  if (!(ratio <= 1)) failCheck(check, ratio, 1, `${what}: observed/bound ${ratio.toPrecision(4)}`);
  return true;
}
