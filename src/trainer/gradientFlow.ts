import { type AcceptedStep, Dop853, type Rhs, type SegmentIntegrator, type SegmentStatus } from './dop853.js';
import { FLOW_ERROR_MULTIPLE } from './flowAccuracy.js';
import { OdexIntegrator } from './odexSolver.js';
import type { Dataset } from '../data/dataset.js';
import type { Loss } from '../losses/loss.js';
import { cloneNetwork, type Network } from '../network/network.js';
import { checkCompatible, createWorkspace, riskAndGradient, zerosLike, type GradientFn } from './gradient.js';

/**
 * The companion solve behind `errorEstimate` runs at tolerance/ESTIMATE_RATIO.
 * With W the flow at τ, W̃ the companion and W* the exact flow,
 * |W − W*| ≤ |W − W̃| + |W̃ − W*|, and the second term is bounded by the stated
 * accuracy of the companion, K·(τ/100)·(1 + |W̃|) (flowAccuracy.ts): the
 * estimate is their sum, so it bounds the error as far as that accuracy holds.
 * The floor matters where both solves took the same steps (a short segment in
 * one step each) and so agree to the bit.
 */
export const ESTIMATE_RATIO = 100;

/**
 * DOP853 runs at local tolerance τ/10 for a flow of tolerance τ. Local errors add up, and pass through saddles
 * amplified, where the flow does not contract (a tanh net whose weights keep growing): at local tolerance τ the worst
 * global error over 54 problems was 9.7·τ(1 + |w|) at T = 200, and 9.6 at T = 400 on another; at τ/10 those are 0.2
 * and 3.9 and the worst of the 54 is 3.2, for 10^{1/8} ≈ 1.33× the steps (order 8); still 0.45–0.8× ODEX's
 * evaluations. fixtures/flow-long-horizon/measure.ts has the numbers.
 */
export const LOCAL_TOLERANCE_FACTOR = 1 / 10;

export type FlowIntegrator = 'dop853' | 'odex';

export interface FlowOptions {
  readonly network: Network;
  readonly data: Dataset;
  readonly loss: Loss;
  /** integrate dW/dt = −∇R on [0, time] */
  readonly time: number;
  /**
   * the flow's tolerance τ: every weight within flowErrorBound (K·τ(1 + |w|), src/trainer/flowAccuracy.ts) of the
   * exact flow; DOP853 steps at absolute = relative local tolerance τ·LOCAL_TOLERANCE_FACTOR, ODEX at τ
   */
  readonly tolerance: number;
  /** times (ascending, within [0, time]) at which onCheckpoint sees W(t) */
  readonly checkpointTimes?: readonly number[];
  readonly onCheckpoint?: (time: number, net: Network, info: FlowCheckpointInfo) => void;
  readonly gradient?: GradientFn;
  /** the integrator's step budget per checkpoint segment (default 1e6); spending it is reported as divergence */
  readonly maxSteps?: number;
  /** 'dop853' (default): Dormand–Prince 8(5,3); 'odex': the extrapolation code used before issue 16, kept to compare with */
  readonly integrator?: FlowIntegrator;
  /**
   * Also solve at tolerance/ESTIMATE_RATIO, in step with the main solve, and report at each checkpoint an
   * estimate of the global error of the returned weights (FlowCheckpointInfo; costs about 1.8× the main solve).
   */
  readonly errorEstimate?: boolean;
  /**
   * DOP853 only: sees every accepted step of the main solve (not the companion's), with its embedded local error
   * estimate per layer. The buffers are the integrator's, overwritten at the next step; observing changes no result.
   */
  readonly onAcceptedStep?: (step: FlowStep) => void;
}

/** One accepted step of the main solve, by layer (views into the integrator's buffers; valid during the call). */
export interface FlowStep {
  /** the step's end time and length */
  readonly t: number;
  readonly h: number;
  /** W_k at t */
  readonly weights: readonly Float64Array[];
  /** per layer, the accepted step's embedded local error estimate (AcceptedStep.localError) */
  readonly localError: readonly Float64Array[];
  /** AcceptedStep.errorShare: localError / errorShare is the embedded 5th-order solution's error h·e5 */
  readonly errorShare: number;
  /** per layer, h·Σ_j |b_j||k_j| (AcceptedStep.increment) */
  readonly increment: readonly Float64Array[];
  /** per layer, W_k at the step's start (t − h) */
  readonly start: readonly Float64Array[];
  /** per stage j = 1 … 12 (index j − 1), per layer, the stage derivative k_j = −∇R(Y_j) (AcceptedStep.stages) */
  readonly stages: readonly (readonly Float64Array[])[];
}

