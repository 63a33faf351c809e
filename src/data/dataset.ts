/**
 * A dataset in flat row-major storage. Classification: outDim = 1 and every
 * y_i is ±1. Regression (squared loss): y holds n targets of length outDim.
 */
export interface Dataset {
  readonly task: 'classification' | 'regression';
  readonly n: number;
  readonly d: number;
  readonly outDim: number;
  /** n × d, row i is x_i */
  readonly x: Float64Array;
  /** n × outDim, row i is y_i */
  readonly y: Float64Array;
}

/** Builds a dataset from nested arrays, checking shapes, finiteness and labels. */
export function datasetFromArrays(
  x: readonly (readonly number[])[],
  y: readonly number[] | readonly (readonly number[])[],
  task: Dataset['task'] = 'classification',
  where = 'data',
): Dataset {
  const n = x.length;
  if (n === 0) throw new RangeError(`${where}.x: n=0 is empty; give at least one sample`);
  const d = x[0].length;
  if (d === 0) throw new RangeError(`${where}.x[0]: length 0; each sample needs at least one feature`);
  if (y.length !== n) throw new RangeError(`${where}.y: length ${y.length} must equal the number of samples n=${n}`);
  const flatX = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    const row = x[i];
    if (row.length !== d) throw new RangeError(`${where}.x[${i}]: length ${row.length} must equal d=${d} (ragged array)`);
    for (let j = 0; j < d; j++) {
      const v = row[j];
      if (!Number.isFinite(v)) throw new RangeError(`${where}.x[${i}][${j}]=${v} must be a finite number`);
      flatX[i * d + j] = v;
    }
  }
  if (task === 'classification') {
    const flatY = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const v = y[i];
      if (v !== 1 && v !== -1) throw new RangeError(`${where}.y[${i}]=${JSON.stringify(v)} must be a label +1 or -1`);
      flatY[i] = v;
    }
    return { task, n, d, outDim: 1, x: flatX, y: flatY };
  }
  const rows = y.map((r) => (typeof r === 'number' ? [r] : r));
  const k = rows[0].length;
  const flatY = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    if (rows[i].length !== k) throw new RangeError(`${where}.y[${i}]: length ${rows[i].length} must equal k=${k} (ragged array)`);
    for (let j = 0; j < k; j++) {
      const v = rows[i][j];
      if (!Number.isFinite(v)) throw new RangeError(`${where}.y[${i}][${j}]=${v} must be a finite number`);
      flatY[i * k + j] = v;
    }
  }
  return { task, n, d, outDim: k, x: flatX, y: flatY };
}

/** z_i = y_i x_i for a classification dataset, n × d. */
export function signedSamples(data: Dataset): Float64Array {
  if (data.task !== 'classification') throw new TypeError('signedSamples: data.task must be classification');
  const z = new Float64Array(data.n * data.d);
  for (let i = 0; i < data.n; i++) for (let j = 0; j < data.d; j++) z[i * data.d + j] = data.y[i] * data.x[i * data.d + j];
  return z;
}

export function datasetToArrays(data: Dataset): { x: number[][]; y: number[] | number[][] } {
  const x = Array.from({ length: data.n }, (_, i) => Array.from(data.x.subarray(i * data.d, (i + 1) * data.d)));
  const y =
    data.task === 'classification'
      ? Array.from(data.y)
      : Array.from({ length: data.n }, (_, i) => Array.from(data.y.subarray(i * data.outDim, (i + 1) * data.outDim)));
  return { x, y };
}
