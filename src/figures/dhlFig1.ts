import type { Dataset } from '../data/dataset.js';
import { squared } from '../losses/loss.js';
import { linear } from '../network/activation.js';
import type { Network } from '../network/network.js';
import { lineChartSpec, type LinePoint } from '../plots/lineChart.js';
import { renderSvg } from '../plots/renderSvg.js';
import { riskAndGradient, type GradientFn } from '../trainer/gradient.js';
import { figureScale, scaledCount, withScaleNote } from './budget.js';
import type { FigureDefinition } from './figure.js';
import { gaussianNetwork } from '../network/initialization.js';
import { seededRandom, type SeededRandom } from '../data/random.js';
import { fmt } from './srSetting.js';
import { trainRun, type TrainRun } from '../run/recordedRun.js';
import type { Progress } from '../progress/progressBar.js';
import { figureVerdict } from '../verify/figures/figureCheck.js';
import { checkDhlFig1, type DhlFig1Summary } from '../verify/figures/dhlChecks.js';

const D1 = 20;
const D2 = 20;
const RANK = 3;
const SIGMA = 0.1;
const ETA = 2;
const LAMBDA = 1 / D2;
const STEPS = 1000;
const SEEDS = 3;

/**
 * M* = U*V*ᵀ (D1 × D2, rank RANK) with ‖M*‖_2 = 1, as regression data for a
 * two-layer linear net with X = I: x_i = e_i, y_i = M* e_i, W_1 = Vᵀ, W_2 = U
 * (DHL.MF). Our risk (1/n)Σ½‖f(x_i) − y_i‖² is DHL's ½‖UVᵀ − M*‖_F² divided by n = D2.
 */
function factorizationData(rng: SeededRandom): { data: Dataset; target: Float64Array } {
  const A = Float64Array.from({ length: D1 * RANK }, () => rng.normal());
  const B = Float64Array.from({ length: D2 * RANK }, () => rng.normal());
  const M = new Float64Array(D1 * D2);
  for (let i = 0; i < D1; i++) for (let j = 0; j < D2; j++) for (let r = 0; r < RANK; r++) M[i * D2 + j] += A[i * RANK + r] * B[j * RANK + r];
  // normalize by the spectral norm, by power iteration on MᵀM
  let v = new Float64Array(D2).fill(1);
  let s = 0;
  for (let it = 0; it < 200; it++) {
    const u = new Float64Array(D1);
    for (let i = 0; i < D1; i++) for (let j = 0; j < D2; j++) u[i] += M[i * D2 + j] * v[j];
    const w = new Float64Array(D2);
    for (let i = 0; i < D1; i++) for (let j = 0; j < D2; j++) w[j] += M[i * D2 + j] * u[i];
    const nw = Math.hypot(...w); // ‖MᵀM v‖ → σ_max² for unit v
    s = Math.sqrt(nw);
    v = w.map((x) => x / nw);
  }
  for (let i = 0; i < M.length; i++) M[i] /= s;
  const x = new Float64Array(D2 * D2);
  for (let i = 0; i < D2; i++) x[i * D2 + i] = 1;
  const y = new Float64Array(D2 * D1);
  for (let i = 0; i < D2; i++) for (let r = 0; r < D1; r++) y[i * D1 + r] = M[r * D2 + i];
  return { data: { task: 'regression', n: D2, d: D2, outDim: D1, x, y }, target: M };
}

/** D = W_1W_1ᵀ − W_2ᵀW_2 = VᵀV − UᵀU (RANK × RANK). */
function imbalance(net: Network): Float64Array {
  const [W1, W2] = net.weights;
  const D = new Float64Array(RANK * RANK);
  for (let a = 0; a < RANK; a++)
    for (let b = 0; b < RANK; b++) {
      let s = 0;
      for (let j = 0; j < D2; j++) s += W1[a * D2 + j] * W1[b * D2 + j];
      for (let i = 0; i < D1; i++) s -= W2[i * RANK + a] * W2[i * RANK + b];
      D[a * RANK + b] = s;
    }
  return D;
}

