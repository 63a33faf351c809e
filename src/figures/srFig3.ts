import { datasetToArrays } from '../data/dataset.js';
import { twoMoons } from '../data/twoMoons.js';
import { logistic } from '../losses/logistic.js';
import { linear } from '../network/activation.js';
import { endToEnd } from '../linalg/dense.js';
import { decisionBoundaryPlot } from '../plots/decisionBoundaryPlot.js';
import { normRatioPlot, riskPlot } from '../plots/trajectoryPlots.js';
import { renderSvg } from '../plots/renderSvg.js';
import { createWorkspace, risk } from '../trainer/gradient.js';
import { figureScale, scaledCount, withScaleNote } from './budget.js';
import type { FigureDefinition } from './figure.js';
import { seededRandom } from '../data/random.js';
import { fmt, satisfyA2, srData, srNetwork, srSettingText } from './srSetting.js';
import { gaussianNetwork } from '../network/initialization.js';
import { trainRun, type TrainRun } from '../run/recordedRun.js';

const DEPTH = 4;
const SCALE = 0.2;
const STEPS = 200_000;
const ETA = 0.05;
const SLOPES = [0, 0.2, 0.4, 0.6, 0.8, 1];
const MOONS = { n: 100, noise: 0.1 } as const;

/** Points whose output is exactly 0 at the end: for ReLU, every path to them is dead and they never move again. */
function deadPoints(run: TrainRun, data: Parameters<typeof risk>[2]): number {
  const ws = createWorkspace(run.network.dims, data.n);
  risk(ws, run.network, data, logistic);
  let k = 0;
  for (let i = 0; i < data.n; i++) if (ws.outputs[i] === 0) k++;
  return k;
}

/** SR.5.1 / Fig3: ρ_3 → 1 for leaky ReLU nets of every slope (left); a linear net on two moons (right). */
export const srFig3: FigureDefinition = {
  id: 'SR.5.1',
  aliases: ['SR.Fig3'],
  title: 'Fig3: norm ratio of layer 3 for leaky ReLU slopes m, and a linear net on two moons',
  async run(ctx) {
    const scale = figureScale(ctx);
    const steps = scaledCount(STEPS, scale);
    const data = srData(ctx.seed);
    const left = SLOPES.map((m) =>
      trainRun({
        label: `m=${m}`,
        network: srNetwork(DEPTH, { kind: 'leaky', slope: m }, seededRandom(ctx.seed).fork('SR.init'), SCALE, data, logistic),
        data,
        loss: logistic,
        schedule: { kind: 'constant', eta: ETA },
        steps,
        progress: ctx.progress.task(`SR.5.1 m=${m}`, steps),
      }),
    );
    const moons = twoMoons({ ...MOONS, seed: seededRandom(ctx.seed).fork('SR.moons').seed });
    const moonNet = satisfyA2(gaussianNetwork([2, 2, 2, 2, 1], linear, seededRandom(ctx.seed).fork('SR.init'), SCALE), moons, logistic);
    const right = trainRun({
      label: 'linear, two moons',
      network: moonNet,
      data: moons,
      loss: logistic,
      schedule: { kind: 'constant', eta: ETA },
      steps,
      progress: ctx.progress.task('SR.5.1 two moons', steps),
    });
    const w = endToEnd(right.network.weights, right.network.dims);
    const arrays = datasetToArrays(moons);
    const panels = [
      { name: 'left-norm-ratio-layer3', svg: await renderSvg(normRatioPlot(left, { title: 'SR Fig3 (left) ρ_3 for leaky ReLU slopes m', only: [3] })) },
      {
        name: 'left-risk',
        svg: await renderSvg(
          riskPlot(left, { title: 'SR Fig3 (left) risk for leaky ReLU slopes m', references: [{ y: logistic.value(0) / data.n, label: 'ℓ(0)/n' }] }),
        ),
      },
      { name: 'right-norm-ratio', svg: await renderSvg(normRatioPlot([right], { title: 'SR Fig3 (right) ρ_k, linear net on two moons' })) },
      { name: 'right-risk', svg: await renderSvg(riskPlot([right], { title: 'SR Fig3 (right) risk, linear net on two moons' })) },
      {
        name: 'right-data',
        svg: await renderSvg(
          decisionBoundaryPlot({
            title: 'SR Fig3 (right) two moons and the linear net',
            subtitle: 'not linearly separable: no max-margin direction exists',
            points: arrays.x.map((p, i) => ({ x: p[0], y: p[1], label: (arrays.y as number[])[i] })),
            boundaries: [{ name: '⟨w_prod, x⟩ = 0', score: (a, b) => w[0] * a + w[1] * b }],
          }),
        ),
      },
    ];
    const leftText = left
      .map((r, i) => {
        const last = r.checkpoints[r.checkpoints.length - 1];
        const dead = SLOPES[i] === 0 ? deadPoints(r, data) : 0;
        return `m=${SLOPES[i]}: ρ_3 ${fmt(r.checkpoints[0].normRatio[2])} → ${fmt(last.normRatio[2])}, risk ${fmt(last.risk)}${dead > 0 ? ` (${dead} point(s) with f(x)=0 at the end: dead ReLU paths, their loss stays ℓ(0))` : ''}`;
      })
      .join('; ');
    const lastR = right.checkpoints[right.checkpoints.length - 1];
    const caption = withScaleNote(
      [
        `SR.5.1 / Fig3. Left: ${srSettingText(DEPTH)} Leaky ReLU max(mz, z) between layers, m ∈ {${SLOPES.join(', ')}} (m=1 is the linear net); s=${SCALE} for all, the same draw unless A2 forced a redraw; constant step η=${ETA}, ${steps} steps each (our choice: SR does not give the schedule, JT.A4's smoothness constant is proven for linear nets only, and its steps of about 1e-5 here would not reach the late phase in budget). ` +
          `Right: the same depth-4 linear net (s=${SCALE}) on ${MOONS.n} two-moons points (noise ${MOONS.noise}, centred, scaled to max ‖x_i‖ = 1, no constant coordinate: a bias-free linear classifier), constant step η=${ETA}, ${steps} steps.`,
        `Observed, left: ${leftText}. Right: risk ${fmt(right.checkpoints[0].risk)} → ${fmt(lastR.risk)} (bounded away from 0: the data are not separable), ρ_k = [${lastR.normRatio.map(fmt).join(', ')}], ‖W_k‖_F = [${lastR.frobenius.map(fmt).join(', ')}]. ` +
          `Train time ${fmt(left.reduce((s, r) => s + r.seconds, 0))} s (left) + ${fmt(right.seconds)} s (right).`,
      ],
      scale,
    );
    return { panels, caption };
  },
};