export interface FlowCheckpointInfo {
  /**
   * max over weight entries of |W(t) − W̃(t)| + K(τ/100)(1 + |W̃(t)|), W̃ the companion solve at τ/100 (see
   * ESTIMATE_RATIO); Infinity if the companion failed; null when not asked for
   */
  readonly errorEstimate: number | null;
}

export interface FlowResult {
  readonly network: Network;
  readonly diverged: null | { readonly time: number; readonly reason: string };
  /** right-hand-side evaluations (the companion solve's included) */
  readonly evaluations: number;
  /** integration steps of the main solve, accepted and rejected, summed over the checkpoint segments */
  readonly integratorSteps: number;
  /** errorEstimate at `time` (null when not asked for, or when the flow diverged) */
  readonly errorEstimate: number | null;
}

/** Thrown out of the right-hand side (and so out of the integrator) when ∇R is not finite at the point asked for. */
class NonFiniteGradient extends Error {
  constructor(readonly time: number) {
    super(`non-finite gradient at t=${time}`);
  }
}

const names: Record<FlowIntegrator, string> = { dop853: 'DOP853', odex: 'ODEX' };

/**
 * Gradient flow by an explicit Runge–Kutta pair, Dormand–Prince 8(5,3) as in
 * Hairer's DOP853 (src/trainer/dop853.ts). The integration stops at each
 * checkpoint (the last step shortened to land on it), so W(t) there is an
 * integrator end point, not an interpolant. ODEX, the default before, is kept
 * behind `integrator: 'odex'` to compare with (issue 16: past convergence it
 * accepts steps far above its tolerance).
 */
