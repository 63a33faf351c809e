import { twoMoons } from '../data/twoMoons.js';
import { logistic } from '../losses/logistic.js';
import { lineChartSpec, type LinePoint } from '../plots/lineChart.js';
import { renderSvg } from '../plots/renderSvg.js';
import { STEP_AXIS } from '../plots/trajectory.js';
import { figureScale, scaledCount, withScaleNote } from './budget.js';
import type { FigureDefinition } from './figure.js';
import { gaussianNetwork } from '../network/initialization.js';
import { seededRandom } from '../data/random.js';
import { fmt } from './srSetting.js';
import { trainRun, type TrainRun } from '../run/recordedRun.js';
import { riskAndGradient, type GradientFn } from '../trainer/gradient.js';
import type { Progress } from '../progress/progressBar.js';
import { figureVerdict } from '../verify/figures/figureCheck.js';
import { checkDhlFig2, type DhlFig2Summary } from '../verify/figures/dhlChecks.js';

const DIMS = [3, 32, 32, 32, 32, 1];
const SCALE = 0.7;
const ETA = 0.1;
const STEPS = 5000;
const MOONS = { n: 100, noise: 0.08, constant: 0.5 } as const;

export interface DhlFig2Options {
  readonly gradient?: GradientFn;
  /** checkpoint steps (default the figure's log-spaced ones; a check needs only 0 and the horizon) */
  readonly checkpoints?: readonly number[];
  readonly progress?: Progress;
}

export interface DhlFig2Run {
  readonly run: TrainRun;
  /** per layer, Σ_t ‖G_k(t)‖_F² over the steps taken (t = 0 … T−1): the η² terms of F4 */
  readonly gradSquaredSum: Float64Array;
  readonly eta: number;
}

/** The figure's run: the deep ReLU net on two moons, constant step, with the per-layer sums of ‖G_k‖² F4 needs. */
export function dhlFig2Runs(seed: number, steps: number, o: DhlFig2Options = {}): DhlFig2Run {
  const data = twoMoons({ ...MOONS, seed: seededRandom(seed).fork('DHL.moons').seed });
  const net = gaussianNetwork(DIMS, { kind: 'relu' }, seededRandom(seed).fork('DHL.deep'), SCALE, true);
  const L = DIMS.length - 1;
  const base = o.gradient ?? riskAndGradient;
  const sums = new Float64Array(L);
  const last = new Float64Array(L);
  // the trainer evaluates the gradient at W(0) … W(T) and steps with all but the last: keep the last apart
  const counting: GradientFn = (ws, network, d, loss, grads, wantRisk) => {
    const r = base(ws, network, d, loss, grads, wantRisk);
    for (let k = 0; k < L; k++) {
      sums[k] += last[k];
      let g = 0;
      for (const v of grads[k]) g += v * v;
      last[k] = g;
    }
    return r;
  };
  const run = trainRun({
    label: 'ReLU',
    network: net,
    data,
    loss: logistic,
    schedule: { kind: 'constant', eta: ETA },
    steps,
    gradient: counting,
    maxMargin: false,
    ...(o.checkpoints ? { checkpoints: o.checkpoints } : {}),
    progress: o.progress?.task('DHL.Fig2', steps),
  });
  return { run, gradSquaredSum: sums, eta: ETA };
}

/** The number of weights of each layer of the figure's net. */
export function dhlFig2Entries(): number[] {
  return DIMS.slice(1).map((d, k) => d * DIMS[k]);
}

/** The numbers DHL.Fig2's check judges: growth of each ‖W_k‖_F², the η² bound of F4 per adjacent pair. */
export function dhlFig2Summary(r: DhlFig2Run): DhlFig2Summary {
  const first = r.run.checkpoints[0];
  const last = r.run.checkpoints[r.run.checkpoints.length - 1];
  const growth = last.frobenius.map((f, k) => f * f - first.frobenius[k] ** 2);
  const initial = first.frobenius.map((f) => f * f);
  const final = last.frobenius.map((f) => f * f);
  return { growth, initial, final, gradSquaredSum: [...r.gradSquaredSum], eta: r.eta, steps: last.step };
}

