import type { Dataset } from '../data/dataset.js';
import type { Loss } from '../losses/loss.js';
import type { Network } from '../network/network.js';
import type { GradientFn } from '../trainer/gradient.js';
import { gradientDescent } from '../trainer/gradientDescent.js';
import { cancellationMagnitudes, outputDeltaMagnitudes } from '../tolerances/dhlStep.js';
import type { BalanceStep } from '../tolerances/dhlStep.js';

/** One step by the trainer (gradientDescent), with what the F2/F4 bounds need captured at W(0). */
export function recordBalanceStep(net: Network, data: Dataset, loss: Loss, eta: number, gradient?: GradientFn): BalanceStep {
  let before: Float64Array[] = [];
  let grads: Float64Array[] = [];
  let deltas: Float64Array = new Float64Array(0);
  const res = gradientDescent({
    network: net,
    data,
    loss,
    schedule: { kind: 'constant', eta },
    steps: 1,
    gradient,
    onStep(v) {
      if (v.t !== 0) return;
      before = v.weights.map((W) => W.slice());
      grads = v.grads.map((G) => G.slice());
      deltas = outputDeltaMagnitudes(v.workspace, data, loss);
    },
  });
  return {
    dims: net.dims,
    eta,
    samples: data.n,
    before,
    after: res.network.weights,
    grads,
    magnitudes: cancellationMagnitudes(before, net.dims, data, deltas),
  };
}
