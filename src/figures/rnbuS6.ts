import type { Dataset } from '../data/dataset.js';
import { squared } from '../losses/loss.js';
import { linear } from '../network/activation.js';
import type { Network } from '../network/network.js';
import { alignmentDistance } from '../metrics/alignmentDistance.js';
import { svd } from '../linalg/singularValues.js';
import { lineChartSpec, type LinePoint } from '../plots/lineChart.js';
import { renderSvg } from '../plots/renderSvg.js';
import { riskPlot } from '../plots/trajectoryPlots.js';
import { STEP_AXIS } from '../plots/trajectory.js';
import { riskAndGradient, type GradientFn } from '../trainer/gradient.js';
import { figureScale, scaledCount, withScaleNote } from './budget.js';
import type { FigureDefinition } from './figure.js';
import { gaussianNetwork } from '../network/initialization.js';
import { seededRandom, type SeededRandom } from '../data/random.js';
import { fmt } from './srSetting.js';
import { checkpointSteps } from '../metrics/checkpointSteps.js';
import { trainRun, type TrainRun } from '../run/recordedRun.js';
import type { Progress } from '../progress/progressBar.js';
import { figureVerdict } from '../verify/figures/figureCheck.js';
import { checkRnbuS6, type RnbuS6Summary } from '../verify/figures/rnbuChecks.js';

// Convolutional matrix factorization (RNBU.S6 in docs/claims.md): 3×3 images, 3×3 filter, zero padding 1.
const SIDE = 3;
const PIX = SIDE * SIDE;
const DEPTH = 10;
const CONV_ETA = 1e-2;
const STOP_RISK = 1e-4;
const CONV_STEPS = 200_000;
const STATED_CENTRE = 0.1;
const USED_CENTRE = 1;
const STATED_PROBE_STEPS = 20_000;
// Autoencoding 4 → 3 → 4 (RNBU.Thm1's invariant case Y = X).
const AE_N = 40;
const AE_SPECTRUM = [4, 2, 1, 0.5];
const AE_ETA = 0.5;
const AE_STEPS = 20_000;

/** The 9 basis operators B_(a,b) of a zero-padded 3×3 cross-correlation on 3×3 images: (B x)(i,j) = x(i+a, j+b). */
function convBasis(): Float64Array[] {
  const out: Float64Array[] = [];
  for (let a = -1; a <= 1; a++)
    for (let b = -1; b <= 1; b++) {
      const B = new Float64Array(PIX * PIX);
      for (let i = 0; i < SIDE; i++)
        for (let j = 0; j < SIDE; j++) {
          const ii = i + a;
          const jj = j + b;
          if (ii >= 0 && ii < SIDE && jj >= 0 && jj < SIDE) B[(i * SIDE + j) * PIX + ii * SIDE + jj] = 1;
        }
      out.push(B);
    }
  return out;
}

/**
 * GD on the filter weights w (W = Σ_m w_m B_m): ∂R/∂w_m = ⟨∇_W R, B_m⟩, so the
 * induced change of W is Σ_m ⟨∇_W R, B_m⟩ B_m (RNBU.Proj). The B_m have
 * disjoint supports but unequal norms, so this is a preconditioned projection.
 */
function filterGradient(basis: readonly Float64Array[], base: GradientFn = riskAndGradient): GradientFn {
  return (ws, net, data, loss, grads) => {
    const r = base(ws, net, data, loss, grads);
    for (const G of grads) {
      const coef = basis.map((B) => {
        let s = 0;
        for (let i = 0; i < B.length; i++) if (B[i] !== 0) s += G[i];
        return s;
      });
      G.fill(0);
      basis.forEach((B, m) => {
        for (let i = 0; i < B.length; i++) if (B[i] !== 0) G[i] += coef[m];
      });
    }
    return r;
  };
}

function regression(target: Float64Array, d: number, out: number, x: Float64Array): Dataset {
  const n = x.length / d;
  const y = new Float64Array(n * out);
  for (let i = 0; i < n; i++)
    for (let r = 0; r < out; r++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += target[r * d + j] * x[i * d + j];
      y[i * out + r] = s;
    }
  return { task: 'regression', n, d, outDim: out, x, y };
}

function identity(n: number): Float64Array {
  const I = new Float64Array(n * n);
  for (let i = 0; i < n; i++) I[i * n + i] = 1;
  return I;
}

function convNetwork(basis: readonly Float64Array[], centre: number): Network {
  const centreIndex = 4; // (a, b) = (0, 0)
  const weights = Array.from({ length: DEPTH }, () => basis[centreIndex].map((v) => v * centre));
  return { dims: Array<number>(DEPTH + 1).fill(PIX), weights, activation: linear };
}

