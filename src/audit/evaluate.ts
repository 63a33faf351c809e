import { evaluationScale, type EvaluationScale } from '../tolerances/jtRounding.js';
import { cancellationMagnitudes, outputDeltaMagnitudes } from '../tolerances/dhlStep.js';
import type { Network } from '../network/network.js';
import { createWorkspace, riskAndGradient, zerosLike } from '../trainer/gradient.js';
import type { Trajectory, TrajectoryRecord } from './trajectory.js';

/**
 * dlncheck's own evaluation at a recorded W(t): the risk, the exact gradient (the reference every audit check
 * compares the recorded update with), margins and the magnitudes the rounding bounds need. The recorded trainer's
 * gradient is never needed: the checks see only W(t), W(t+1) and η_t.
 */
export interface Evaluation {
  readonly record: TrajectoryRecord;
  readonly network: Network;
  readonly risk: number;
  /** ∇_{W_k}R(W(t)), row-major */
  readonly grads: Float64Array[];
  /** ‖W_k‖_F² and ‖∇_kR‖_F² per layer; ‖∇R‖² */
  readonly layerSq: number[];
  readonly layerGradSq: number[];
  readonly gradSq: number;
  /** y_i f(x_i) (margin losses) */
  readonly margins: Float64Array;
  readonly minMargin: number;
  /** (1/n) Σ ℓ'(m_i) m_i = ⟨E, P⟩ for a linear net (F3's first-order coefficient); NaN for squared loss */
  readonly innerEP: number;
  /** rounding scales of the evaluation (margin losses, linear nets) */
  readonly scale: EvaluationScale | null;
  /** F2/F4 first-order cancellation magnitudes per hidden layer (tolerances/balancedness.ts) */
  readonly magnitudes: Float64Array[];
}

function sumSq(a: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * a[i];
  return s;
}

export function evaluate(traj: Trajectory, record: TrajectoryRecord): Evaluation {
  const { data, loss, activation } = traj.header;
  const network: Network = { dims: traj.dims, weights: record.weights, activation };
  const ws = createWorkspace(traj.dims, data.n);
  const grads = zerosLike(network);
  const risk = riskAndGradient(ws, network, data, loss, grads);
  const layerGradSq = grads.map(sumSq);
  const margins = ws.margins.slice();
  let minMargin = Infinity;
  let inner = 0;
  if (loss.kind === 'margin') {
    for (let i = 0; i < data.n; i++) {
      minMargin = Math.min(minMargin, margins[i]);
      inner += loss.derivative(margins[i]) * margins[i];
    }
  }
  const scale = loss.kind === 'margin' && activation.kind === 'linear' ? evaluationScale(record.weights, traj.dims, data, loss, margins, risk) : null;
  return {
    record,
    network,
    risk,
    grads,
    layerSq: record.weights.map(sumSq),
    layerGradSq,
    gradSq: layerGradSq.reduce((a, b) => a + b, 0),
    margins,
    minMargin,
    innerEP: loss.kind === 'margin' ? inner / data.n : NaN,
    scale,
    magnitudes: cancellationMagnitudes(record.weights, traj.dims, data, outputDeltaMagnitudes(ws, data, loss)),
  };
}
