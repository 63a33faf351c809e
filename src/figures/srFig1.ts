import { logistic } from '../losses/logistic.js';
import { linear } from '../network/activation.js';
import { frobeniusPlot, normRatioPlot, riskPlot } from '../plots/trajectoryPlots.js';
import { renderSvg } from '../plots/renderSvg.js';
import { figureScale, scaledCount, withScaleNote } from './budget.js';
import type { FigureDefinition } from './figure.js';
import { scaledNetwork } from '../network/initialization.js';
import { seededRandom } from '../data/random.js';
import { fmt, rankGap, srData, srNetwork, srSettingText } from './srSetting.js';
import { trainRun, type TrainRun } from '../run/recordedRun.js';
import type { Dataset } from '../data/dataset.js';
import type { GradientFn } from '../trainer/gradient.js';
import type { Progress } from '../progress/progressBar.js';
import { figureVerdict, nearestStep } from '../verify/figures/figureCheck.js';
import { checkSrR42, type SrR42Summary } from '../verify/figures/srChecks.js';

const DEPTH = 4;
const LARGE = 1.5;
const SMALL = 0.3;
const STEPS = 1_000_000;

export interface SrFig1Options {
  /** the two init scales, larger first (default 1.5 and 0.3, the figure's); a twin swaps them */
  readonly scales?: readonly [number, number];
  readonly gradient?: GradientFn;
  readonly progress?: Progress;
}

/** The figure's two runs: the same directions at two scales, JT.A4 step, `steps` steps each. */
export function srFig1Runs(seed: number, steps: number, o: SrFig1Options = {}): { data: Dataset; runs: TrainRun[] } {
  const [first, second] = o.scales ?? [LARGE, SMALL];
  const data = srData(seed);
  const large = srNetwork(DEPTH, linear, seededRandom(seed).fork('SR.init'), LARGE, data, logistic);
  const runs = [first, second].map((s) =>
    trainRun({
      label: `init s=${s}`,
      network: s === LARGE ? large : scaledNetwork(large, s / LARGE),
      data,
      loss: logistic,
      schedule: { kind: 'ji-telgarsky' },
      steps,
      gradient: o.gradient,
      progress: o.progress?.task(`SR.R4.2 s=${s}`, steps),
    }),
  );
  return { data, runs };
}

/** The numbers SR.R4.2's check judges: runs[0] is the one claimed larger. */
export function srFig1Summary(runs: readonly TrainRun[], scales: readonly [number, number] = [LARGE, SMALL]): SrR42Summary {
  const [large, small] = runs;
  const end = (r: TrainRun) => r.checkpoints[r.checkpoints.length - 1];
  return {
    gapLarge: rankGap(end(large)),
    gapLargeTenth: rankGap(nearestStep(large.checkpoints, end(large).step / 10)),
    gapSmall: rankGap(end(small)),
    large: scales[0],
    small: scales[1],
  };
}

/** SR.R4.2 / Fig1: two initializations 5× apart in scale under the JT.A4 step; the larger one's ρ_k flatten below 1. */
export const srFig1: FigureDefinition = {
  id: 'SR.R4.2',
  aliases: ['SR.Fig1'],
  title: 'Fig1: risk, norm ratios and layer norms for two initialization scales (JT.A4 step)',
  async run(ctx) {
    const scale = figureScale(ctx);
    const steps = scaledCount(STEPS, scale);
    const { data, runs } = srFig1Runs(ctx.seed, steps, { progress: ctx.progress });
    const panels = [
      {
        name: 'left-risk',
        svg: await renderSvg(riskPlot(runs, { title: 'SR Fig1 (left) risk', references: [{ y: logistic.value(0) / data.n, label: 'ℓ(0)/n' }] })),
      },
      { name: 'left-norm-ratio', svg: await renderSvg(normRatioPlot(runs, { title: 'SR Fig1 (left) norm ratios ρ_k', only: [1, 2, 3] })) },
      { name: 'right-frobenius', svg: await renderSvg(frobeniusPlot(runs, { title: 'SR Fig1 (right) layer norms ‖W_k‖_F' })) },
    ];
    const describe = (r: (typeof runs)[number]): string => {
      const last = r.checkpoints[r.checkpoints.length - 1];
      return `${r.label}: risk ${fmt(r.checkpoints[0].risk)} → ${fmt(last.risk)}, ρ_1..3 = [${last.normRatio.slice(0, 3).map(fmt).join(', ')}], ‖W_k‖_F = [${last.frobenius.map(fmt).join(', ')}], final η=${fmt(r.etas[r.etas.length - 1]?.eta)}, ${fmt(r.seconds)} s`;
    };
    const caption = withScaleNote(
      [
        `SR.R4.2 / Fig1. ${srSettingText(DEPTH)} Two initializations with the same directions: s=${LARGE} and s=${SMALL} (${LARGE / SMALL}× smaller; SR gives no absolute scale, ours puts the larger one where the A4 step is below 1e-5, as in SR.R4.1). ` +
          `JT.A4 step, ${steps} steps each. ρ_4 is omitted from the left plot (a 1×2 layer is always rank one). The dashed line in the risk plot is ℓ(0)/n: below it every point is classified.`,
        `Observed: ${runs.map(describe).join('; ')}.`,
        figureVerdict('SR.R4.2', () => checkSrR42(srFig1Summary(runs))),
      ],
      scale,
    );
    return { panels, caption };
  },
};
