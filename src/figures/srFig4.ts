import { datasetToArrays, type Dataset } from '../data/dataset.js';
import type { Network } from '../network/network.js';
import { twoMoons } from '../data/twoMoons.js';
import { logistic } from '../losses/logistic.js';
import { maxMarginDirection, type MaxMargin } from '../maxMargin/maxMargin.js';
import { decisionBoundaryPlot } from '../plots/decisionBoundaryPlot.js';
import { lineChartSpec } from '../plots/lineChart.js';
import { lastHiddenFeatures } from '../plots/networkOutput.js';
import { renderSvg } from '../plots/renderSvg.js';
import { riskPlot } from '../plots/trajectoryPlots.js';
import { STEP_AXIS } from '../plots/trajectory.js';
import { figureScale, scaledCheckpoints, scaledCount, withScaleNote } from './budget.js';
import type { FigureDefinition } from './figure.js';
import { gaussianNetwork } from '../network/initialization.js';
import { seededRandom } from '../data/random.js';
import { fmt } from './srSetting.js';
import { trainRun, type TrainRun } from '../run/recordedRun.js';
import type { GradientFn } from '../trainer/gradient.js';
import type { Progress } from '../progress/progressBar.js';
import { figureVerdict } from '../verify/figures/figureCheck.js';
import { checkSrFig4 } from '../verify/figures/srChecks.js';

const WIDTH = 256;
const GRID = 90;
const SHADE_GRID = 48; // decisionBoundaryPlot's default shading resolution
const MOONS = { n: 200, noise: 0.08, constant: 0.5 } as const;
const ETA = 1;
const STEPS = 400;
const CHECKPOINTS = [0, 1, 2, 5, 10, 20, 35, 50, 75, 100, 150, 200, 300, 400];

/** z_i = y_i h(x_i) from the trainer's stored activations of the last hidden layer (n × width). */
function signedFeatures(acts: Float64Array, data: Dataset, width: number): Float64Array {
  const z = new Float64Array(data.n * width);
  for (let i = 0; i < data.n; i++) for (let j = 0; j < width; j++) z[i * width + j] = data.y[i] * acts[i * width + j];
  return z;
}

/** h(x_i) of the last hidden layer for every training point (n × width). */
function hiddenFeatures(net: Network, data: Dataset, width: number): Float64Array {
  const H = new Float64Array(data.n * width);
  datasetToArrays(data).x.forEach((x, i) => H.set(lastHiddenFeatures(net, x), i * width));
  return H;
}

function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += a[i] * b[i];
    aa += a[i] * a[i];
    bb += b[i] * b[i];
  }
  return ab / Math.sqrt(aa * bb);
}

export interface SrFig4Options {
  /** step count instead of the budget's (a twin stops early) */
  readonly steps?: number;
  /** record cos(W_L, ū_h) at every checkpoint for the plot (default true; a check of the final cosine skips it) */
  readonly trackCosine?: boolean;
  readonly gradient?: GradientFn;
  readonly progress?: Progress;
}

/** The figure's run under the budget `scale` (which also shrinks the width and the data, as the caption says). */
export function srFig4Train(seed: number, scale: number, o: SrFig4Options = {}) {
  const steps = o.steps ?? scaledCount(STEPS, scale);
  const checkpoints = scaledCheckpoints(CHECKPOINTS, STEPS, steps);
  // a 256-wide net on 200 points costs seconds per checkpoint (SVDs, SVMs) and per grid (forward passes): the budget shrinks the width, the data and the grids too
  const width = scaledCount(WIDTH, scale, 8);
  const n = scaledCount(MOONS.n, scale, 8);
  const data = twoMoons({ ...MOONS, n, seed: seededRandom(seed).fork('SR.moons4').seed });
  const dims = [3, width, width, width, 1];
  const net = gaussianNetwork(dims, { kind: 'relu' }, seededRandom(seed).fork('SR.init4'), Math.SQRT2, true);
  const L = dims.length - 1;
  const run = trainRun({
    label: `ReLU ${width}-${width}-${width}`,
    network: net,
    data,
    loss: logistic,
    schedule: { kind: 'constant', eta: ETA },
    steps,
    checkpoints,
    gradient: o.gradient,
    progress: o.progress?.task(`SR.5.2 ReLU ${width}³`, steps),
    // the features from a forward pass of W(t): the trainer's workspace holds them only on its reference kernel (the
    // SIMD kernel, used from width 10 on, keeps its activations inside WebAssembly memory)
    extra:
      o.trackCosine === false
        ? undefined
        : (net): Record<string, number> => {
            const mm = maxMarginDirection(signedFeatures(hiddenFeatures(net, data, width), data, width), data.n, width);
            const values: Record<string, number> = {};
            if (mm) values.svmCosine = cosine(mm.direction, net.weights[L - 1]);
            return values;
          },
  });
  return { data, dims, width, n, steps, checkpoints, run, L };
}

/** The hard-margin SVM ū_h on the final net's last hidden features (null: not separable) and cos(W_L, ū_h). */
export function srFig4Final(run: TrainRun, data: Dataset, width: number): { mm: MaxMargin | null; cosFinal: number | null } {
  const final = run.network;
  const mm = maxMarginDirection(signedFeatures(hiddenFeatures(final, data, width), data, width), data.n, width);
  return { mm, cosFinal: mm ? cosine(mm.direction, final.weights[final.weights.length - 1]) : null };
}

