import { logistic } from '../losses/logistic.js';
import { linear } from '../network/activation.js';
import { normRatioPlot, riskPlot } from '../plots/trajectoryPlots.js';
import { renderSvg } from '../plots/renderSvg.js';
import { stepSizePlot } from '../plots/stepSizePlot.js';
import { figureScale, scaledCount, withScaleNote } from './budget.js';
import type { FigureDefinition } from './figure.js';
import { seededRandom } from '../data/random.js';
import { firstStep, fmt, srData, srNetwork, srSettingText } from './srSetting.js';
import { trainRun } from '../run/recordedRun.js';

const SCALE = 0.6;
const STEPS = 3_000_000;

/** SR.R4.3 / Fig2: depth 4 vs depth 6 under the JT.A4 step; the deeper net needs far more steps. */
export const srFig2: FigureDefinition = {
  id: 'SR.R4.3',
  aliases: ['SR.Fig2'],
  title: 'Fig2: depth 4 vs depth 6 under the JT.A4 step',
  async run(ctx) {
    const scale = figureScale(ctx);
    const steps = scaledCount(STEPS, scale);
    const data = srData(ctx.seed);
    const runs = [4, 6].map((depth) =>
      trainRun({
        label: `depth ${depth}`,
        network: srNetwork(depth, linear, seededRandom(ctx.seed).fork(`SR.depth${depth}`), SCALE, data, logistic),
        data,
        loss: logistic,
        schedule: { kind: 'ji-telgarsky' },
        steps,
        progress: ctx.progress.task(`SR.R4.3 depth ${depth}`, steps),
      }),
    );
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
      ],
      scale,
    );
    return { panels, caption };
  },
};
