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
import { fmt, rankGap, satisfyA2, srData, srNetwork, srSettingText } from './srSetting.js';
import { gaussianNetwork } from '../network/initialization.js';
import { trainRun, type TrainRun } from '../run/recordedRun.js';
import type { Dataset } from '../data/dataset.js';
import type { GradientFn } from '../trainer/gradient.js';
import type { Progress } from '../progress/progressBar.js';
import { figureVerdict } from '../verify/figures/figureCheck.js';
import { checkSrFig3, type SrFig3Summary } from '../verify/figures/srChecks.js';

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

export interface SrFig3Options {
  /** leaky ReLU slopes of the left panel (default the figure's six) */
  readonly slopes?: readonly number[];
  /** right panel: 'moons' (the figure's) or 'separable' (the left panel's data: a twin removing non-separability) */
  readonly rightData?: 'moons' | 'separable';
  readonly gradient?: GradientFn;
  readonly progress?: Progress;
}

/** Left panel: the depth-4 net with leaky ReLU of each slope, the same draw, constant step. */
export function srFig3LeftRuns(seed: number, steps: number, o: SrFig3Options = {}): TrainRun[] {
  const data = srData(seed);
  return (o.slopes ?? SLOPES).map((m) =>
    trainRun({
      label: `m=${m}`,
      network: srNetwork(DEPTH, { kind: 'leaky', slope: m }, seededRandom(seed).fork('SR.init'), SCALE, data, logistic),
      data,
      loss: logistic,
      schedule: { kind: 'constant', eta: ETA },
      steps,
      gradient: o.gradient,
      progress: o.progress?.task(`SR.5.1 m=${m}`, steps),
    }),
  );
}

/** Right panel: the depth-4 linear net on two moons (or, for a twin, on the separable data of the left panel). */
export function srFig3RightRun(seed: number, steps: number, o: SrFig3Options = {}): { data: Dataset; run: TrainRun } {
  const data = o.rightData === 'separable' ? srData(seed) : twoMoons({ ...MOONS, seed: seededRandom(seed).fork('SR.moons').seed });
  const network = satisfyA2(gaussianNetwork([2, 2, 2, 2, 1], linear, seededRandom(seed).fork('SR.init'), SCALE), data, logistic);
  const run = trainRun({
    label: o.rightData === 'separable' ? 'linear, separable data' : 'linear, two moons',
    network,
    data,
    loss: logistic,
    schedule: { kind: 'constant', eta: ETA },
    steps,
    gradient: o.gradient,
    progress: o.progress?.task('SR.5.1 two moons', steps),
  });
  return { data, run };
}

/** The numbers SR.5.1's checks judge: the left runs on `data` (srData), the right run. */
export function srFig3Summary(left: readonly TrainRun[], data: Dataset, right: TrainRun | null, slopes: readonly number[] = SLOPES): SrFig3Summary {
  const end = (r: TrainRun) => r.checkpoints[r.checkpoints.length - 1];
  return {
    left: left.map((r, i) => ({
      m: slopes[i],
      rho3: end(r).normRatio[2],
      risk: end(r).risk,
      // R < ℓ(0)/n: every point's loss is below ℓ(0), so every margin is positive
      allClassified: end(r).risk < logistic.value(0) / data.n,
      dead: deadPoints(r, data),
    })),
    right: right ? { riskStart: right.checkpoints[0].risk, riskEnd: end(right).risk, gapEnd: rankGap(end(right)) } : null,
  };
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
    const left = srFig3LeftRuns(ctx.seed, steps, { progress: ctx.progress });
    const { data: moons, run: right } = srFig3RightRun(ctx.seed, steps, { progress: ctx.progress });
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
        figureVerdict('SR.5.1', () => checkSrFig3(srFig3Summary(left, data, right))),
      ],
      scale,
    );
    return { panels, caption };
  },
};
