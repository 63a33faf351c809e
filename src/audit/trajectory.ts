import { z } from 'zod';
import { datasetFromArrays, type Dataset } from '../data/dataset.js';
import type { Loss } from '../losses/loss.js';
import type { Activation } from '../network/activation.js';
import { specSchema, toActivation, toLoss } from '../spec/spec.js';

/**
 * A trajectory recorded elsewhere, as `dlncheck audit` reads it (docs/audit.md): JSON lines.
 * Line 1, the header: {"data": {"x": …, "y": …}, "loss": …, "activation": …} (the fields of a spec file).
 * Every later line, one recorded step: {"step": t, "eta": η_t, "weights": [W_1, …, W_L]}, with η_t the step
 * size of the update from W(t) to W(t+1) and each W_k an array of rows (d_k × d_{k−1}, W_1 applied first).
 * Steps increase; every line has the same shapes. Every problem is an AuditInputError naming the line and field:
 * nothing is skipped.
 */

export class AuditInputError extends RangeError {
  override name = 'AuditInputError';
}

export interface TrajectoryHeader {
  readonly data: Dataset;
  readonly loss: Loss;
  readonly activation: Activation;
  /** the header as written (for messages and --json) */
  readonly lossName: string;
}

export interface TrajectoryRecord {
  /** 1-based line number in the file */
  readonly line: number;
  readonly step: number;
  readonly eta: number;
  /** W_1 … W_L, row-major */
  readonly weights: Float64Array[];
}

export interface Trajectory {
  readonly header: TrajectoryHeader;
  /** d_0 … d_L, the same on every line */
  readonly dims: readonly number[];
  readonly records: readonly TrajectoryRecord[];
}

const shape = specSchema.shape;
const headerSchema = z
  .object({
    data: shape.data,
    loss: shape.loss,
    activation: shape.network.shape.activation,
  })
  .strict();

function pathOf(path: readonly PropertyKey[]): string {
  return path
    .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
    .join('')
    .replace(/^\./, '');
}

/** JSON.parse with the line named; NaN/Infinity (which Python's json writes) named as non-finite numbers. */
function parseLine(text: string, line: number, last: boolean): unknown {
  const token = /(?<![\w"])(-?Infinity|NaN)(?![\w"])/.exec(text);
  if (token)
    throw new AuditInputError(
      `line ${line}: contains ${token[1]}; every number must be finite (a diverged run? record only finite steps, or stop at divergence)`,
    );
  try {
    return JSON.parse(text);
  } catch (e) {
    const hint = last ? ' (the last line is cut short: was the file still being written?)' : '';
    throw new AuditInputError(`line ${line}: is not valid JSON${hint}: ${(e as Error).message}`);
  }
}

function parseHeader(text: string): TrajectoryHeader {
  const value = parseLine(text, 1, false);
  const res = headerSchema.safeParse(value);
  if (!res.success) {
    const issue = res.error.issues[0];
    throw new AuditInputError(
      `line 1: header.${pathOf(issue.path) || '(root)'} ${issue.message}; the header is {"data": {"x": …, "y": …}, "loss": …, "activation": …}`,
    );
  }
  const h = res.data;
  try {
    const loss = toLoss(h.loss);
    const data = datasetFromArrays(h.data.x, h.data.y, loss.kind === 'squared' ? 'regression' : 'classification', 'header.data');
    return { data, loss, activation: toActivation(h.activation), lossName: typeof h.loss === 'string' ? h.loss : h.loss.expression };
  } catch (e) {
    throw new AuditInputError(`line 1: ${(e as Error).message}`);
  }
}

/** A finite number at `field` of line `line`, else the error naming both. */
function finiteAt(v: unknown, line: number, field: string): number {
  if (typeof v !== 'number') throw new AuditInputError(`line ${line}: ${field}=${JSON.stringify(v)} must be a number`);
  if (!Number.isFinite(v)) throw new AuditInputError(`line ${line}: ${field}=${v} must be finite`);
  return v;
}