/**
 * DHL.Fig2: across the layers of a deep ReLU net, ‖W_k‖_F² − ‖W_{k+1}‖_F² stays
 * constant (DHL.Cor2.1), so every layer's squared norm grows by the same amount.
 */
export const dhlFig2: FigureDefinition = {
  id: 'DHL.Fig2',
  aliases: [],
  title: 'DHL Fig2: layers of a deep ReLU net grow by the same amount (‖W_k‖² − ‖W_{k+1}‖² constant)',
  async run(ctx) {
    const scale = figureScale(ctx);
    const steps = scaledCount(STEPS, scale);
    const measured = dhlFig2Runs(ctx.seed, steps, { progress: ctx.progress });
    const run = measured.run;
    const L = DIMS.length - 1;
    const sq: LinePoint[] = [];
    const growth: LinePoint[] = [];
    const first = run.checkpoints[0];
    for (const c of run.checkpoints)
      for (let k = 0; k < L; k++) {
        sq.push({ x: c.step, y: c.frobenius[k] ** 2, series: `‖W_${k + 1}‖²_F` });
        growth.push({ x: c.step, y: c.frobenius[k] ** 2 - first.frobenius[k] ** 2, series: `W_${k + 1}` });
      }
    const last = run.checkpoints[run.checkpoints.length - 1];
    const g = last.frobenius.map((f, k) => f * f - first.frobenius[k] ** 2);
    const spread = Math.max(...g) - Math.min(...g);
    const panels = [
      {
        name: 'a-squared-norms',
        svg: await renderSvg(
          lineChartSpec({
            title: 'DHL Fig2a: squared layer norms ‖W_k‖²_F',
            xTitle: STEP_AXIS,
            yTitle: '‖W_k‖²_F',
            xScale: 'log',
            points: sq,
            seriesTitle: 'layer',
          }),
        ),
      },
      {
        name: 'b-growth',
        svg: await renderSvg(
          lineChartSpec({
            title: 'DHL Fig2b: growth since init ‖W_k(t)‖²_F − ‖W_k(0)‖²_F',
            subtitle: 'DHL.Cor2.1: the same for every layer (the curves coincide)',
            xTitle: STEP_AXIS,
            yTitle: 'growth of ‖W_k‖²_F',
            xScale: 'log',
            points: growth,
            seriesTitle: 'layer',
          }),
        ),
      },
    ];
    const caption = withScaleNote(
      [
        `DHL.Fig2. Sizes are not in our sources; our choice: ReLU net ${DIMS.join('-')} (no biases), logistic loss, ${MOONS.n} two-moons points (noise ${MOONS.noise}, constant third coordinate ${MOONS.constant}, scaled to max ‖x_i‖ = 1), ` +
          `init N(0, ${SCALE}²·2/d_{k−1}) (He scale times ${SCALE}), constant step η=${ETA}, ${steps} steps.`,
        `Observed: risk ${fmt(first.risk)} → ${fmt(last.risk)}; squared norms grew by [${g.map(fmt).join(', ')}] (spread ${fmt(spread)}, ${fmt(spread / Math.max(...g))} of the growth; ` +
          `GD changes ‖W_k‖² − ‖W_{k+1}‖² only at order η², F4); the ratios ‖W_{k+1}‖_F/‖W_k‖_F moved from [${first.frobenius
            .slice(1)
            .map((f, k) => fmt(f / first.frobenius[k]))
            .join(', ')}] to [${last.frobenius
            .slice(1)
            .map((f, k) => fmt(f / last.frobenius[k]))
            .join(', ')}]. Train time ${fmt(run.seconds)} s.`,
        figureVerdict('DHL.Fig2', () => checkDhlFig2(dhlFig2Summary(measured), dhlFig2Entries())),
      ],
      scale,
    );
    return { panels, caption };
  },
};
