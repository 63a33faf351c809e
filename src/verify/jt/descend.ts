/**
 * Evaluation at every iterate for the JT claims. Claims about ∇R itself (the descent inequality) re-evaluate R and ∇R
 * at every iterate with the trusted kernel, so a broken trainer is judged against the exact gradient; identities about
 * the step actually taken (F3, F8, the F2 drift behind F5/F6) use the trainer's own gradient and its exact E. Each
 * check compares a residual with a floating-point allowance derived in src/tolerances/alignment.ts. A risk that
 * leaves the normal range fails the run with a loss-of-precision message (src/metrics/logRisk.ts).
 */
import type { Dataset } from '../../data/dataset.js';
import { dot } from '../../linalg/dense.js';
import type { MarginLoss } from '../../losses/loss.js';
import { linearRiskPrecision, logRisk } from '../../metrics/logRisk.js';
import { linear } from '../../network/activation.js';
import { evaluationScale, riskRounding, type EvaluationScale } from '../../tolerances/jtRounding.js';
import { createWorkspace, riskAndGradient, type GradientFn, type GradientWorkspace } from '../../trainer/gradient.js';
import { gradientDescent } from '../../trainer/gradientDescent.js';
import type { ScheduleSpec } from '../../trainer/schedule.js';
import { sumOfSquares } from '../../linalg/sumOfSquares.js';
import { type TrainCase, dataOf, networkOf } from './trainCase.js';

/** What one evaluation at W(t) contributes to the step checks (from the reference kernel or the trainer's view). */
export interface Evaluation {
  readonly t: number;
  /** η_t and R_t the trainer used for the step from W(t) (NaN at the last iterate / for non-A4 schedules) */
  readonly eta: number;
  readonly radius: number;
  readonly risk: number;
  readonly gradSq: number;
  /** computed ‖W_k‖_F² and ‖Ĝ_k‖_F² */
  readonly layerSq: number[];
  readonly layerGradSq: number[];
  readonly scale: EvaluationScale;
  /** ⟨Ê, P̂⟩ = (1/n)Σ ℓ'(m_i)m_i up to rounding (F3) */
  readonly innerEP: number;
  readonly minMargin: number;
  readonly margins: Float64Array;
  /** F8 terms, when ū is given: ‖W_1Π_⊥‖², ‖G_1Π_⊥‖², ⟨Π_⊥ŵ, r̂⟩, ⟨W_1Π_⊥, G_1⟩, ‖Π_⊥ŵ‖, ⟨ŵ, ū⟩ */
  readonly off: { sq: number; gradSq: number; inner: number; rate: number; prodOffNorm: number; prodAlong: number } | null;
}

export interface Reference {
  readonly ws: GradientWorkspace;
  readonly grads: Float64Array[];
  readonly data: Dataset;
  readonly loss: MarginLoss;
  readonly gradient: GradientFn;
  readonly dims: readonly number[];
}

export function reference(dims: readonly number[], data: Dataset, loss: MarginLoss, gradient: GradientFn = riskAndGradient): Reference {
  return { ws: createWorkspace(dims, data.n), grads: dims.slice(1).map((r, k) => new Float64Array(r * dims[k])), data, loss, gradient, dims };
}

/** ‖MΠ_⊥‖_F² for M (rows × d) and Π_⊥ = I − ūūᵀ, row by row (the computation projectionAllowance bounds). */
export function offMarginSq(M: Float64Array, rows: number, d: number, ubar: Float64Array): number {
  let s = 0;
  for (let i = 0; i < rows; i++) {
    let c = 0;
    for (let j = 0; j < d; j++) c += M[i * d + j] * ubar[j];
    for (let j = 0; j < d; j++) {
      const p = M[i * d + j] - c * ubar[j];
      s += p * p;
    }
  }
  return s;
}

/** R, ∇R and the kernel workspace at one iterate: the reference kernel's, or the trainer's own (StepView). */
export interface Source {
  readonly risk: number;
  readonly grads: readonly Float64Array[];
  readonly ws: GradientWorkspace;
}

/** ⟨MΠ_⊥, G⟩_F row by row. */
export function offMarginInner(M: Float64Array, G: Float64Array, rows: number, d: number, ubar: Float64Array): number {
  let s = 0;
  for (let i = 0; i < rows; i++) {
    let c = 0;
    for (let j = 0; j < d; j++) c += M[i * d + j] * ubar[j];
    for (let j = 0; j < d; j++) s += (M[i * d + j] - c * ubar[j]) * G[i * d + j];
  }
  return s;
}