/** SR.5.2 / Fig4: a wide ReLU net on two moons; the hard-margin SVM on its last hidden features vs W_L. */
export const srFig4: FigureDefinition = {
  id: 'SR.5.2',
  aliases: ['SR.Fig4'],
  title: 'Fig4: ReLU net (256, 256, 256) on two moons: W_L vs the hard-margin SVM on the last hidden features',
  async run(ctx) {
    const scale = figureScale(ctx);
    const { data, dims, width, n, steps, checkpoints, run, L } = srFig4Train(ctx.seed, scale, { progress: ctx.progress });
    const grid = scaledCount(GRID, scale, 16);
    const shadeGrid = scaledCount(SHADE_GRID, scale, 16);
    const final = run.network;
    const arrays = datasetToArrays(data);
    const { mm, cosFinal } = srFig4Final(run, data, width);
    const wL = final.weights[L - 1];
    const c = data.x[2]; // the scaled constant coordinate, the same for every point
    const netScore = (a: number, b: number): number => {
      const h = lastHiddenFeatures(final, [a, b, c]);
      let s = 0;
      for (let j = 0; j < width; j++) s += wL[j] * h[j];
      return s;
    };
    const svmScore = mm
      ? (a: number, b: number): number => {
          const h = lastHiddenFeatures(final, [a, b, c]);
          let s = 0;
          for (let j = 0; j < width; j++) s += mm.direction[j] * h[j];
          return s;
        }
      : null;
    const last = run.checkpoints[run.checkpoints.length - 1];
    const cosPoints = run.extras.filter((e) => e.values.svmCosine !== undefined).map((e) => ({ x: e.step, y: e.values.svmCosine, series: 'cos(W_L, ū_h)' }));
    const firstSeparable = cosPoints.length > 0 ? cosPoints[0].x : null;
    const panels = [
      {
        name: 'boundaries',
        svg: await renderSvg(
          decisionBoundaryPlot({
            title: 'SR Fig4 decision boundaries in the plane x₃ = const',
            subtitle: mm ? [`cos(W_L, ū_h) = ${fmt(cosFinal)} after ${steps} steps`] : ['last hidden features not separable: no hard-margin SVM'],
            points: arrays.x.map((p, i) => ({ x: p[0], y: p[1], label: data.y[i] })),
            boundaries: svmScore
              ? [
                  { name: 'network f(x) = 0', score: netScore },
                  { name: 'SVM on h(x): ⟨ū_h, h(x)⟩ = 0', score: svmScore },
                ]
              : [{ name: 'network f(x) = 0', score: netScore }],
            highlight: mm?.supportVectors,
            highlightName: 'support vector of the feature SVM',
            shade: 'network f(x) = 0',
            resolution: grid,
            shadeResolution: shadeGrid,
            size: 380,
          }),
        ),
      },
      { name: 'risk', svg: await renderSvg(riskPlot([run], { title: 'SR Fig4 risk' })) },
      {
        name: 'svm-cosine',
        svg: await renderSvg(
          lineChartSpec({
            title: 'SR Fig4 cos(W_L, ū_h): last layer vs the SVM on the features',
            subtitle: 'only where the features are separable (every point classified)',
            xTitle: STEP_AXIS,
            yTitle: 'cosine',
            xScale: 'log',
            yDomain: [0, 1.02],
            points: cosPoints,
            references: [{ y: 1, label: 'same direction' }],
          }),
        ),
      },
    ];
    const caption = withScaleNote(
      [
        `SR.5.2 / Fig4. ReLU net with hidden widths ${width}, ${width}, ${width} (dims ${dims.join('-')}), no biases, logistic loss. ` +
          `Data: ${n} two-moons points (noise ${MOONS.noise}) with a constant third coordinate ${MOONS.constant} appended before scaling to max ‖x_i‖ = 1 ` +
          `(our choice: a bias-free ReLU net is positively homogeneous in its input, so without it every decision region would be a cone from the origin, and centred two moons share rays). ` +
          `Init: He-scaled N(0, 2/d_{k−1}) entries. Constant step η=${ETA} (the JT.A4 step is far too small at this width), ${steps} steps (batched back-propagation over all n points). ` +
          `ū_h: the hard-margin SVM direction (no bias) of z_i = y_i h(x_i), h the last hidden layer's output (maxMarginDirection). Boundaries are drawn in the plane x₃ = const by marching squares on a ${grid}×${grid} grid; shading is the network's sign.`,
        `Observed: risk ${fmt(run.checkpoints[0].risk)} → ${fmt(last.risk)}, min margin ${fmt(last.minMargin)}; ` +
          (mm
            ? `features separable from checkpoint step ${firstSeparable ?? '?'} on; final cos(W_L, ū_h) = ${fmt(cosFinal)} with ${mm.supportVectors.length} support vectors (feature margin γ̄_h = ${fmt(mm.margin)}).`
            : `the final last-hidden features are NOT linearly separable (some training point is misclassified), so no hard-margin SVM exists; the soft-margin variant is out of scope.`) +
          ` Train time ${fmt(run.seconds)} s (including SVMs at ${checkpoints.length} checkpoints).`,
        figureVerdict('SR.5.2', () => checkSrFig4(cosFinal)),
      ],
      scale,
      `the hidden width ${WIDTH} → ${width}, the data ${MOONS.n} → ${n} points and the boundary grids ${GRID}×${GRID} → ${grid}×${grid}, ${SHADE_GRID}×${SHADE_GRID} → ${shadeGrid}×${shadeGrid}`,
    );
    return { panels, caption };
  },
};
