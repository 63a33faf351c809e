/**
 * JT.Thm2-margin: under gradient flow w_prod/∏‖W_k‖_F → ū, with its twin.
 */
import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { jtA1 } from '../../src/assumptions/index.js';
import { claimTitle } from '../../src/claims/registry.js';
import { exponential } from '../../src/losses/exponential.js';
import { logistic } from '../../src/losses/logistic.js';
import { lemma4Threshold, offMarginRateAllowance } from '../../src/tolerances/jt.js';
import { marginRounding } from '../../src/tolerances/jtRounding.js';
import { brokenGradient, faultName } from '../../src/trainer/brokenGradient.js';
import { createWorkspace, riskAndGradient, zerosLike, type GradientFn } from '../../src/trainer/gradient.js';
import { gradientFlow } from '../../src/trainer/gradientFlow.js';
import { assertClaim, findCounterexample } from '../../src/verify/claimProperty.js';
import { horizon, runs } from '../../src/verify/profile.js';
import { evaluate, fail } from '../../src/verify/jt/descend.js';
import { type MarginReport, angleResolution, checkMarginBound, geometryOf, marginCase, sinToMaxMargin } from '../../src/verify/jt/geometry.js';
import { type LossName, SCALE_G1, type TrainCase, marginLosses, networkOf, timeout } from '../../src/verify/jt/trainCase.js';
import { assertTrend, trendVerdict } from '../../src/verify/statistics.js';

const FLOW_TIME = horizon(1 << 16);

/**
 * JT.Thm2-margin on one gradient-flow run (ODEX, tolerance 1e-10) with checkpoints at t = 1, 2, 4, …:
 * - INEQ γ(w_prod(t)) ≤ γ̄ (and the SVM's ū attains γ̄);
 * - EXACT, the derivative form of F8 for the flow's vector field: d/dt‖W_1Π_⊥‖² = −2⟨W_1Π_⊥, G_1⟩ equals
 *   −2⟨Π_⊥w_prod, ∇R(w_prod)⟩ (offMarginRateAllowance);
 * - JT.Lem4 along the flow: where ⟨w_prod, ū⟩ ≥ 0 and ‖Π_⊥w_prod‖ > τ, that rate is ≤ 0;
 * - TREND point: sin∠(w_prod, ū), in the regime once every margin is positive.
 */
function checkFlowMargin(c: TrainCase, lossName: LossName, time: number, gradient: GradientFn = riskAndGradient): MarginReport {
  const g = geometryOf(c);
  if (!g) return fail('not separable');
  const loss = marginLosses[lossName];
  const net = networkOf(c);
  const dims = net.dims;
  const tau = lemma4Threshold(lossName, g.data.n, g.alpha);
  const ws = createWorkspace(dims, g.data.n);
  const grads = zerosLike(net);
  const points: { inRegime: boolean; value: number }[] = [];
  let lemma4Steps = 0;
  const cps: number[] = [];
  for (let t = 1; t <= time; t *= 2) cps.push(t);
  const res = gradientFlow({
    network: net,
    data: g.data,
    loss,
    time,
    tolerance: 1e-10,
    checkpointTimes: cps,
    gradient,
    onCheckpoint(t, nt) {
      const risk = gradient(ws, nt, g.data, loss, grads);
      const ev = evaluate({ risk, grads, ws }, nt.weights, dims, g.data, loss, t, NaN, NaN, g.mm.direction);
      const off = ev.off!;
      checkMarginBound(ev, nt.weights, dims, g);
      const allowance = offMarginRateAllowance(ev.scale, nt.weights[0].length, Math.sqrt(ev.layerSq[0]), Math.sqrt(ev.layerGradSq[0]));
      if (!(Math.abs(off.rate - off.inner) <= allowance))
        fail(
          `t=${t}: ⟨W_1Π_⊥, G_1⟩=${off.rate} ≠ ⟨Π_⊥w_prod, ∇R(w_prod)⟩=${off.inner} (allowance ${allowance.toExponential(2)}): the flow's d/dt‖W_1Π_⊥‖² breaks F8`,
        );
      if (off.prodAlong >= 0 && off.prodOffNorm > tau) {
        lemma4Steps++;
        if (!(off.inner >= -allowance)) fail(`t=${t}: Lemma 4's hypotheses hold (‖Π_⊥w‖=${off.prodOffNorm} > τ=${tau}) but ⟨Π_⊥w, ∇R(w)⟩=${off.inner} < 0`);
      }
      points.push({ inRegime: ev.minMargin > marginRounding(ev.scale), value: sinToMaxMargin(ev) });
    },
  });
  if (res.diverged) fail(`the flow stopped: ${res.diverged.reason} at t=${res.diverged.time}`);
  return { verdict: trendVerdict(points, angleResolution(dims)), lemma4Steps, angles: points.map((p) => p.value.toExponential(1)).join(' ') };
}

describe('JT.Thm2-margin: gradient flow, w_prod/∏‖W_k‖_F → ū', () => {
  const flowCase = fc.constantFrom<LossName>('exponential', 'logistic').chain((lossName) => marginCase(marginLosses[lossName]).map((c) => ({ c, lossName })));

  test(
    claimTitle(
      'JT.Thm2-margin',
      'INEQ γ(w_prod) ≤ γ̄ + EXACT d/dt‖W_1Π_⊥‖² = −2⟨Π_⊥w_prod, ∇R⟩ + Lemma 4 along the flow at t = 2^j; TREND angle to ū shrinks (sign test)',
    ),
    () => {
      for (const loss of [logistic, exponential]) expect(jtA1(loss).holds, jtA1(loss).reason).toBe(true);
      const reports: MarginReport[] = [];
      assertClaim(
        'JT.Thm2-margin',
        fc.property(flowCase, ({ c, lossName }) => {
          reports.push(checkFlowMargin(c, lossName, FLOW_TIME));
        }),
        { numRuns: runs(40) },
      );
      const line = assertTrend(
        'JT.Thm2-margin',
        'sin∠(w_prod, ū)',
        reports.map((r) => r.verdict),
      );
      const away = reports.filter((r) => r.verdict === 'away').map((r) => r.angles);
      console.log(
        `JT.Thm2-margin: ${reports.length} flows to t=${FLOW_TIME}; ${line}; ${reports.reduce((s, r) => s + r.lemma4Steps, 0)} checkpoints in Lemma 4's region` +
          (away.length ? `\n  runs whose angle rose over the regime (sin at t = 1, 2, 4, …): ${away.join(' | ')}` : ''),
      );
    },
    timeout(6000),
  );

  test(
    claimTitle('JT.Thm2-margin', `twin: fails when the flow's vector field has ${faultName(SCALE_G1)}`),
    () => {
      findCounterexample(
        'JT.Thm2-margin',
        fc.property(flowCase, ({ c, lossName }) => {
          checkFlowMargin(c, lossName, 4, brokenGradient(SCALE_G1));
        }),
        { numRuns: runs(100), label: `twin, ${faultName(SCALE_G1)}` },
      );
    },
    timeout(2000, false),
  );
});