export function gradientFlow(opts: FlowOptions): FlowResult {
  const { data, loss, time, tolerance } = opts;
  if (!(time >= 0) || !Number.isFinite(time)) throw new RangeError(`schedule.time=${time} must be a finite number ≥ 0`);
  if (!(tolerance > 0) || !Number.isFinite(tolerance)) throw new RangeError(`schedule.tolerance=${tolerance} must be a finite number > 0`);
  if (opts.maxSteps !== undefined && !(Number.isInteger(opts.maxSteps) && opts.maxSteps > 0))
    throw new RangeError(`maxSteps=${opts.maxSteps} must be a positive integer`);
  const kind = opts.integrator ?? 'dop853';
  if (!Object.hasOwn(names, kind)) throw new RangeError(`integrator=${kind} must be 'dop853' or 'odex'`);
  checkCompatible(opts.network, data, loss);
  const net = cloneNetwork(opts.network);
  const grad = opts.gradient ?? riskAndGradient;
  const ws = createWorkspace(net.dims, data.n);
  const grads = zerosLike(net);
  const total = net.weights.reduce((s, W) => s + W.length, 0);
  const scratch = cloneNetwork(net);
  let evaluations = 0;
  const rhs: Rhs = (t, y, dydt) => {
    let o = 0;
    for (const W of scratch.weights) for (let i = 0; i < W.length; i++) W[i] = y[o++];
    grad(ws, scratch, data, loss, grads);
    evaluations++;
    o = 0;
    for (const G of grads)
      for (let i = 0; i < G.length; i++) {
        if (!Number.isFinite(G[i])) {
          // DOP853 answers a non-finite trial stage by shrinking its step, and stops (nonFinite) only where ∇R is not
          // finite at an accepted point; ODEX would shrink until maxSteps, so it is stopped at once
          if (kind === 'odex') throw new NonFiniteGradient(t);
          dydt.fill(Number.NaN);
          return;
        }
        dydt[o++] = -G[i];
      }
  };
  if (opts.onAcceptedStep && kind !== 'dop853') throw new RangeError(`onAcceptedStep: integrator=${kind} has no embedded estimate; use 'dop853'`);
  const make = (): SegmentIntegrator => (kind === 'odex' ? new OdexIntegrator(total) : new Dop853(total));
  const y0 = new Float64Array(total);
  {
    let o = 0;
    for (const W of net.weights) for (let i = 0; i < W.length; i++) y0[o++] = W[i];
  }
  const main = make();
  main.reset(0, y0);
  const watch = opts.onAcceptedStep;
  if (watch && main instanceof Dop853) {
    // per-layer views, made once: the integrator's buffers keep their identity
    const layers = (v: Float64Array): Float64Array[] => {
      let o = 0;
      return net.weights.map((W) => v.subarray(o, (o += W.length)));
    };
    // one record, refilled at every accepted step (its per-layer views change only if the integrator's buffers do)
    type Mutable<T> = { -readonly [K in keyof T]: T[K] };
    let y: Float64Array | null = null;
    const step: Mutable<FlowStep> = { t: 0, h: 0, weights: [], localError: [], errorShare: 0, increment: [], start: [], stages: [] };
    main.observe((s: AcceptedStep) => {
      if (y !== s.y) {
        y = s.y;
        step.weights = layers(s.y);
        step.localError = layers(s.localError);
        step.increment = layers(s.increment);
        step.start = layers(s.start);
        step.stages = Array.from({ length: 12 }, (_, j) => layers(s.stages.subarray(j * total, (j + 1) * total)));
      }
      step.t = s.t;
      step.h = s.h;
      step.errorShare = s.errorShare;
      watch(step);
    });
  }
  const companion = opts.errorEstimate ? make() : null;
  companion?.reset(0, y0);
  let companionOk = true;
  // DOP853 controls each step's local error; the flow's tolerance is a global one: see LOCAL_TOLERANCE_FACTOR
  const local = kind === 'dop853' ? tolerance * LOCAL_TOLERANCE_FACTOR : tolerance;
  const tol = { rtol: local, atol: local };
  const tight = { rtol: local / ESTIMATE_RATIO, atol: local / ESTIMATE_RATIO };
  const maxSteps = opts.maxSteps ?? 1e6;
  const integratorSteps = () => main.accepted + main.rejected;
  const write = (): boolean => {
    let o = 0;
    for (const W of net.weights) for (let i = 0; i < W.length; i++) W[i] = main.y[o++];
    return main.y.every(Number.isFinite);
  };
  const estimate = (): number | null => {
    if (!companion) return null;
    if (!companionOk) return Infinity;
    let e = 0;
    const floor = (FLOW_ERROR_MULTIPLE * tolerance) / ESTIMATE_RATIO;
    for (let i = 0; i < total; i++) e = Math.max(e, Math.abs(main.y[i] - companion.y[i]) + floor * (1 + Math.abs(companion.y[i])));
    // a non-finite companion leaves the error unknown, and unknown is unbounded
    return Number.isNaN(e) ? Infinity : e;
  };
  const stop = (t: number, reason: string): FlowResult => {
    write();
    return { network: net, diverged: { time: t, reason }, evaluations, integratorSteps: integratorSteps(), errorEstimate: null };
  };
  const stops = [...new Set([...(opts.checkpointTimes ?? []), time])].filter((s) => s >= 0 && s <= time).sort((a, b) => a - b);
  for (const end of stops) {
    if (end > main.t) {
      let status: SegmentStatus;
      try {
        status = main.advance(rhs, end, tol, maxSteps);
      } catch (e) {
        if (!(e instanceof NonFiniteGradient)) throw e;
        return stop(e.time, `${e.message} (weights returned are W(${main.t}), the last accepted point)`);
      }
      if (status === 'maxSteps') return stop(main.t, `${names[kind]} spent its budget of ${maxSteps} steps at t=${main.t}, before t=${end}`);
      if (status === 'stepTooSmall') return stop(main.t, `${names[kind]}'s step size underflowed at t=${main.t}, before t=${end}`);
      if (status === 'nonFinite')
        return stop(
          main.t,
          main.y.every(Number.isFinite)
            ? `non-finite gradient at or just after t=${main.t} (weights returned are W(${main.t}), the last accepted point)`
            : 'non-finite weight',
        );
      if (companion && companionOk) {
        // the companion only informs the estimate: its failure makes the estimate infinite, not the flow divergent
        try {
          companionOk = companion.advance(rhs, end, tight, maxSteps) === 'done';
        } catch (e) {
          if (!(e instanceof NonFiniteGradient)) throw e;
          companionOk = false;
        }
      }
    }
    if (!write()) return stop(main.t, 'non-finite weight');
    if (opts.onCheckpoint && (opts.checkpointTimes ?? []).includes(end)) opts.onCheckpoint(end, net, { errorEstimate: estimate() });
  }
  return { network: net, diverged: null, evaluations, integratorSteps: integratorSteps(), errorEstimate: estimate() };
}
