/**
 * Matrix factorization ½‖UVᵀ − M*‖² as a trainer run (DHL.MF, DHL.Lem3.1, DHL.Thm3.2): the dataset whose GD is GD on
 * f with step n·η, its replayable spec, and the early stop of a decided run.
 */
import type { Weights } from '../../arbitraries/index.js';
import { datasetFromArrays, type Dataset } from '../../data/dataset.js';
import type { SpecInput } from '../../spec/spec.js';

export function factorizationData(target: readonly (readonly number[])[]): Dataset {
  const rows = target.length;
  const cols = target[0].length;
  const x = Array.from({ length: cols }, (_, i) => Array.from({ length: cols }, (_, j) => (i === j ? 1 : 0)));
  const y = Array.from({ length: cols }, (_, i) => Array.from({ length: rows }, (_, r) => target[r][i]));
  return datasetFromArrays(x, y, 'regression');
}

/** A replayable spec of a factorization run (risk units f/n, steps n·η). */
export function factorizationSpec(target: number[][], weights: Weights, schedule: SpecInput['schedule'], steps: number): SpecInput {
  const data = factorizationData(target);
  const x = Array.from({ length: data.n }, (_, i) => Array.from(data.x.subarray(i * data.d, (i + 1) * data.d)));
  const y = Array.from({ length: data.n }, (_, i) => Array.from(data.y.subarray(i * data.outDim, (i + 1) * data.outDim)));
  return { data: { x, y }, network: { weights, activation: 'linear' }, loss: 'squared', schedule, steps };
}

/** Stops a run once its outcome is decided: the imbalance passed stopAbove, or the iterates overflow. */
export class Decided extends Error {}