/**
 * The risk plus DHL's balancing regularizer (λ/4)‖UᵀU − VᵀV‖_F²: its gradient
 * is λ D W_1 for W_1 and −λ W_2 D for W_2, D = W_1W_1ᵀ − W_2ᵀW_2 symmetric.
 */
function regularized(lambda: number, base: GradientFn = riskAndGradient): GradientFn {
  return (ws, net, data, loss, grads) => {
    const r = base(ws, net, data, loss, grads);
    const D = imbalance(net);
    const [W1, W2] = net.weights;
    let dd = 0;
    for (let i = 0; i < D.length; i++) dd += D[i] * D[i];
    for (let a = 0; a < RANK; a++)
      for (let j = 0; j < D2; j++) {
        let s = 0;
        for (let b = 0; b < RANK; b++) s += D[a * RANK + b] * W1[b * D2 + j];
        grads[0][a * D2 + j] += lambda * s;
      }
    for (let i = 0; i < D1; i++)
      for (let b = 0; b < RANK; b++) {
        let s = 0;
        for (let a = 0; a < RANK; a++) s += W2[i * RANK + a] * D[a * RANK + b];
        grads[1][i * RANK + b] -= lambda * s;
      }
    return r + (lambda / 4) * dd;
  };
}

function relativeError(net: Network, target: Float64Array): number {
  const [W1, W2] = net.weights;
  let num = 0;
  let den = 0;
  for (let i = 0; i < D1; i++)
    for (let j = 0; j < D2; j++) {
      let p = 0;
      for (let r = 0; r < RANK; r++) p += W2[i * RANK + r] * W1[r * D2 + j];
      num += (p - target[i * D2 + j]) ** 2;
      den += target[i * D2 + j] ** 2;
    }
  return Math.sqrt(num / den);
}

export interface DhlFig1Options {
  /** plain GD starts from U·c, V/c (the same product UVᵀ, imbalance grown by c²); default 1, the figure's */
  readonly plainImbalance?: number;
  readonly gradient?: GradientFn;
  readonly progress?: Progress;
}

export interface DhlFig1Pair {
  readonly plain: TrainRun;
  readonly regularized: TrainRun;
}

/** For each of the figure's initializations: plain GD and GD with the balancing regularizer, `steps` steps each. */
export function dhlFig1Runs(seed: number, steps: number, o: DhlFig1Options = {}): DhlFig1Pair[] {
  const { data, target } = factorizationData(seededRandom(seed).fork('DHL.target'));
  const base = o.gradient ?? riskAndGradient;
  const c = o.plainImbalance ?? 1;
  const pairs: DhlFig1Pair[] = [];
  for (let s = 0; s < SEEDS; s++) {
    const init = gaussianNetwork([D2, RANK, D1], linear, seededRandom(seed).fork(`DHL.init${s}`), SIGMA);
    const train = (name: string, network: Network, gradient: GradientFn | undefined) =>
      trainRun({
        label: name,
        network,
        data,
        loss: squared,
        schedule: { kind: 'constant', eta: ETA },
        steps,
        gradient,
        checkpoints: Array.from({ length: 101 }, (_, i) => Math.round((i * steps) / 100)),
        progress: o.progress?.task(`DHL.Fig1 seed ${s} ${name}`, steps),
        extra: (net) => ({ err: relativeError(net, target) }),
      });
    const unbalanced: Network = c === 1 ? init : { ...init, weights: [init.weights[0].map((v) => v / c), init.weights[1].map((v) => v * c)] };
    pairs.push({
      plain: train('plain GD', unbalanced, o.gradient),
      regularized: train('GD + balancing regularizer', init, regularized(LAMBDA, base)),
    });
  }
  return pairs;
}

/** Steps until a run's relative error ‖UVᵀ − M*‖_F/‖M*‖_F first falls below eps (checkpoint resolution), or null. */
export function stepsToError(run: TrainRun, eps: number): number | null {
  return run.extras.find((e) => e.values.err < eps)?.step ?? null;
}