/** x_i = Q diag(√λ) g_i, scaled to max ‖x_i‖ = 1; returns data (Y = X) and the eigenvectors of XXᵀ by decreasing eigenvalue. */
function autoencoderData(rng: SeededRandom): { data: Dataset; U0: Float64Array } {
  const d = AE_SPECTRUM.length;
  const Q = svd(
    Float64Array.from({ length: d * d }, () => rng.normal()),
    d,
    d,
  ).U.to1DArray();
  const x = new Float64Array(AE_N * d);
  for (let i = 0; i < AE_N; i++) {
    const g = AE_SPECTRUM.map((l) => Math.sqrt(l) * rng.normal());
    for (let r = 0; r < d; r++) for (let c = 0; c < d; c++) x[i * d + r] += Q[r * d + c] * g[c];
  }
  let m = 0;
  for (let i = 0; i < AE_N; i++) m = Math.max(m, Math.hypot(...x.subarray(i * d, i * d + d)));
  for (let i = 0; i < x.length; i++) x[i] /= m;
  const data = regression(identity(d), d, d, x);
  // eigenvectors of XXᵀ = left singular vectors of X (d × n); ml-matrix sorts singular values decreasingly
  const Xt = new Float64Array(d * AE_N);
  for (let i = 0; i < AE_N; i++) for (let r = 0; r < d; r++) Xt[r * AE_N + i] = x[i * d + r];
  const U0 = Float64Array.from(svd(Xt, d, AE_N).U.to1DArray());
  return { data, U0 };
}

/** W_1 = diag(s)[I 0]U_0ᵀ (3×4), W_2 = U_0[I; 0]diag(s) (4×3): aligned, keeping the 3 largest directions (the stable order). */
function alignedAutoencoder(U0: Float64Array, s: readonly number[], keep: 'largest' | 'smallest' = 'largest'): Network {
  const d = AE_SPECTRUM.length;
  const h = d - 1;
  const W1 = new Float64Array(h * d);
  const W2 = new Float64Array(d * h);
  // 'smallest': the bottleneck keeps eigendirections 2…d, the unstable order of RNBU.Thm1's caution
  const col = (j: number) => (keep === 'largest' ? j : j + 1);
  for (let j = 0; j < h; j++)
    for (let r = 0; r < d; r++) {
      W1[j * d + r] = s[j] * U0[r * d + col(j)];
      W2[r * h + j] = s[j] * U0[r * d + col(j)];
    }
  return { dims: [d, h, d], weights: [W1, W2], activation: linear };
}

function scorePoints(run: TrainRun, label: string): LinePoint[] {
  return run.extras.map((e) => ({ x: e.step, y: e.values.alignment, series: label }));
}

export interface RnbuS6Options {
  readonly probeSteps: number;
  readonly convSteps: number;
  readonly aeSteps: number;
  /** checkpoints per decade of every run (default: the figure's, 16 for the convolutional run and 12 for the others) */
  readonly perDecade?: number;
  /** the aligned autoencoder's bottleneck keeps the largest eigendirections (default, stable) or the smallest (a twin) */
  readonly aeKeep?: 'largest' | 'smallest';
  /** the autoencoder's targets: Y = X (default, RNBU.Thm1's invariant case) or Y = AX for a Gaussian A (a twin: the hypothesis removed) */
  readonly aeTarget?: 'autoencode' | 'generic';
  /** false: skip the stated-init probe (a check does not need it) */
  readonly probe?: boolean;
  readonly gradient?: GradientFn;
  readonly progress?: Progress;
}

export interface RnbuS6Runs {
  readonly stated: TrainRun | null;
  readonly conv: TrainRun;
  readonly aeAligned: TrainRun;
  readonly aeGeneric: TrainRun;
}