function parseRecord(value: unknown, line: number, dims: number[] | null, shapeLine: number): { record: TrajectoryRecord; dims: number[] } {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new AuditInputError(`line ${line}: must be an object {"step": t, "eta": η_t, "weights": [W_1, …, W_L]}`);
  const o = value as Record<string, unknown>;
  for (const key of Object.keys(o))
    if (key !== 'step' && key !== 'eta' && key !== 'weights')
      throw new AuditInputError(`line ${line}: field ${key} is not known; a step line has exactly step, eta and weights`);
  if (!('step' in o)) throw new AuditInputError(`line ${line}: step is missing; give the step index t (an integer ≥ 0)`);
  const step = finiteAt(o.step, line, 'step');
  if (!Number.isInteger(step) || step < 0) throw new AuditInputError(`line ${line}: step=${step} must be an integer ≥ 0`);
  if (!('eta' in o)) throw new AuditInputError(`line ${line}: eta is missing; give η_t, the step size of the update from this step to the next`);
  const eta = finiteAt(o.eta, line, 'eta');
  if (!(eta > 0)) throw new AuditInputError(`line ${line}: eta=${eta} must be > 0`);
  if (!('weights' in o)) throw new AuditInputError(`line ${line}: weights is missing; give [W_1, …, W_L], each an array of rows`);
  const ws = o.weights;
  if (!Array.isArray(ws) || ws.length === 0) throw new AuditInputError(`line ${line}: weights must be a non-empty array [W_1, …, W_L]`);
  const seen: number[] = [];
  const flat: Float64Array[] = [];
  ws.forEach((W: unknown, k) => {
    const where = `weights[${k}]`;
    if (!Array.isArray(W) || W.length === 0 || !Array.isArray(W[0])) throw new AuditInputError(`line ${line}: ${where} must be a non-empty array of rows`);
    const rows = W.length;
    const cols = (W[0] as unknown[]).length;
    if (k === 0) seen.push(cols);
    else if (cols !== seen[k])
      throw new AuditInputError(`line ${line}: ${where} has ${cols} columns but weights[${k - 1}] has ${seen[k]} rows; W_${k + 1} must be d_${k + 1}×d_${k}`);
    seen.push(rows);
    const buf = new Float64Array(rows * cols);
    (W as unknown[]).forEach((row, i) => {
      if (!Array.isArray(row) || row.length !== cols)
        throw new AuditInputError(`line ${line}: ${where}[${i}] must be a row of ${cols} numbers (ragged or not an array)`);
      row.forEach((x: unknown, j) => (buf[i * cols + j] = finiteAt(x, line, `${where}[${i}][${j}]`)));
    });
    flat.push(buf);
  });
  if (dims && (dims.length !== seen.length || dims.some((d, i) => d !== seen[i])))
    throw new AuditInputError(
      `line ${line}: weights have shapes ${shapes(seen)} but line ${shapeLine} had ${shapes(dims)}; every line must have the same shapes`,
    );
  return { record: { line, step, eta, weights: flat }, dims: seen };
}

function shapes(dims: readonly number[]): string {
  return dims
    .slice(1)
    .map((r, k) => `${r}×${dims[k]}`)
    .join(', ');
}

/** Parses a whole trajectory file's text. */
export function parseTrajectory(text: string): Trajectory {
  const lines = text.split('\n');
  // one trailing newline ends the last line; any other empty line is an error (nothing is skipped silently)
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  if (lines.length === 0 || lines[0].trim() === '')
    throw new AuditInputError('line 1: the header is missing; the file starts with {"data": …, "loss": …, "activation": …}');
  const header = parseHeader(lines[0]);
  if (lines.length < 2) throw new AuditInputError('line 2: no recorded steps; after the header give one line per step {"step": t, "eta": η_t, "weights": […]}');
  const records: TrajectoryRecord[] = [];
  let dims: number[] | null = null;
  for (let i = 1; i < lines.length; i++) {
    const line = i + 1;
    if (lines[i].trim() === '') throw new AuditInputError(`line ${line}: is empty; remove blank lines (every line after the header is one step)`);
    const { record, dims: d } = parseRecord(parseLine(lines[i], line, i === lines.length - 1), line, dims, 2);
    if (!dims) {
      dims = d;
      const L = d.length - 1;
      if (d[0] !== header.data.d)
        throw new AuditInputError(`line ${line}: weights[0] has ${d[0]} columns but header.data.x has d=${header.data.d} features; they must match`);
      if (d[L] !== header.data.outDim)
        throw new AuditInputError(`line ${line}: weights[${L - 1}] has ${d[L]} rows but the targets have dimension ${header.data.outDim}; they must match`);
    }
    const prev = records[records.length - 1];
    if (prev && !(record.step > prev.step))
      throw new AuditInputError(`line ${line}: step=${record.step} is not after step=${prev.step} of line ${prev.line}; steps must increase`);
    records.push(record);
  }
  return { header, dims: dims!, records };
}
