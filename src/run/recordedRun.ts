import { signedSamples, type Dataset } from '../data/dataset.js';
import type { Loss } from '../losses/loss.js';
import { maxMarginDirection, type MaxMargin } from '../maxMargin/maxMargin.js';
import { balanceMatrices } from '../metrics/balancedness.js';
import { checkpointRecord, type CheckpointRecord } from '../metrics/checkpoint.js';
import { checkpointSteps } from '../metrics/checkpointSteps.js';
import { weightsToArrays, type Network } from '../network/network.js';
import type { ProgressTask } from '../progress/progressBar.js';
import type { TrainingSetup } from '../spec/spec.js';
import { createWorkspace, risk, type GradientFn } from '../trainer/gradient.js';
import { gradientDescent, type StepView } from '../trainer/gradientDescent.js';
import { gradientFlow } from '../trainer/gradientFlow.js';
import type { ScheduleSpec } from '../trainer/schedule.js';

/**
 * A recorded run: training with the metrics of docs/claims.md, Notation taken at checkpoints (checkpointRecord), the one path
 * behind `dlncheck train`, `explain`, `report` and the figures.
 */

export interface TrainRunOptions {
  readonly label: string;
  readonly network: Network;
  readonly data: Dataset;
  readonly loss: Loss;
  readonly schedule: ScheduleSpec;
  readonly steps: number;
  /** default: checkpointSteps(steps) */
  readonly checkpoints?: readonly number[];
  readonly progress?: ProgressTask;
  /** stop once R(W(t)) falls below this (the step t is recorded as a checkpoint) */
  readonly stopBelowRisk?: number;
  readonly gradient?: GradientFn;
  /** extra per-checkpoint metrics of W(t) */
  readonly extra?: (net: Network, view: StepView) => Record<string, number>;
  /** compute ū for the records' cosineToMaxMargin (default: for classification data) */
  readonly maxMargin?: boolean;
}

export interface TrainRun {
  readonly label: string;
  readonly checkpoints: CheckpointRecord[];
  /** η_t at each checkpoint before the last */
  readonly etas: { step: number; eta: number }[];
  readonly extras: { step: number; values: Record<string, number> }[];
  readonly network: Network;
  readonly maxMargin: MaxMargin | null;
  readonly diverged: null | { readonly step: number; readonly reason: string };
  readonly stepsTaken: number;
  readonly finalRisk: number;
  readonly seconds: number;
}

/** ū for the records' cosineToMaxMargin, and the context checkpointRecord needs. */
function recordContext(data: Dataset, network: Network, withMaxMargin: boolean) {
  const maxMargin: MaxMargin | null = withMaxMargin && data.task === 'classification' ? maxMarginDirection(signedSamples(data), data.n, data.d) : null;
  return { maxMargin, ctx: { data, initialBalance: balanceMatrices(network.weights, network.dims), maxMargin } };
}

/** Gradient descent with checkpoint metrics (the records `dlncheck train` writes), step sizes and progress. */
export function trainRun(o: TrainRunOptions): TrainRun {
  const start = performance.now();
  const data = o.data;
  const { maxMargin: mm, ctx } = recordContext(data, o.network, o.maxMargin ?? data.task === 'classification');
  const marks = o.checkpoints ?? checkpointSteps(o.steps);
  const records: CheckpointRecord[] = [];
  const etas: { step: number; eta: number }[] = [];
  const extras: TrainRun['extras'] = [];
  const record = (t: number, net: Network, view: StepView): void => {
    records.push(checkpointRecord(t, net, view.risk, view.workspace.margins, ctx));
    if (Number.isFinite(view.eta)) etas.push({ step: t, eta: view.eta });
    if (o.extra) extras.push({ step: t, values: o.extra(net, view) });
  };
  const every = Math.max(1, Math.floor(o.steps / 200));
  const threshold = o.stopBelowRisk;
  const result = gradientDescent({
    network: o.network,
    data,
    loss: o.loss,
    schedule: o.schedule,
    steps: o.steps,
    checkpoints: marks,
    gradient: o.gradient,
    onCheckpoint: record,
    // an observer of every step makes the trainer evaluate R every step: only when progress is shown
    onStep: o.progress
      ? (view) => {
          if (view.t % every === 0) o.progress?.update(view.t);
        }
      : undefined,
    stopWhen:
      threshold === undefined
        ? undefined
        : (view) => {
            if (!(view.risk < threshold)) return false;
            // the stopping step is recorded as a checkpoint (once, if it already was one)
            if (records.length === 0 || records[records.length - 1].step !== view.t)
              record(view.t, { dims: o.network.dims, weights: view.weights.map((W) => W.slice()), activation: o.network.activation }, view);
            return true;
          },
  });
  const seconds = (performance.now() - start) / 1000;
  o.progress?.update(o.steps);
  o.progress?.finish();
  return {
    label: o.label,
    checkpoints: records,
    etas,
    extras,
    network: result.network,
    maxMargin: mm,
    diverged: result.diverged,
    stepsTaken: result.stepsTaken,
    finalRisk: result.finalRisk,
    seconds,
  };
}

/** The result file of `dlncheck train`. Field names are a public format. */
export interface TrainResult {
  weights: number[][][];
  diverged: null | { step: number; reason: string };
  maxMargin: null | { direction: number[]; margin: number; supportVectors: number[]; supportSpans: boolean };
  /** flow runs add flowError: the estimated global error of the weights there (gradientFlow's errorEstimate) */
  checkpoints: (CheckpointRecord & { flowError?: number | null })[];
}

/** Trains a resolved spec (descent or flow) and records metrics at its checkpoints. */
export function runSpec(setup: TrainingSetup): TrainResult {
  const { data, network, loss, schedule, spec } = setup;
  let weights: number[][][];
  let diverged: TrainResult['diverged'] = null;
  let mm: MaxMargin | null;
  let records: TrainResult['checkpoints'];
  if (schedule.kind === 'flow') {
    const rc = recordContext(data, network, true);
    mm = rc.maxMargin;
    records = [];
    // flow: `steps` equal intervals of the horizon; checkpoint t is time t·time/steps
    const dt = spec.steps === 0 ? 0 : schedule.time / spec.steps;
    const ws = createWorkspace(network.dims, data.n);
    const res = gradientFlow({
      network,
      data,
      loss,
      time: schedule.time,
      tolerance: schedule.tolerance,
      checkpointTimes: spec.checkpoints.map((c) => c * dt),
      errorEstimate: true,
      onCheckpoint: (time, net, info) => {
        const r = risk(ws, net, data, loss);
        records.push({ ...checkpointRecord(dt === 0 ? 0 : Math.round(time / dt), net, r, ws.margins, rc.ctx), flowError: info.errorEstimate });
      },
    });
    weights = weightsToArrays(res.network);
    if (res.diverged) diverged = { step: Math.floor(res.diverged.time / (dt || 1)), reason: res.diverged.reason };
  } else {
    const run = trainRun({ label: 'train', network, data, loss, schedule, steps: spec.steps, checkpoints: spec.checkpoints });
    mm = run.maxMargin;
    records = run.checkpoints;
    weights = weightsToArrays(run.network);
    diverged = run.diverged;
  }
  return {
    weights,
    diverged,
    maxMargin: mm && { direction: Array.from(mm.direction), margin: mm.margin, supportVectors: mm.supportVectors, supportSpans: mm.supportSpans },
    checkpoints: records,
  };
}