/** The figure's runs: the stated-init probe, the convolutional factorization from identity filters, the two autoencoders. */
export function rnbuS6Runs(seed: number, o: RnbuS6Options): RnbuS6Runs {
  const basis = convBasis();
  const rng = seededRandom(seed).fork('RNBU.target');
  const target = Float64Array.from({ length: PIX * PIX }, () => rng.uniform());
  const convData = regression(target, PIX, PIX, identity(PIX));
  const extra = (net: Network): Record<string, number> => ({ alignment: alignmentDistance(net.weights, net.dims).distance });
  const base = o.gradient ?? riskAndGradient;
  const stated =
    o.probe === false
      ? null
      : trainRun({
          label: `centre ${STATED_CENTRE} (as stated)`,
          network: convNetwork(basis, STATED_CENTRE),
          data: convData,
          loss: squared,
          schedule: { kind: 'constant', eta: CONV_ETA },
          steps: o.probeSteps,
          gradient: filterGradient(basis, base),
          extra,
          progress: o.progress?.task('RNBU.S6 conv, stated init', o.probeSteps),
        });
  const conv = trainRun({
    label: `centre ${USED_CENTRE}`,
    network: convNetwork(basis, USED_CENTRE),
    data: convData,
    loss: squared,
    schedule: { kind: 'constant', eta: CONV_ETA },
    steps: o.convSteps,
    stopBelowRisk: STOP_RISK,
    gradient: filterGradient(basis, base),
    extra,
    checkpoints: checkpointSteps(o.convSteps, o.perDecade ?? 16),
    progress: o.progress?.task('RNBU.S6 conv', o.convSteps),
  });
  const ae = autoencoderData(seededRandom(seed).fork('RNBU.ae'));
  const d = AE_SPECTRUM.length;
  const aRng = seededRandom(seed).fork('RNBU.ae.generic');
  const aeData =
    o.aeTarget === 'generic'
      ? regression(
          Float64Array.from({ length: d * d }, () => aRng.normal()),
          d,
          d,
          ae.data.x,
        )
      : ae.data;
  // the two autoencoder runs differ only in init and targets: one definition of the rest
  const autoencoderRun = (init: 'aligned' | 'generic', network: Network, data: Dataset): TrainRun =>
    trainRun({
      label: `autoencoder, ${init} init`,
      network,
      data,
      loss: squared,
      schedule: { kind: 'constant', eta: AE_ETA },
      steps: o.aeSteps,
      gradient: o.gradient,
      extra,
      ...(o.perDecade ? { checkpoints: checkpointSteps(o.aeSteps, o.perDecade) } : {}),
      progress: o.progress?.task(`RNBU.S6 autoencoder ${init}`, o.aeSteps),
    });
  const aeAligned = autoencoderRun('aligned', alignedAutoencoder(ae.U0, [0.1, 0.09, 0.08], o.aeKeep), aeData);
  const aeGeneric = autoencoderRun('generic', gaussianNetwork([4, 3, 4], linear, seededRandom(seed).fork('RNBU.ae.init'), 0.1), ae.data);
  return { stated, conv, aeAligned, aeGeneric };
}

/** The largest distance from aligned over a run's checkpoints. */
const maxScore = (run: TrainRun): number => Math.max(...run.extras.map((e) => e.values.alignment));

/** The numbers RNBU.S6's check judges. */
export function rnbuS6Summary(r: Pick<RnbuS6Runs, 'conv' | 'aeAligned'>): RnbuS6Summary {
  const end = (run: TrainRun) => run.checkpoints[run.checkpoints.length - 1].risk;
  return {
    aeAlignedMax: maxScore(r.aeAligned),
    aeRiskStart: r.aeAligned.checkpoints[0].risk,
    aeRiskEnd: end(r.aeAligned),
    convMax: maxScore(r.conv),
    convRiskStart: r.conv.checkpoints[0].risk,
    convRiskEnd: end(r.conv),
  };
}

