import { signedSamples, type Dataset } from '../data/dataset.js';
import type { Loss } from '../losses/loss.js';
import { maxMarginDirection, type MaxMargin } from '../maxMargin/maxMargin.js';
import { balanceMatrices } from '../metrics/balancedness.js';
import { checkpointRecord, type CheckpointRecord } from '../metrics/checkpoint.js';
import type { Network } from '../network/network.js';
import type { GradientFn } from '../trainer/gradient.js';
import { gradientDescent, type StepView } from '../trainer/gradientDescent.js';
import type { ScheduleSpec } from '../trainer/schedule.js';
import { checkpointSteps } from '../metrics/checkpointSteps.js';
import type { ProgressTask } from '../progress/progressBar.js';

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

/** gradientDescent has no early-stop option: onStep throws this to end the loop (stopBelowRisk). */
class Stop extends Error {}

/** Gradient descent with checkpoint metrics (the records `dlncheck train` writes), step sizes and progress. */
export function trainRun(o: TrainRunOptions): TrainRun {
  const start = performance.now();
  const data = o.data;
  const mm = (o.maxMargin ?? data.task === 'classification') && data.task === 'classification' ? maxMarginDirection(signedSamples(data), data.n, data.d) : null;
  const ctx = { data, initialBalance: balanceMatrices(o.network.weights, o.network.dims), maxMargin: mm };
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
  let stopped: { net: Network; t: number; risk: number } | null = null;
  let result: ReturnType<typeof gradientDescent> | null = null;
  try {
    result = gradientDescent({
      network: o.network,
      data,
      loss: o.loss,
      schedule: o.schedule,
      steps: o.steps,
      checkpoints: marks,
      gradient: o.gradient,
      onCheckpoint: record,
      onStep: (view) => {
        if (o.progress && view.t % every === 0) o.progress.update(view.t);
        if (o.stopBelowRisk !== undefined && view.risk < o.stopBelowRisk) {
          const net: Network = { dims: o.network.dims, weights: view.weights.map((W) => W.slice()), activation: o.network.activation };
          if (records.length === 0 || records[records.length - 1].step !== view.t) record(view.t, net, view);
          stopped = { net, t: view.t, risk: view.risk };
          throw new Stop();
        }
      },
    });
  } catch (e) {
    if (!(e instanceof Stop)) throw e;
  }
  const seconds = (performance.now() - start) / 1000;
  o.progress?.update(o.steps);
  o.progress?.finish();
  // TypeScript cannot see the closure's assignment, hence the cast
  const s = stopped as { net: Network; t: number; risk: number } | null;
  if (s) return { label: o.label, checkpoints: records, etas, extras, network: s.net, maxMargin: mm, diverged: null, stepsTaken: s.t, finalRisk: s.risk, seconds };
  const r = result as ReturnType<typeof gradientDescent>;
  return {
    label: o.label,
    checkpoints: records,
    etas,
    extras,
    network: r.network,
    maxMargin: mm,
    diverged: r.diverged,
    stepsTaken: r.stepsTaken,
    finalRisk: r.finalRisk,
    seconds,
  };
}