/** The numbers DHL.Fig1's check judges: per initialization, steps to `eps` for plain and regularized GD. */
export function dhlFig1Summary(pairs: readonly DhlFig1Pair[], eps: number): DhlFig1Summary {
  const horizon = pairs[0].plain.checkpoints[pairs[0].plain.checkpoints.length - 1].step;
  return { eps, horizon, inits: pairs.map((p) => ({ plain: stepsToError(p.plain, eps), regularized: stepsToError(p.regularized, eps) })) };
}

/** DHL.Fig1: plain GD on matrix factorization vs GD with the balancing regularizer; ‖U‖_F/‖V‖_F over time. */
export const dhlFig1: FigureDefinition = {
  id: 'DHL.Fig1',
  aliases: [],
  title: 'DHL Fig1: matrix factorization with and without the balancing regularizer',
  async run(ctx) {
    const scale = figureScale(ctx);
    const steps = scaledCount(STEPS, scale);
    const errPoints: LinePoint[] = [];
    const ratioPoints: LinePoint[] = [];
    const summary: string[] = [];
    const measured = dhlFig1Runs(ctx.seed, steps, { progress: ctx.progress });
    for (const [s, pair] of measured.entries())
      for (const run of [pair.plain, pair.regularized]) {
        const name = run.label;
        for (const [i, c] of run.checkpoints.entries()) {
          errPoints.push({ x: c.step, y: run.extras[i].values.err, series: name, group: `init ${s + 1}` });
          ratioPoints.push({ x: c.step, y: c.frobenius[1] / c.frobenius[0], series: name, group: `init ${s + 1}` });
        }
        const last = run.checkpoints[run.checkpoints.length - 1];
        const hit = run.extras.find((e) => e.values.err < 1e-3);
        summary.push(
          `init ${s + 1}, ${name}: relative error ${fmt(run.extras[run.extras.length - 1].values.err)} at step ${steps} (below 1e-3 from step ${hit ? hit.step : `> ${steps}`}), ‖U‖_F/‖V‖_F ${fmt(run.checkpoints[0].frobenius[1] / run.checkpoints[0].frobenius[0])} → ${fmt(last.frobenius[1] / last.frobenius[0])}`,
        );
      }
    const panels = [
      {
        name: 'a-convergence',
        svg: await renderSvg(
          lineChartSpec({
            title: 'DHL Fig1a: convergence with and without the regularizer',
            xTitle: 'step t',
            yTitle: '‖UVᵀ − M*‖_F / ‖M*‖_F (log scale)',
            yScale: 'log',
            points: errPoints,
            seriesTitle: 'objective',
            groupTitle: 'initialization',
          }),
        ),
      },
      {
        name: 'b-norm-ratio',
        svg: await renderSvg(
          lineChartSpec({
            title: 'DHL Fig1b: ratio of the factors’ norms ‖U‖_F / ‖V‖_F',
            xTitle: 'step t',
            yTitle: '‖U‖_F / ‖V‖_F',
            points: ratioPoints,
            seriesTitle: 'objective',
            groupTitle: 'initialization',
          }),
        ),
      },
    ];
    const caption = withScaleNote(
      [
        `DHL.Fig1. Sizes are not in our sources; our choice: M* = U*V*ᵀ of size ${D1}×${D2} and rank ${RANK} (Gaussian factors, scaled to ‖M*‖_2 = 1), factors U ∈ ℝ^{${D1}×${RANK}}, V ∈ ℝ^{${D2}×${RANK}} ` +
          `(a two-layer linear net with X = I, W_1 = Vᵀ, W_2 = U), entries N(0, ${SIGMA}²), ${SEEDS} initializations. ` +
          `Risk (1/n)Σ½‖UVᵀe_i − M*e_i‖² = ½‖UVᵀ − M*‖_F²/${D2}; constant step η=${ETA} on it (= ${fmt(ETA / D2)} on DHL's ½‖UVᵀ − M*‖_F²), ${steps} steps. ` +
          `Regularized run: the same plus (λ/4)‖UᵀU − VᵀV‖_F² with λ = ${fmt(LAMBDA)} (= 1 on DHL's scale).`,
        `Observed: ${summary.join('; ')}.`,
        figureVerdict('DHL.Fig1', () => checkDhlFig1(dhlFig1Summary(measured, 1e-3))),
      ],
      scale,
    );
    return { panels, caption };
  },
};