/** RNBU.S6: convolutional matrix factorization (depth 10) and a small autoencoder: alignment and invariance scores. */
export const rnbuS6: FigureDefinition = {
  id: 'RNBU.S6',
  aliases: [],
  title: 'RNBU experiments: alignment of a depth-10 convolutional factorization and of a small autoencoder',
  async run(ctx) {
    const scale = figureScale(ctx);
    const probeSteps = scaledCount(STATED_PROBE_STEPS, scale);
    const convSteps = scaledCount(CONV_STEPS, scale);
    const aeSteps = scaledCount(AE_STEPS, scale);
    const measured = rnbuS6Runs(ctx.seed, { probeSteps, convSteps, aeSteps, progress: ctx.progress });
    const { stated, conv, aeAligned, aeGeneric } = measured;
    if (stated === null) throw new Error('RNBU.S6: the stated-init probe did not run');
    const convRuns = [stated, conv];
    const aeRuns = [aeAligned, aeGeneric];
    const lastScore = (r: TrainRun): number => r.extras[r.extras.length - 1].values.alignment;
    const scoreChart = (title: string, runs: TrainRun[]) =>
      lineChartSpec({
        title,
        subtitle: 'max_k of the largest off-diagonal |U_kᵀW_kU_{k−1}| / ‖W_k‖_F (RNBU.Def2); 0 = aligned',
        xTitle: STEP_AXIS,
        yTitle: 'distance from aligned (log scale)',
        xScale: 'log',
        yScale: 'log',
        points: runs.flatMap((r) => scorePoints(r, r.label)),
        seriesTitle: 'run',
      });
    const panels = [
      {
        name: 'conv-risk',
        svg: await renderSvg(riskPlot(convRuns, { title: 'RNBU.S6 convolutional factorization: risk', references: [{ y: STOP_RISK, label: 'stop' }] })),
      },
      { name: 'conv-alignment', svg: await renderSvg(scoreChart('RNBU.S6 convolutional factorization: distance from aligned', convRuns)) },
      { name: 'autoencoder-risk', svg: await renderSvg(riskPlot(aeRuns, { title: 'RNBU.S6 autoencoder 4→3→4: risk' })) },
      { name: 'autoencoder-alignment', svg: await renderSvg(scoreChart('RNBU.S6 autoencoder 4→3→4: distance from aligned', aeRuns)) },
    ];
    const lastConv = conv.checkpoints[conv.checkpoints.length - 1];
    const caption = withScaleNote(
      [
        `RNBU.S6. Convolutional matrix factorization: each of ${DEPTH} layers is the 9×9 operator of a 3×3 filter with zero padding 1 on 3×3 images; X = I (n = 9), target M* with i.i.d. U(0,1) entries; ` +
          `squared loss in our normalization R = ‖W_${DEPTH}⋯W_1 − M*‖_F²/18; GD on the filter weights (W ← W − η Σ_m ⟨∇_W R, B_m⟩ B_m), η=${CONV_ETA}; stop when R < ${STOP_RISK} or after ${convSteps} steps. ` +
          `Deviation: with the stated init (centre tap ${STATED_CENTRE}, other taps 0) the product is 1e-10·I and every filter gradient carries a factor 0.1⁹, so the risk does not move in a feasible number of steps ` +
          `(probe: ${probeSteps} steps, risk ${fmt(stated.checkpoints[0].risk)} → ${fmt(stated.finalRisk)}); the main run starts from centre tap ${USED_CENTRE} (every layer the identity), our choice. ` +
          `Both inits are aligned (every layer a multiple of I), so the distance along training is also the invariance test: it stays at 0 (up to the measure’s floor) iff alignment is invariant.`,
        `Autoencoder: ${AE_N} points in ℝ⁴ with covariance spectrum ∝ [${AE_SPECTRUM.join(', ')}] in a random basis, scaled to max ‖x_i‖ = 1, Y = X, linear 4→3→4, squared loss, η=${AE_ETA}, ${aeSteps} steps; ` +
          `aligned init W_1 = diag(0.1, 0.09, 0.08)[I 0]U_0ᵀ, W_2 = W_1ᵀ with U_0 the eigenvectors of XXᵀ, largest directions kept (the stable order, RNBU.Thm1 caution); generic init N(0, 0.1²).`,
        `Alignment score: the suite's distance from aligned (src/metrics/alignmentDistance, RNBU.Def2): bases U_k recovered from the weights, then max over k of the largest off-diagonal |U_kᵀW_kU_{k−1}| relative to ‖W_k‖_F; it has a floor of order 1e-8 where singular values nearly repeat. Zero values cannot be drawn on the log axis and are counted in the chart's subtitle.`,
        `Observed: conv run ${conv.stepsTaken < convSteps ? `reached R < ${STOP_RISK} at step ${conv.stepsTaken}` : `stopped at the step cap with R = ${fmt(conv.finalRisk)}`}; its distance from aligned went from ${fmt(conv.extras[0].values.alignment)} to ${fmt(lastScore(conv))} (max ${fmt(maxScore(conv))}): ` +
          `${maxScore(conv) > 1e-6 ? 'alignment is not invariant for the convolutional layers (RNBU.Thm3)' : 'alignment stayed invariant (distance at the measure’s floor)'}; final ρ_k min ${fmt(Math.min(...lastConv.normRatio))}. ` +
          `Autoencoder: aligned init distance max ${fmt(maxScore(aeAligned))}${maxScore(aeAligned) <= 1e-6 ? ' (invariant up to rounding)' : ' (NOT invariant)'}, risk → ${fmt(aeAligned.finalRisk)}; generic init distance ${fmt(aeGeneric.extras[0].values.alignment)} → ${fmt(lastScore(aeGeneric))}, risk → ${fmt(aeGeneric.finalRisk)}. ` +
          `Train time ${fmt(stated.seconds + conv.seconds + aeAligned.seconds + aeGeneric.seconds)} s.`,
        figureVerdict('RNBU.S6', () => checkRnbuS6(rnbuS6Summary(measured))),
      ],
      scale,
    );
    return { panels, caption };
  },
};