export function evaluate(
  src: Source,
  weights: readonly Float64Array[],
  dims: readonly number[],
  data: Dataset,
  loss: MarginLoss,
  t: number,
  eta: number,
  radius: number,
  ubar?: Float64Array,
): Evaluation {
  const layerSq = weights.map(sumOfSquares);
  const layerGradSq = src.grads.map(sumOfSquares);
  const margins = src.ws.margins.slice(0, data.n);
  const scale = evaluationScale(weights, dims, data, loss, margins, src.risk);
  const P = src.ws.P;
  const E = src.ws.E;
  const d = dims[0];
  let innerEP = 0;
  for (let j = 0; j < d; j++) innerEP += E[j] * P[j];
  let minMargin = Infinity;
  for (let i = 0; i < data.n; i++) minMargin = Math.min(minMargin, margins[i]);
  let off: Evaluation['off'] = null;
  if (ubar) {
    const along = dot(P, ubar);
    let inner = 0;
    let prodOff = 0;
    for (let j = 0; j < d; j++) {
      const p = P[j] - along * ubar[j];
      inner += p * E[j];
      prodOff += p * p;
    }
    off = {
      sq: offMarginSq(weights[0], dims[1], d, ubar),
      gradSq: offMarginSq(src.grads[0], dims[1], d, ubar),
      inner,
      rate: offMarginInner(weights[0], src.grads[0], dims[1], d, ubar),
      prodOffNorm: Math.sqrt(prodOff),
      prodAlong: along,
    };
  }
  let gradSq = 0;
  for (const g of layerGradSq) gradSq += g;
  return { t, eta, radius, risk: src.risk, gradSq, layerSq, layerGradSq, scale, innerEP, minMargin, margins, off };
}

export interface DescentRun {
  readonly diverged: string | null;
  /** the last t evaluated (steps, or the checkpoint at which `checkpoint` asked to stop) */
  readonly stepsTaken: number;
}

/** The iterates of one step W(t) → W(t+1), for checks that need the step actually taken (Δ = W(t+1) − W(t)). */
export interface StepWeights {
  /** W(t): a copy owned by descend, overwritten at the next step */
  readonly before: readonly Float64Array[];
  /** W(t+1): the trainer's live buffers */
  readonly after: readonly Float64Array[];
}

/**
 * Runs the trainer (possibly broken) and calls `pair(prev, cur, weights)` for every step W(t) → W(t+1) and
 * `checkpoint` at the given t (returning true from `checkpoint` ends the run there). With `exactGradient` the
 * evaluations come from the reference kernel at every iterate (the claim is about ∇R, whatever the trainer applied);
 * otherwise from the trainer's own view (the claim is an identity about the step actually taken, e.g. F3 and F8 with
 * the applied G). A trainer that is the reference kernel itself (no trainerGradient, or riskAndGradient) computes the
 * same numbers bit for bit, so its own view is used and the second evaluation is skipped.
 */
export function descend(opts: {
  readonly c: TrainCase;
  readonly loss: MarginLoss;
  readonly schedule: ScheduleSpec;
  readonly steps: number;
  readonly trainerGradient?: GradientFn;
  readonly exactGradient?: boolean;
  readonly ubar?: Float64Array;
  readonly checkpoints?: readonly number[];
  readonly pair?: (prev: Evaluation, cur: Evaluation, weights: StepWeights) => void;
  readonly checkpoint?: (ev: Evaluation, weights: readonly Float64Array[]) => unknown;
}): DescentRun {
  const net = networkOf(opts.c);
  const data = dataOf(opts.c);
  const trainerIsReference = opts.trainerGradient === undefined || opts.trainerGradient === riskAndGradient;
  const ref = opts.exactGradient && !trainerIsReference ? reference(net.dims, data, opts.loss) : null;
  const marks = new Set(opts.checkpoints ?? []);
  let prev: Evaluation | null = null;
  const perStep = opts.pair !== undefined;
  const before = net.weights.map((W) => new Float64Array(W.length));
  let stop = false;
  let last = 0;
  const res = gradientDescent({
    network: net,
    data,
    loss: opts.loss,
    schedule: opts.schedule,
    steps: opts.steps,
    ...(opts.trainerGradient ? { gradient: opts.trainerGradient } : {}),
    onStep(v) {
      last = v.t;
      const mark = marks.has(v.t);
      if (!perStep && !mark) return;
      let src: Source = { risk: v.risk, grads: v.grads, ws: v.workspace };
      if (ref) {
        const risk = ref.gradient(ref.ws, { dims: net.dims, weights: v.weights as Float64Array[], activation: linear }, data, opts.loss, ref.grads);
        src = { risk, grads: ref.grads, ws: ref.ws };
      }
      const ev = evaluate(src, v.weights, net.dims, data, opts.loss, v.t, v.eta, v.radius, opts.ubar);
      if (prev && opts.pair) opts.pair(prev, ev, { before, after: v.weights });
      if (mark && opts.checkpoint && opts.checkpoint(ev, v.weights) === true) stop = true;
      if (perStep) for (let k = 0; k < before.length; k++) before[k].set(v.weights[k]);
      prev = ev;
    },
    stopWhen: () => stop,
  });
  return { diverged: res.diverged ? `${res.diverged.reason} (step ${res.diverged.step})` : null, stepsTaken: last };
}

export function fail(message: string): never {
  throw new Error(message);
}

/** The run's risk must still be a normal float that agrees with the log domain; otherwise report loss of precision. */
export function requirePrecision(ev: Evaluation, loss: MarginLoss, n: number): number {
  const logR = logRisk(ev.margins, n, loss);
  const p = linearRiskPrecision(ev.risk, logR, riskRounding(ev.scale) / ev.risk);
  if (!p.resolved) fail(`loss of precision at t=${ev.t}: ${p.reason}; shorten the horizon or check in the log domain`);
  return logR;
}
