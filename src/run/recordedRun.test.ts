import { describe, expect, test } from 'vitest';
import { datasetFromArrays } from '../data/dataset.js';
import { logistic } from '../losses/logistic.js';
import { squared } from '../losses/loss.js';
import { linear } from '../network/activation.js';
import { networkFromArrays } from '../network/network.js';
import { riskAndGradient } from '../trainer/gradient.js';
import { checkpointSteps } from '../metrics/checkpointSteps.js';
import type { Progress } from '../progress/progressBar.js';
import { trainRun } from './recordedRun.js';

// Two separable points through the origin and a 2-2-1 linear net: every run below takes milliseconds.
const data = datasetFromArrays(
  [
    [1, 0],
    [0, 1],
  ],
  [1, -1],
);
const net = () =>
  networkFromArrays(
    [
      [
        [0.5, 0],
        [0, 0.5],
      ],
      [[0.5, -0.5]],
    ],
    linear,
  );

/** A progress sink that records every call. */
function recorder(): { progress: Progress; log: string[] } {
  const log: string[] = [];
  return {
    log,
    progress: { task: (label, total) => (log.push(`task ${label} ${total}`), { update: (d) => log.push(`update ${d}`), finish: () => log.push('finish') }) },
  };
}

describe('trainRun', () => {
  test('records checkpoint metrics at the default geometric steps, η_t, ū and progress', () => {
    const { progress, log } = recorder();
    const run = trainRun({
      label: 'a',
      network: net(),
      data,
      loss: logistic,
      schedule: { kind: 'constant', eta: 0.5 },
      steps: 100,
      progress: progress.task('a', 100),
    });
    expect(run.checkpoints.map((c) => c.step)).toEqual(checkpointSteps(100));
    expect(run.etas.every((e) => e.eta === 0.5)).toBe(true);
    expect(run.stepsTaken).toBe(100);
    expect(run.diverged).toBeNull();
    // the risk falls and the end-to-end direction turns toward the max-margin direction (1, −1)/√2
    expect(run.finalRisk).toBeLessThan(run.checkpoints[0].risk);
    expect(run.maxMargin?.direction[0]).toBeCloseTo(Math.SQRT1_2, 12);
    expect(run.checkpoints.at(-1)?.cosineToMaxMargin).toBeGreaterThan(0.99);
    // progress: every ⌊steps/200⌋ = 1 step, then once at the end
    expect(log[0]).toBe('task a 100');
    expect(log.filter((l) => l.startsWith('update')).length).toBe(102);
    expect(log.at(-1)).toBe('finish');
  });

  test('stopBelowRisk ends the run at the first step below the threshold and records it as a checkpoint', () => {
    const full = trainRun({ label: 'full', network: net(), data, loss: logistic, schedule: { kind: 'constant', eta: 0.5 }, steps: 200, checkpoints: [0, 200] });
    const threshold = (full.checkpoints[0].risk + full.finalRisk) / 2;
    const run = trainRun({
      label: 'stop',
      network: net(),
      data,
      loss: logistic,
      schedule: { kind: 'constant', eta: 0.5 },
      steps: 200,
      checkpoints: [0, 200],
      stopBelowRisk: threshold,
    });
    expect(run.stepsTaken).toBeGreaterThan(0);
    expect(run.stepsTaken).toBeLessThan(200);
    expect(run.finalRisk).toBeLessThan(threshold);
    expect(run.checkpoints.map((c) => c.step)).toEqual([0, run.stepsTaken]);
    expect(run.checkpoints.at(-1)?.risk).toBe(run.finalRisk);
    expect(run.diverged).toBeNull();
    // the returned network is a copy of W(t) at the stop, not the trainer's live buffer
    expect(run.network.weights[0]).toBeInstanceOf(Float64Array);
  });

  test('a stop exactly at a checkpoint is not recorded twice', () => {
    const run = trainRun({
      label: 'stop at 0',
      network: net(),
      data,
      loss: logistic,
      schedule: { kind: 'constant', eta: 0.5 },
      steps: 10,
      checkpoints: [0],
      stopBelowRisk: 10,
    });
    expect(run.stepsTaken).toBe(0);
    expect(run.checkpoints.map((c) => c.step)).toEqual([0]);
  });

  test('regression: no max-margin direction; extra metrics at every checkpoint', () => {
    const reg = datasetFromArrays(
      [
        [1, 0],
        [0, 1],
      ],
      [[1], [2]],
      'regression',
    );
    const run = trainRun({
      label: 'reg',
      network: net(),
      data: reg,
      loss: squared,
      schedule: { kind: 'constant', eta: 0.1 },
      steps: 5,
      checkpoints: [0, 5],
      extra: (n) => ({ w11: n.weights[0][0] }),
    });
    expect(run.maxMargin).toBeNull();
    expect(run.checkpoints[0].cosineToMaxMargin).toBeNull();
    expect(run.extras.map((e) => e.step)).toEqual([0, 5]);
    expect(run.extras[0].values.w11).toBe(0.5);
    expect(run.extras[1].values.w11).not.toBe(0.5);
  });

  test('maxMargin: false skips the SVM on classification data', () => {
    const run = trainRun({ label: 'no svm', network: net(), data, loss: logistic, schedule: { kind: 'constant', eta: 0.5 }, steps: 2, maxMargin: false });
    expect(run.maxMargin).toBeNull();
    expect(run.checkpoints.every((c) => c.cosineToMaxMargin === null)).toBe(true);
  });

  test('divergence is reported, not thrown', () => {
    const run = trainRun({
      label: 'huge η',
      network: net(),
      data: datasetFromArrays(
        [
          [1, 0],
          [0, 1],
        ],
        [[1], [2]],
        'regression',
      ),
      loss: squared,
      schedule: { kind: 'constant', eta: 1e154 },
      steps: 50,
    });
    expect(run.diverged).not.toBeNull();
    expect(run.diverged?.reason).toMatch(/non-finite|overflow|NaN|Infinity/i);
  });

  test('an error from the gradient propagates (early stop is a trainer option, not a caught exception)', () => {
    let calls = 0;
    const failing = (...args: Parameters<typeof riskAndGradient>): number => {
      if (++calls > 3) throw new Error('broken gradient');
      return riskAndGradient(...args);
    };
    expect(() =>
      trainRun({ label: 'x', network: net(), data, loss: logistic, schedule: { kind: 'constant', eta: 0.5 }, steps: 10, gradient: failing }),
    ).toThrow('broken gradient');
  });
});
