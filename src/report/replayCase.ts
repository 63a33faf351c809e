import { checkpointSteps } from '../metrics/checkpointSteps.js';
import { networkFromArrays } from '../network/network.js';
import { decisionBoundaryPlot } from '../plots/decisionBoundaryPlot.js';
import { networkBoundaries, planePoints } from '../plots/networkBoundaries.js';
import { type NamedPlot, trajectoryPlots } from '../plots/trajectoryPlots.js';
import { runSpec, type TrainResult } from '../run/recordedRun.js';
import type { TrainingSetup } from '../spec/spec.js';

export interface ReplayedCase {
  readonly result: TrainResult;
  /** the data with the decision boundaries (2-d data, scalar output) first, then the trajectory plots */
  readonly plots: NamedPlot[];
  /** training time */
  readonly seconds: number;
}

/**
 * Replays a stored case's training spec and plots it: the one path behind `dlncheck explain` and the report's
 * counterexample sections. The spec's checkpoints are joined with dense geometric ones so the plots show the
 * whole run.
 */
export function replayCase(claimId: string, setup: TrainingSetup, label: string): ReplayedCase {
  const { spec, data, network } = setup;
  const checkpoints = [...new Set([...checkpointSteps(spec.steps), ...spec.checkpoints])].filter((t) => t <= spec.steps).sort((a, b) => a - b);
  const start = performance.now();
  const result = runSpec({ ...setup, spec: { ...spec, checkpoints } });
  const seconds = (performance.now() - start) / 1000;
  const plots = trajectoryPlots([{ label, checkpoints: result.checkpoints }]);
  if (data.task === 'classification' && data.d === 2 && network.dims[network.dims.length - 1] === 1) {
    const trained = networkFromArrays(result.weights, network.activation);
    plots.unshift({
      name: 'data',
      spec: decisionBoundaryPlot({
        title: `${claimId}: data and decision boundaries after ${result.diverged ? result.diverged.step : spec.steps} steps`,
        subtitle: result.maxMargin ? undefined : 'not linearly separable through the origin: no max-margin direction',
        points: planePoints(data),
        boundaries: networkBoundaries(trained, result.maxMargin),
        highlight: result.maxMargin?.supportVectors,
      }),
    });
  }
  return { result, plots, seconds };
}
