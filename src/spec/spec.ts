import { z } from 'zod';
import { datasetFromArrays, type Dataset } from '../data/dataset.js';
import type { Activation } from '../network/activation.js';
import { networkFromArrays, type Network } from '../network/network.js';
import { exponential } from '../losses/exponential.js';
import { expressionLoss } from '../losses/expressionLoss.js';
import { logistic } from '../losses/logistic.js';
import { squared, type Loss } from '../losses/loss.js';
import type { ScheduleSpec } from '../trainer/schedule.js';

const finite = z.number({ error: 'must be a finite number' }).refine(Number.isFinite, { message: 'must be a finite number' });
const positive = finite.refine((v) => v > 0, { message: 'must be > 0' });
const matrix = z.array(z.array(finite));

const activation = z.union(
  [
    z.literal('linear'),
    z.literal('relu'),
    z.literal('tanh'),
    z.literal('softplus'),
    z.object({ leaky: finite.refine((m) => m >= 0 && m <= 1, { message: 'must be in [0, 1]' }) }).strict(),
  ],
  { error: 'must be "linear", "relu", "tanh", "softplus" or {"leaky": m} with 0 ≤ m ≤ 1' },
);

// an expression loss may declare its JT.A3 constants (ℓ' β-Lipschitz, |ℓ'| ≤ G): the JT.A4 step needs them, and
// jtA3 verifies declared constants on a grid rather than estimating them
const lipschitz = z.object({ beta: positive, G: positive }).strict();

const loss = z.union(
  [
    z.literal('exponential'),
    z.literal('logistic'),
    z.literal('squared'),
    z.object({ expression: z.string().min(1), lipschitz: lipschitz.optional() }).strict(),
  ],
  {
    error: 'must be "exponential", "logistic", "squared" or {"expression": "<mathjs expression in u>", "lipschitz"?: {"beta": β, "G": G}}',
  },
);

const schedule = z.discriminatedUnion(
  'kind',
  [
    z.object({ kind: z.literal('constant'), eta: positive }).strict(),
    z.object({ kind: z.literal('ji-telgarsky') }).strict(),
    z.object({ kind: z.literal('decaying'), eta0: positive, delta: finite.refine((d) => d > 0 && d <= 0.5, { message: 'must be in (0, 1/2]' }) }).strict(),
    z.object({ kind: z.literal('flow'), tolerance: positive, time: positive }).strict(),
  ],
  { error: 'kind must be one of constant, ji-telgarsky, decaying, flow' },
);

/** The JSON spec of one training run (README "Spec files"). */
export const specSchema = z
  .object({
    data: z.object({ x: matrix.min(1, { message: 'is empty; give at least one sample' }), y: z.union([z.array(finite), matrix]) }).strict(),
    network: z.object({ weights: z.array(matrix).min(1, { message: 'needs at least one layer' }), activation: activation.default('linear') }).strict(),
    loss,
    schedule,
    steps: z.number().int({ message: 'must be an integer' }).min(0, { message: 'must be ≥ 0' }),
    checkpoints: z.array(z.number().int({ message: 'must be an integer' }).min(0, { message: 'must be ≥ 0' })).default([]),
  })
  .strict();

export type SpecInput = z.input<typeof specSchema>;
export type Spec = z.output<typeof specSchema>;

/** A spec resolved into kernel objects. */
export interface TrainingSetup {
  readonly spec: Spec;
  readonly data: Dataset;
  readonly network: Network;
  readonly loss: Loss;
  readonly schedule: ScheduleSpec;
}

export class SpecError extends RangeError {
  override name = 'SpecError';
}

function pathOf(path: readonly PropertyKey[]): string {
  return path
    .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
    .join('')
    .replace(/^\./, '');
}

export function toActivation(a: Spec['network']['activation']): Activation {
  return typeof a === 'string' ? { kind: a } : { kind: 'leaky', slope: a.leaky };
}

export function toLoss(l: Spec['loss']): Loss {
  if (typeof l !== 'string') return expressionLoss(l.expression, 'loss.expression', l.lipschitz);
  return l === 'exponential' ? exponential : l === 'logistic' ? logistic : squared;
}

/**
 * Validates a parsed JSON value as a spec and resolves it. Every violation
 * throws a SpecError whose message is one line naming the field and the rule.
 */
export function parseSpec(value: unknown): TrainingSetup {
  const res = specSchema.safeParse(value);
  if (!res.success) {
    const issue = res.error.issues[0];
    throw new SpecError(`spec.${pathOf(issue.path) || '(root)'}: ${issue.message}`);
  }
  const spec = res.data;
  try {
    const loss = toLoss(spec.loss);
    const task = loss.kind === 'squared' ? 'regression' : 'classification';
    const data = datasetFromArrays(spec.data.x, spec.data.y, task, 'spec.data');
    const network = networkFromArrays(spec.network.weights, toActivation(spec.network.activation), 'spec.network.weights');
    const L = network.dims.length - 1;
    if (network.dims[0] !== data.d)
      throw new SpecError(`spec.network.weights[0]: has ${network.dims[0]} columns but data.x has d=${data.d} features; they must match`);
    if (network.dims[L] !== data.outDim)
      throw new SpecError(`spec.network.weights[${L - 1}]: has ${network.dims[L]} rows but the targets have dimension ${data.outDim}; they must match`);
    for (const c of spec.checkpoints) if (c > spec.steps) throw new SpecError(`spec.checkpoints: step ${c} is beyond steps=${spec.steps}`);
    return { spec, data, network, loss, schedule: spec.schedule };
  } catch (e) {
    if (e instanceof SpecError) throw e;
    const msg = (e as Error).message;
    throw new SpecError(msg.startsWith('spec.') ? msg : `spec.${msg}`);
  }
}
