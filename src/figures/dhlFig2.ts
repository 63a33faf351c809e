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
import { trainRun } from '../run/recordedRun.js';

const DIMS = [3, 32, 32, 32, 32, 1];
const SCALE = 0.7;
const ETA = 0.1;
const STEPS = 5000;
const MOONS = { n: 100, noise: 0.08, constant: 0.5 } as const;

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
    const data = twoMoons({ ...MOONS, seed: seededRandom(ctx.seed).fork('DHL.moons').seed });
    const net = gaussianNetwork(DIMS, { kind: 'relu' }, seededRandom(ctx.seed).fork('DHL.deep'), SCALE, true);
    const run = trainRun({
      label: 'ReLU',
      network: net,
      data,
      loss: logistic,
      schedule: { kind: 'constant', eta: ETA },
      steps,
      progress: ctx.progress.task('DHL.Fig2', steps),
    });
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
      ],
      scale,
    );
    return { panels, caption };
  },
};
