import { descentAllowance, gradientRounding, riskRounding, updateRounding } from '../tolerances/jtRounding.js';
import { norm2 as euclidean } from '../linalg/dense.js';
import { jiTelgarskySmoothness } from '../trainer/schedule.js';
import { notApplicable, where, Worst, type CheckResult } from './check.js';
import type { Evaluation } from './evaluate.js';
import type { Trajectory } from './trajectory.js';

/**
 * The descent inequality of JT.Thm1-risk, R(t+1) ≤ R(t) − (η_t/2)‖∇R(t)‖², on each recorded step whose η_t is
 * one JT.A4 allows: η_t ≤ min(1, 1/β(R_t)) with β(R) = 2L²R^{2L−2}(β + G) (JT.Lem5) on the ball R_t = max_k‖W_k(t)‖_F + 1,
 * and η_t‖∇_kR‖ < 1 for every layer, so the step stays inside the ball where the risk is β(R_t)-smooth. Logistic loss,
 * linear net, ‖x_i‖ ≤ 1 (JT.Lem5's hypotheses). Steps with a larger η are not covered by the theorem and are counted,
 * not checked. Allowance: descentAllowance (tolerances/alignment.ts).
 */
export function descentCheck(traj: Trajectory, pairs: readonly (readonly [Evaluation, Evaluation])[]): CheckResult {
  const { activation, loss, data } = traj.header;
  const claim = 'JT.Thm1-risk';
  if (activation.kind !== 'linear')
    return notApplicable('descent', claim, `JT.Lem5's smoothness constant is for linear nets; activation is ${activation.kind}`);
  if (loss.kind !== 'margin' || loss.name !== 'logistic' || !loss.lipschitz)
    return notApplicable('descent', claim, `JT.A3 (a global β, G) holds for the logistic loss; loss is ${traj.header.lossName}`);
  let maxX = 0;
  for (let i = 0; i < data.n; i++) {
    let s = 0;
    for (let j = 0; j < data.d; j++) s += data.x[i * data.d + j] ** 2;
    maxX = Math.max(maxX, Math.sqrt(s));
  }
  if (maxX > 1) return notApplicable('descent', claim, `JT.Lem5 assumes ‖x_i‖ ≤ 1; the largest is ${maxX}`);
  if (pairs.length === 0) return notApplicable('descent', claim, 'needs consecutive recorded steps (t and t+1); the file has none');
  const L = traj.dims.length - 1;
  const entries = traj.dims.slice(1).reduce((s, r, k) => s + r * traj.dims[k], 0);
  const worst = new Worst();
  let large = 0;
  for (const [a, b] of pairs) {
    const eta = a.record.eta;
    const radius = Math.sqrt(Math.max(...a.layerSq)) + 1;
    const beta = jiTelgarskySmoothness(L, radius, loss.lipschitz);
    if (!(eta <= Math.min(1, 1 / beta)) || a.layerGradSq.some((g2) => !(eta * Math.sqrt(g2) < 1))) {
      large++;
      continue;
    }
    const storage = euclidean(a.layerGradSq.map((g2, k) => updateRounding(eta, Math.sqrt(g2), Math.sqrt(b.layerSq[k]))));
    const allowance = descentAllowance({
      riskRoundingBefore: riskRounding(a.scale!),
      riskRoundingAfter: riskRounding(b.scale!),
      eta,
      gradNorm: Math.sqrt(a.gradSq),
      gradError: euclidean(gradientRounding(a.scale!)),
      nextGradNorm: Math.sqrt(b.gradSq),
      nextGradError: euclidean(gradientRounding(b.scale!)),
      storage,
      smoothness: beta,
      entries,
    });
    const residual = b.risk - a.risk + (eta / 2) * a.gradSq;
    worst.checked++;
    // a negative residual holds with room to spare: its ratio is 0
    worst.see(
      Math.max(0, residual) / allowance,
      where(a.record.step, a.record.line),
      () => `R(t+1) − R(t) + (η/2)‖∇R‖² = ${residual.toExponential(3)} > allowance ${allowance.toExponential(3)} (η=${eta}, R(t)=${a.risk})`,
    );
  }
  const skipped = large ? `; ${large} of ${pairs.length} steps had η_t above JT.A4's min(1, 1/β(R_t)) and were not checked` : '';
  const r = worst.result('descent', claim, `${worst.checked} steps: the risk fell by at least (η/2)‖∇R‖² to rounding${skipped}`);
  return r.verdict === 'not applicable'
    ? { ...r, detail: `every one of the ${pairs.length} recorded steps has η_t above JT.A4's min(1, 1/β(R_t)), where the theorem says nothing` }
    : r.verdict === 'fail'
      ? { ...r, detail: r.detail + skipped }
      : r;
}
