import { logistic } from '../losses/logistic.js';
import { linear } from '../network/activation.js';
import { normRatioPlot, riskPlot } from '../plots/trajectoryPlots.js';
import { renderSvg } from '../plots/renderSvg.js';
import { stepSizePlot } from '../plots/stepSizePlot.js';
import { figureScale, scaledCount, withScaleNote } from './budget.js';
import type { FigureDefinition } from './figure.js';
import { seededRandom } from '../data/random.js';
import { firstStep, fmt, srData, srNetwork, srSettingText } from './srSetting.js';
import { trainRun, type TrainRun } from '../run/recordedRun.js';
import type { Dataset } from '../data/dataset.js';
import { createWorkspace, riskAndGradient, type GradientFn } from '../trainer/gradient.js';
import { createStepRule } from '../trainer/schedule.js';
import { checkpointSteps } from '../metrics/checkpointSteps.js';
import type { Progress } from '../progress/progressBar.js';
import { figureVerdict } from '../verify/figures/figureCheck.js';
import { checkSrR43, DEPTH_DROP, type SrR43Summary } from '../verify/figures/srChecks.js';

const SCALE = 0.6;
const STEPS = 3_000_000;

export interface SrFig2Options {
  /** the depths, the one claimed faster first (default [4, 6], the figure's); a twin swaps them */
  readonly depths?: readonly [number, number];
  /** checkpoints per decade (default 12, the figure's; the check uses more, for its step counts) */
  readonly perDecade?: number;
  readonly gradient?: GradientFn;
  readonly progress?: Progress;
}

export interface SrFig2Runs {
  readonly data: Dataset;
  readonly runs: TrainRun[];
  /** (η‖∇R‖²) at step 0 of each run: the initial rate of descent per step */
  readonly initialRate: number[];
  readonly depths: readonly [number, number];
}

/** The figure's runs: each depth from its own draw at s = 0.6, JT.A4 step, `steps` steps. */
export function srFig2Runs(seed: number, steps: number, o: SrFig2Options = {}): SrFig2Runs {
  const depths = o.depths ?? [4, 6];
  const data = srData(seed);
  const initialRate: number[] = [];
  const runs = depths.map((depth) => {
    const network = srNetwork(depth, linear, seededRandom(seed).fork(`SR.depth${depth}`), SCALE, data, logistic);
    const grads = network.weights.map((W) => new Float64Array(W.length));
    riskAndGradient(createWorkspace(network.dims, data.n), network, data, logistic, grads);
    const g2 = grads.reduce((s, G) => s + G.reduce((t, v) => t + v * v, 0), 0);
    const maxF = Math.max(...network.weights.map((W) => Math.hypot(...W)));
    initialRate.push(createStepRule({ kind: 'ji-telgarsky' }, depth, logistic).eta(0, maxF) * g2);
    return trainRun({
      label: `depth ${depth}`,
      network,
      data,
      loss: logistic,
      schedule: { kind: 'ji-telgarsky' },
      steps,
      checkpoints: checkpointSteps(steps, o.perDecade ?? 12),
      gradient: o.gradient,
      progress: o.progress?.task(`SR.R4.3 depth ${depth}`, steps),
    });
  });
  return { data, runs, initialRate, depths };
}

/** The numbers SR.R4.3's check judges: steps until each depth's risk fell by DEPTH_DROP. */
export function srFig2Summary(r: SrFig2Runs): SrR43Summary {
  const moved = (run: TrainRun) => firstStep(run.checkpoints, (c) => c.risk <= (1 - DEPTH_DROP) * run.checkpoints[0].risk);
  return {
    stepsShallow: moved(r.runs[0]),
    stepsDeep: moved(r.runs[1]),
    horizon: r.runs[0].checkpoints[r.runs[0].checkpoints.length - 1].step,
    shallow: r.depths[0],
    deep: r.depths[1],
    predicted: r.initialRate[0] / r.initialRate[1],
  };
}

/** SR.R4.3 / Fig2: depth 4 vs depth 6 under the JT.A4 step; the deeper net needs far more steps. */
export const srFig2: FigureDefinition = {
  id: 'SR.R4.3',
  aliases: ['SR.Fig2'],
  title: 'Fig2: depth 4 vs depth 6 under the JT.A4 step',
  async run(ctx) {
    const scale = figureScale(ctx);
    const steps = scaledCount(STEPS, scale);
    const measured = srFig2Runs(ctx.seed, steps, { progress: ctx.progress });
    const { data, runs } = measured;
    const panels = [
      {
        name: 'risk',
        svg: await renderSvg(riskPlot(runs, { title: 'SR Fig2 risk, depth 4 vs 6', references: [{ y: logistic.value(0) / data.n, label: 'ℓ(0)/n' }] })),
      },
      {
        name: 'step-size',
        svg: await renderSvg(
          stepSizePlot(
            runs.map((r) => ({ label: r.label, points: r.etas })),
            { title: 'SR Fig2 JT.A4 step size' },
          ),
        ),
      },
      { name: 'norm-ratio', svg: await renderSvg(normRatioPlot(runs, { title: 'SR Fig2 norm ratios ρ_k' })) },
    ];
    const describe = (r: (typeof runs)[number]): string => {
      const r0 = r.checkpoints[0].risk;
      const half = firstStep(r.checkpoints, (c) => c.risk <= r0 / 2);
      const all = firstStep(r.checkpoints, (c) => c.risk < logistic.value(0) / data.n);
      const last = r.checkpoints[r.checkpoints.length - 1];
      return (
        `${r.label}: risk ${fmt(r0)} → ${fmt(last.risk)}; halved at step ${half ?? `> ${steps}`}; below ℓ(0)/n at step ${all ?? `> ${steps}`}; ` +
        `η from ${fmt(r.etas[0]?.eta)} to ${fmt(r.etas[r.etas.length - 1]?.eta)}; ${fmt(r.seconds)} s`
      );
    };
    const caption = withScaleNote(
      [
        `SR.R4.3 / Fig2. ${srSettingText(4)} The depth-6 net has five 2×2 layers and a 1×2 last layer. ` +
          `Both nets: i.i.d. N(0, s²) entries with s=${SCALE} (our choice: between the two scales of Fig1, so the depth-6 product is not vanishingly small), JT.A4 step, ${steps} steps. ` +
          `Step counts are at checkpoint resolution (about 12 per decade).`,
        `Observed: ${runs.map(describe).join('; ')}. The A4 step shrinks like R^{−(2L−2)}, so at depth 6 each step is orders of magnitude smaller.`,
        figureVerdict('SR.R4.3', () => checkSrR43(srFig2Summary(measured))),
      ],
      scale,
    );
    return { panels, caption };
  },
};
