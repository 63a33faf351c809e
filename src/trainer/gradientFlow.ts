import { createOdexSolver } from './odexSolver.js';
import type { Dataset } from '../data/dataset.js';
import type { Loss } from '../losses/loss.js';
import { cloneNetwork, type Network } from '../network/network.js';
import { checkCompatible, createWorkspace, riskAndGradient, zerosLike, type GradientFn } from './gradient.js';

export interface FlowOptions {
  readonly network: Network;
  readonly data: Dataset;
  readonly loss: Loss;
  /** integrate dW/dt = −∇R on [0, time] */
  readonly time: number;
  /** absolute and relative tolerance handed to ODEX */
  readonly tolerance: number;
  /** times (ascending, within [0, time]) at which onCheckpoint sees W(t) */
  readonly checkpointTimes?: readonly number[];
  readonly onCheckpoint?: (time: number, net: Network) => void;
  readonly gradient?: GradientFn;
  /** ODEX's step budget per checkpoint segment (default 1e6); spending it is reported as divergence */
  readonly maxSteps?: number;
}

export interface FlowResult {
  readonly network: Network;
  readonly diverged: null | { readonly time: number; readonly reason: string };
  /** right-hand-side evaluations */
  readonly evaluations: number;
  /** ODEX integration steps, accepted and rejected, summed over the checkpoint segments */
  readonly integratorSteps: number;
}

/** Thrown out of the right-hand side (and so out of ODEX) when ∇R is not finite at the point ODEX asked for. */
class NonFiniteGradient extends Error {
  constructor(readonly time: number) {
    super(`non-finite gradient at t=${time}`);
  }
}

/**
 * Gradient flow by Hairer's ODEX (Gragg–Bulirsch–Stoer extrapolation). The
 * integration restarts at each checkpoint so that W(t) there is an integrator
 * end point, not an interpolant.
 */
export function gradientFlow(opts: FlowOptions): FlowResult {
  const { data, loss, time, tolerance } = opts;
  if (!(time >= 0) || !Number.isFinite(time)) throw new RangeError(`schedule.time=${time} must be a finite number ≥ 0`);
  if (!(tolerance > 0) || !Number.isFinite(tolerance)) throw new RangeError(`schedule.tolerance=${tolerance} must be a finite number > 0`);
  if (opts.maxSteps !== undefined && !(Number.isInteger(opts.maxSteps) && opts.maxSteps > 0))
    throw new RangeError(`maxSteps=${opts.maxSteps} must be a positive integer`);
  checkCompatible(opts.network, data, loss);
  const net = cloneNetwork(opts.network);
  const grad = opts.gradient ?? riskAndGradient;
  const ws = createWorkspace(net.dims, data.n);
  const grads = zerosLike(net);
  const sizes = net.weights.map((W) => W.length);
  const total = sizes.reduce((a, b) => a + b, 0);
  const scratch = cloneNetwork(net);
  let evaluations = 0;
  let integratorSteps = 0;
  const rhs = (t: number, y: number[]): number[] => {
    let o = 0;
    for (const W of scratch.weights) for (let i = 0; i < W.length; i++) W[i] = y[o++];
    grad(ws, scratch, data, loss, grads);
    evaluations++;
    const out = new Array<number>(total);
    o = 0;
    for (const G of grads)
      for (let i = 0; i < G.length; i++) {
        // ODEX would answer a NaN derivative by shrinking its step until maxSteps: stop at once instead
        if (!Number.isFinite(G[i])) throw new NonFiniteGradient(t);
        out[o++] = -G[i];
      }
    return out;
  };
  const solver = createOdexSolver(total);
  solver.absoluteTolerance = tolerance;
  solver.relativeTolerance = tolerance;
  solver.maxSteps = opts.maxSteps ?? 1e6;
  let y: number[] = [];
  for (const W of net.weights) for (let i = 0; i < W.length; i++) y.push(W[i]);
  const stops = [...new Set([...(opts.checkpointTimes ?? []), time])].filter((s) => s >= 0 && s <= time).sort((a, b) => a - b);
  let now = 0;
  const write = (): boolean => {
    let o = 0;
    for (const W of net.weights) for (let i = 0; i < W.length; i++) W[i] = y[o++];
    return y.every(Number.isFinite);
  };
  for (const stop of stops) {
    if (stop > now) {
      let res: ReturnType<typeof solver.solve>;
      // the last point of the trajectory ODEX accepted: what is returned if the flow cannot go on
      let lastTime = now;
      let lastY = y;
      try {
        res = solver.solve(rhs, now, y, stop, (_nr, _xOld, x, yAccepted) => {
          lastTime = x;
          lastY = yAccepted;
        });
      } catch (e) {
        if (!(e instanceof NonFiniteGradient)) throw e;
        y = lastY;
        write();
        return {
          network: net,
          diverged: { time: e.time, reason: `${e.message} (weights returned are W(${lastTime}), the last accepted point)` },
          evaluations,
          integratorSteps,
        };
      }
      y = res.y.slice();
      integratorSteps += res.nStep;
      if (res.outcome !== 0) {
        write();
        // outcome 1 is the only one possible here (2 needs a solOut that returns false): the step budget was spent
        // before the segment's end, as on a stiff or exploding flow
        // (res.xEnd is the requested end, not the point reached: report the last accepted point)
        return {
          network: net,
          diverged: { time: lastTime, reason: `ODEX spent its budget of ${solver.maxSteps} steps at t=${lastTime}, before t=${stop}` },
          evaluations,
          integratorSteps,
        };
      }
      now = stop;
    }
    if (!write()) return { network: net, diverged: { time: now, reason: 'non-finite weight' }, evaluations, integratorSteps };
    if (opts.onCheckpoint && (opts.checkpointTimes ?? []).includes(stop)) opts.onCheckpoint(stop, net);
  }
  return { network: net, diverged: null, evaluations, integratorSteps };
}
