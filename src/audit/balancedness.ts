import { isHomogeneous } from '../network/activation.js';
import { balanceStepRatio, type BalanceStep } from '../tolerances/dhlStep.js';
import { notApplicable, where, Worst, type CheckResult } from './check.js';
import type { Evaluation } from './evaluate.js';
import type { Trajectory } from './trajectory.js';

/**
 * F2 (DHL.Thm2.2, linear layers: every entry of D_k = W_kW_kᵀ − W_{k+1}ᵀW_{k+1}) or F4 (DHL.Thm2.1, homogeneous
 * activations: its diagonal, ‖W_k[i,:]‖² − ‖W_{k+1}[:,i]‖²) on each recorded step t → t+1: the change of D_k must be
 * η_t²(G_kG_kᵀ − G_{k+1}ᵀG_{k+1}) to the rounding bound of tolerances/balancedness.ts (balanceStepResiduals), with G
 * dlncheck's gradient at the recorded W(t). A layer stepped with a different size, or a gradient that is not the
 * risk's, leaves a first-order change that no rounding explains.
 */
export function balancednessCheck(traj: Trajectory, pairs: readonly (readonly [Evaluation, Evaluation])[]): CheckResult {
  const { activation } = traj.header;
  const linear = activation.kind === 'linear';
  const check = linear ? 'F2' : 'F4';
  const claim = linear ? 'DHL.Thm2.2' : 'DHL.Thm2.1';
  if (traj.dims.length < 3) return notApplicable(check, claim, 'one layer: there is no hidden layer to balance');
  if (!isHomogeneous(activation)) return notApplicable('F4', 'DHL.Thm2.1', `activation ${activation.kind} is not positively homogeneous`);
  if (pairs.length === 0) return notApplicable(check, claim, 'needs consecutive recorded steps (t and t+1); the file has none');
  const worst = new Worst();
  for (const [a, b] of pairs) {
    const step: BalanceStep = {
      dims: traj.dims,
      eta: a.record.eta,
      samples: traj.header.data.n,
      before: a.record.weights,
      after: b.record.weights,
      grads: a.grads,
      magnitudes: a.magnitudes,
    };
    const ratio = balanceStepRatio(step, linear ? 'matrix' : 'diagonal');
    worst.checked++;
    worst.see(
      ratio,
      where(a.record.step, a.record.line),
      () =>
        `the step from ${a.record.step} to ${b.record.step} changes ${linear ? 'D_k' : "a neuron's ‖a‖² − ‖b‖²"} by ${ratio.toPrecision(3)}× the rounding bound beyond η²(G_kG_kᵀ − G_{k+1}ᵀG_{k+1}): a per-layer step size or a gradient that is not the risk's`,
    );
  }
  return worst.result(check, claim, `${worst.checked} steps: D_k changed by η²(G_kG_kᵀ − G_{k+1}ᵀG_{k+1}) to rounding`);
}
