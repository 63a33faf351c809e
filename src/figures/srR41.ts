import { logistic } from '../losses/logistic.js';
import { linear } from '../network/activation.js';
import { normRatioPlot, riskPlot } from '../plots/trajectoryPlots.js';
import { renderSvg } from '../plots/renderSvg.js';
import { stepSizePlot } from '../plots/stepSizePlot.js';
import { figureScale, scaledCount, withScaleNote } from './budget.js';
import type { FigureDefinition } from './figure.js';
import { seededRandom } from '../data/random.js';
import { firstStep, fmt, rankGap, srData, srNetwork, srSettingText } from './srSetting.js';
import { trainRun, type TrainRun } from '../run/recordedRun.js';
import type { GradientFn } from '../trainer/gradient.js';
import type { Progress } from '../progress/progressBar.js';
import { scaledNetwork } from '../network/initialization.js';
import { figureVerdict, nearestStep } from '../verify/figures/figureCheck.js';
import { checkSrR41, type SrR41Summary } from '../verify/figures/srChecks.js';

const DEPTH = 4;
const SCALE = 1.5;
const STEPS = 1_000_000;
const CONSTANT_ETA = 1e-2;
/** "after a few thousand steps" (SR.R4.1) */
const EARLY = 2000;

export interface SrR41Options {
  /** init scale of the A4-step run and of the constant-step run (default both 1.5, the figure's) */
  readonly a4Scale?: number;
  readonly constantScale?: number;
  readonly gradient?: GradientFn;
  readonly progress?: Progress;
}

/** The figure's two runs: the same W(0) (up to scale), the JT.A4 step and a constant 1e-2 step, `steps` steps each. */
export function srR41Runs(seed: number, steps: number, o: SrR41Options = {}): { a4: TrainRun; cst: TrainRun } {
  const data = srData(seed);
  const base = srNetwork(DEPTH, linear, seededRandom(seed).fork('SR.init'), SCALE, data, logistic);
  const at = (s: number | undefined) => (s === undefined || s === SCALE ? base : scaledNetwork(base, s / SCALE));
  const a4 = trainRun({
    label: 'JT.A4 step',
    network: at(o.a4Scale),
    data,
    loss: logistic,
    schedule: { kind: 'ji-telgarsky' },
    steps,
    gradient: o.gradient,
    progress: o.progress?.task('SR.R4.1 A4 step', steps),
  });
  const cst = trainRun({
    label: `constant η=${CONSTANT_ETA}`,
    network: at(o.constantScale),
    data,
    loss: logistic,
    schedule: { kind: 'constant', eta: CONSTANT_ETA },
    steps,
    gradient: o.gradient,
    progress: o.progress?.task('SR.R4.1 constant step', steps),
  });
  return { a4, cst };
}

/** The numbers SR.R4.1's check judges (src/verify/figures/srChecks.ts). */
export function srR41Summary(a4: TrainRun, cst: TrainRun): SrR41Summary {
  const steps = cst.checkpoints[cst.checkpoints.length - 1].step;
  const early = Math.min(EARLY, a4.etas.length ? a4.etas[a4.etas.length - 1].step : 0);
  const late = a4.etas.filter((e) => e.step >= early).map((e) => e.eta);
  return {
    a4EtaLate: late.length ? Math.max(...late) : Number.NaN,
    early,
    riskStart: cst.checkpoints[0].risk,
    riskEnd: cst.checkpoints[cst.checkpoints.length - 1].risk,
    gapEnd: rankGap(cst.checkpoints[cst.checkpoints.length - 1]),
    gapTenth: rankGap(nearestStep(cst.checkpoints, steps / 10)),
  };
}

/** SR.R4.1: the JT.A4 step shrinks below 1e-5; a constant 1e-2 step lowers the risk but ρ_k stalls below 1. */
export const srR41: FigureDefinition = {
  id: 'SR.R4.1',
  aliases: [],
  title: 'The JT.A4 step size becomes tiny; a constant step lowers the risk but ρ_k stalls below 1',
  async run(ctx) {
    const scale = figureScale(ctx);
    const steps = scaledCount(STEPS, scale);
    const { a4, cst } = srR41Runs(ctx.seed, steps, { progress: ctx.progress });
    const runs = [a4, cst];
    const below = firstStep(a4.etas, (e) => e.eta < 1e-5);
    const lastA4 = a4.checkpoints[a4.checkpoints.length - 1];
    const lastC = cst.checkpoints[cst.checkpoints.length - 1];
    const panels = [
      {
        name: 'step-size',
        svg: await renderSvg(
          stepSizePlot(
            runs.map((r) => ({ label: r.label, points: r.etas })),
            { title: 'SR.R4.1 step size η_t', references: [{ y: 1e-5, label: '1e-5' }] },
          ),
        ),
      },
      { name: 'risk', svg: await renderSvg(riskPlot(runs, { title: 'SR.R4.1 risk' })) },
      { name: 'norm-ratio', svg: await renderSvg(normRatioPlot(runs, { title: 'SR.R4.1 norm ratios ρ_k (layer 4 is 1×2: ρ_4 = 1 always)' })) },
    ];
    const caption = withScaleNote(
      [
        `SR.R4.1. ${srSettingText(DEPTH)} s=${SCALE} (the larger init of SR.R4.2; SR gives no scale, and at this one the A4 step is already in SR's regime η ≲ 1e-5). Both runs start from the same W(0) and take ${steps} steps: ` +
          `the JT.A4 step η_t = min{1/β(R_t), 1} with β(R) = 2L²R^{2L−2}(β+G), and a constant η=${CONSTANT_ETA}. Checkpoints are geometric (about 12 per decade), so step counts below are checkpoint resolution.`,
        `Observed: the A4 step starts at η_0=${fmt(a4.etas[0]?.eta)}, ${below === null ? `stays above 1e-5 (last η=${fmt(a4.etas[a4.etas.length - 1]?.eta)})` : below === 0 ? 'is below 1e-5 from the first step' : `is below 1e-5 from step ≈${below}`}, and ends at ${fmt(a4.etas[a4.etas.length - 1]?.eta)}; ` +
          `final risk ${fmt(lastA4.risk)} (A4) vs ${fmt(lastC.risk)} (constant); final ρ_k, constant step: [${lastC.normRatio.map(fmt).join(', ')}], A4 step: [${lastA4.normRatio.map(fmt).join(', ')}]. ` +
          `Train time ${fmt(a4.seconds)} s + ${fmt(cst.seconds)} s.`,
        figureVerdict('SR.R4.1', () => checkSrR41(srR41Summary(a4, cst))),
      ],
      scale,
    );
    return { panels, caption };
  },
};
