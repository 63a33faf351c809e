import { datasetToArrays, type Dataset } from '../data/dataset.js';
import { toLoss } from '../spec/spec.js';
import type { Activation } from '../network/activation.js';
import { networkFromArrays } from '../network/network.js';
import type { GradientFn } from '../trainer/gradient.js';
import { gradientDescent } from '../trainer/gradientDescent.js';
import type { ScheduleSpec } from '../trainer/schedule.js';

/**
 * Writes a trajectory file (the format `dlncheck audit` reads, src/audit/trajectory.ts) from dlncheck's own
 * trainer: the reference input of the audit's tests and power measurements, and an example of the format.
 */
export interface RecordOptions {
  readonly data: Dataset;
  readonly loss: 'logistic' | 'exponential' | 'squared';
  readonly activation: Activation;
  readonly weights: number[][][];
  readonly schedule: ScheduleSpec;
  readonly steps: number;
  /** the steps to record (default: every step 0…steps) */
  readonly record?: readonly number[];
  /** a broken trainer (src/trainer/brokenGradient.ts) for the audit's fault tests */
  readonly gradient?: GradientFn;
}

function activationJson(a: Activation): unknown {
  return a.kind === 'leaky' ? { leaky: a.slope } : a.kind;
}

function rows(W: Float64Array, r: number, c: number): number[][] {
  return Array.from({ length: r }, (_, i) => Array.from(W.subarray(i * c, (i + 1) * c)));
}

/** The file's text: the header line, then one line per recorded step. The last line's eta repeats the last step's. */
export function recordTrajectory(o: RecordOptions): string {
  const net = networkFromArrays(o.weights, o.activation);
  const want = new Set(o.record ?? Array.from({ length: o.steps + 1 }, (_, t) => t));
  const { x, y } = datasetToArrays(o.data);
  const lines = [JSON.stringify({ data: { x, y }, loss: o.loss, activation: activationJson(o.activation) })];
  let lastEta = NaN;
  const res = gradientDescent({
    network: net,
    data: o.data,
    loss: toLoss(o.loss),
    schedule: o.schedule,
    steps: o.steps,
    ...(o.gradient ? { gradient: o.gradient } : {}),
    onStep(v) {
      if (Number.isFinite(v.eta)) lastEta = v.eta;
      if (!want.has(v.t)) return;
      const weights = v.weights.map((W, k) => rows(W, net.dims[k + 1], net.dims[k]));
      lines.push(JSON.stringify({ step: v.t, eta: Number.isFinite(v.eta) ? v.eta : lastEta, weights }));
    },
  });
  if (res.diverged)
    throw new RangeError(`recordTrajectory: the run diverged at step ${res.diverged.step} (${res.diverged.reason}); record a shorter or smaller-step run`);
  return lines.join('\n') + '\n';
}
