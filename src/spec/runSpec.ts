import { signedSamples } from '../data/dataset.js';
import { maxMarginDirection, type MaxMargin } from '../maxMargin/maxMargin.js';
import { balanceMatrices } from '../metrics/balancedness.js';
import { checkpointRecord, type CheckpointRecord } from '../metrics/checkpoint.js';
import { weightsToArrays } from '../network/network.js';
import { createWorkspace, risk } from '../trainer/gradient.js';
import { gradientDescent } from '../trainer/gradientDescent.js';
import { gradientFlow } from '../trainer/gradientFlow.js';
import type { TrainingSetup } from './spec.js';

/** The result file of `dlncheck train`. Field names are a public format. */
export interface TrainResult {
  weights: number[][][];
  diverged: null | { step: number; reason: string };
  maxMargin: null | { direction: number[]; margin: number; supportVectors: number[]; supportSpans: boolean };
  /** flow runs add flowError: the estimated global error of the weights there (gradientFlow's errorEstimate) */
  checkpoints: (CheckpointRecord & { flowError?: number })[];
}

/** Trains a resolved spec and records metrics at its checkpoints. */
export function runSpec(setup: TrainingSetup): TrainResult {
  const { data, network, loss, schedule, spec } = setup;
  const mm: MaxMargin | null = data.task === 'classification' ? maxMarginDirection(signedSamples(data), data.n, data.d) : null;
  const ctx = { data, initialBalance: balanceMatrices(network.weights, network.dims), maxMargin: mm };
  const records: TrainResult['checkpoints'] = [];
  let weights: number[][][];
  let diverged: TrainResult['diverged'] = null;
  if (schedule.kind === 'flow') {
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
        records.push({ ...checkpointRecord(dt === 0 ? 0 : Math.round(time / dt), net, r, ws.margins, ctx), flowError: info.errorEstimate! });
      },
    });
    weights = weightsToArrays(res.network);
    if (res.diverged) diverged = { step: Math.floor(res.diverged.time / (dt || 1)), reason: res.diverged.reason };
  } else {
    const res = gradientDescent({
      network,
      data,
      loss,
      schedule,
      steps: spec.steps,
      checkpoints: spec.checkpoints,
      onCheckpoint: (t, net, view) => records.push(checkpointRecord(t, net, view.risk, view.workspace.margins, ctx)),
    });
    weights = weightsToArrays(res.network);
    diverged = res.diverged;
  }
  return {
    weights,
    diverged,
    maxMargin: mm && { direction: Array.from(mm.direction), margin: mm.margin, supportVectors: mm.supportVectors, supportSpans: mm.supportSpans },
    checkpoints: records,
  };
}
