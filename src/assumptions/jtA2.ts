import type { Dataset } from '../data/dataset.js';
import type { Loss } from '../losses/loss.js';
import type { Network } from '../network/network.js';
import { checkCompatible, createWorkspace, riskAndGradient, zerosLike } from '../trainer/gradient.js';
import { norm2 } from '../linalg/dense.js';
import { evaluationScale, gradientRounding, LOSS_ROUNDINGS, riskRounding } from '../tolerances/jtRounding.js';
import { gamma } from '../tolerances/rounding.js';
import type { AssumptionResult } from './assumption.js';

/**
 * JT.A2 for an initialization: ∇R(W(0)) ≠ 0 and R(W(0)) < ℓ(0). Both are decided beyond rounding: R̂ must be below
 * ℓ̂(0) by more than riskRounding + γ_4·ℓ(0), and ‖Ĝ‖ must exceed the bound on ‖Ĝ − ∇R‖ (gradientRounding), so
 * that the exact gradient is provably nonzero. A case within rounding is reported as not established.
 * Stated for linear nets (JT's setting), whose rounding bounds src/tolerances/jtRounding.ts derives.
 */
export function jtA2(network: Network, data: Dataset, loss: Loss): AssumptionResult {
  if (loss.kind !== 'margin') return { holds: false, reason: `JT.A2: loss=${loss.name} is not a margin loss; ℓ(0) is undefined` };
  if (network.activation.kind !== 'linear')
    return { holds: false, reason: `JT.A2: activation=${network.activation.kind}; JT.A2 is stated (and checked here) for linear nets` };
  checkCompatible(network, data, loss);
  const ws = createWorkspace(network.dims, data.n);
  const grads = zerosLike(network);
  const r = riskAndGradient(ws, network, data, loss, grads);
  const s = evaluationScale(network.weights, network.dims, data, loss, ws.margins, r);
  const l0 = loss.value(0);
  const gap = l0 - r;
  const riskSlack = riskRounding(s) + gamma(LOSS_ROUNDINGS) * Math.abs(l0);
  if (!(gap > riskSlack))
    return {
      holds: false,
      reason: `JT.A2: R(W(0))=${r} is not below ℓ(0)=${l0}${gap > 0 ? ` beyond rounding (${riskSlack.toExponential(2)})` : ''}`,
    };
  const g = norm2(grads.map((G) => norm2(Array.from(G))));
  const gErr = norm2(gradientRounding(s));
  if (!(g > gErr)) return { holds: false, reason: `JT.A2: ‖∇R(W(0))‖=${g} is not above its rounding ${gErr.toExponential(2)}: ∇R may be 0` };
  return { holds: true, reason: `JT.A2: R(W(0))=${r.toPrecision(6)} < ℓ(0)=${l0.toPrecision(6)} and ‖∇R(W(0))‖=${g.toPrecision(4)} > 0` };
}
