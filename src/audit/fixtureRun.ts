import { datasetFromArrays } from '../data/dataset.js';
import { linear, type Activation } from '../network/activation.js';
import { brokenGradient, type GradientFault } from '../trainer/brokenGradient.js';
import type { ScheduleSpec } from '../trainer/schedule.js';
import { recordTrajectory } from './recordTrajectory.js';

/**
 * A small reference run for the audit's tests and its power measurement: separable data with ‖x_i‖ ≤ 1, a
 * depth-3 linear net with 1-d output and logistic loss, trained by dlncheck's trainer (optionally with a fault).
 */
export const FIXTURE_X = [
  [0.8, 0.2],
  [-0.7, -0.1],
  [0.3, 0.9],
  [-0.2, -0.6],
  [0.6, -0.3],
];
export const FIXTURE_Y = [1, -1, 1, -1, 1];
export const FIXTURE_WEIGHTS = [
  [
    [0.5, -0.3],
    [0.2, 0.6],
    [-0.4, 0.1],
  ],
  [
    [0.3, -0.2, 0.5],
    [0.1, 0.4, -0.3],
    [-0.5, 0.2, 0.2],
  ],
  [[0.6, -0.4, 0.3]],
];

export interface FixtureRunOptions {
  readonly steps?: number;
  readonly schedule?: ScheduleSpec;
  readonly record?: readonly number[];
  readonly fault?: GradientFault;
  readonly activation?: Activation;
  readonly weights?: number[][][];
  readonly x?: number[][];
  readonly y?: number[];
}

export function fixtureTrajectory(o: FixtureRunOptions = {}): string {
  return recordTrajectory({
    data: datasetFromArrays(o.x ?? FIXTURE_X, o.y ?? FIXTURE_Y),
    loss: 'logistic',
    activation: o.activation ?? linear,
    weights: o.weights ?? FIXTURE_WEIGHTS,
    schedule: o.schedule ?? { kind: 'ji-telgarsky' },
    steps: o.steps ?? 200,
    ...(o.record ? { record: o.record } : {}),
    ...(o.fault ? { gradient: brokenGradient(o.fault) } : {}),
  });
}

/** The same file with the weights of the records at lines a and b exchanged (their step labels kept): a shuffled step. */
export function swapWeights(text: string, a: number, b: number): string {
  const lines = text.split('\n');
  const la = JSON.parse(lines[a - 1]) as { weights: unknown };
  const lb = JSON.parse(lines[b - 1]) as { weights: unknown };
  [la.weights, lb.weights] = [lb.weights, la.weights];
  lines[a - 1] = JSON.stringify(la);
  lines[b - 1] = JSON.stringify(lb);
  return lines.join('\n');
}
