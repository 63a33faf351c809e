import { firstOrderConsistency, normChangeAllowance, updateRounding } from '../tolerances/jtRounding.js';
import { notApplicable, where, Worst, type CheckResult } from './check.js';
import type { Evaluation } from './evaluate.js';
import type { Trajectory } from './trajectory.js';

/**
 * F3 (JT.Thm1-norms) on each recorded step t → t+1: ‖W_k(t+1)‖_F² − ‖W_k(t)‖_F² = −2η_t⟨E, P⟩ + η_t²‖G_k‖_F² for
 * every layer, with ⟨E, P⟩ = (1/n)Σℓ'(m_i)m_i and G_k from dlncheck's evaluation at W(t); allowance
 * normChangeAllowance (tolerances/alignment.ts, derived for linear nets with the exponential or logistic loss).
 */
export function normGrowthCheck(traj: Trajectory, pairs: readonly (readonly [Evaluation, Evaluation])[]): CheckResult {
  const { activation, lossName } = traj.header;
  if (activation.kind !== 'linear')
    return notApplicable('F3', 'JT.Thm1-norms', `F3's form ⟨W_k, G_k⟩ = ⟨E, P⟩ is for linear layers; activation is ${activation.kind}`);
  if (lossName !== 'logistic' && lossName !== 'exponential')
    return notApplicable('F3', 'JT.Thm1-norms', `its rounding allowance is derived for the logistic and exponential losses; loss is ${lossName}`);
  if (pairs.length === 0) return notApplicable('F3', 'JT.Thm1-norms', 'needs consecutive recorded steps (t and t+1); the file has none');
  const worst = new Worst();
  for (const [a, b] of pairs) {
    const eta = a.record.eta;
    const consistency = firstOrderConsistency(a.scale!);
    worst.checked++;
    for (let k = 0; k < a.layerSq.length; k++) {
      const gNorm = Math.sqrt(a.layerGradSq[k]);
      const next = Math.sqrt(b.layerSq[k]);
      const predicted = -2 * eta * a.innerEP + eta * eta * a.layerGradSq[k];
      const allowance = normChangeAllowance({
        entries: a.record.weights[k].length,
        before: a.layerSq[k],
        after: b.layerSq[k],
        eta,
        gradNorm: gNorm,
        storage: updateRounding(eta, gNorm, next),
        nextNorm: next,
        consistency,
        coefficient: Math.abs(a.innerEP),
      });
      const observed = b.layerSq[k] - a.layerSq[k];
      const ratio = Math.abs(observed - predicted) / allowance;
      worst.see(
        ratio,
        where(a.record.step, a.record.line, `layer ${k + 1}`),
        () => `layer ${k + 1}: ‖W'‖² − ‖W‖² = ${observed.toPrecision(6)} but −2η⟨E,P⟩ + η²‖G‖² = ${predicted.toPrecision(6)}`,
      );
    }
  }
  return worst.result('F3', 'JT.Thm1-norms', `${worst.checked} steps: every layer's squared norm changed by −2η⟨E,P⟩ + η²‖G_k‖² to rounding`);
}
