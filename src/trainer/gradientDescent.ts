import type { Dataset } from '../data/dataset.js';
import type { Loss } from '../losses/loss.js';
import type { Network } from '../network/network.js';
import { checkCompatible, createWorkspace, type GradientFn, type GradientWorkspace } from './gradient.js';
import { createStepRule, type ScheduleSpec } from './schedule.js';
import { stepKernelFor } from './stepKernel.js';

/** What an observer sees before each update W(t+1) = W(t) − η_t G(t). Reused: copy what you keep. */
export interface StepView {
  t: number;
  eta: number;
  /** R(W(t)) */
  risk: number;
  /** ‖∇R(W(t))‖² */
  gradSquared: number;
  /** S(t) = Σ_{τ<t} η_τ² ‖∇R(W(τ))‖² (docs/claims.md, Notation), before this step's term */
  energy: number;
  /** JT.A4 radius R_t (NaN for other schedules) */
  radius: number;
  /** W(t), live buffers */
  weights: readonly Float64Array[];
  /** G_k(t), live buffers */
  grads: readonly Float64Array[];
  /** the workspace after evaluating at W(t): margins, outputs */
  workspace: GradientWorkspace;
}

export interface DescentOptions {
  readonly network: Network;
  readonly data: Dataset;
  readonly loss: Loss;
  readonly schedule: ScheduleSpec;
  readonly steps: number;
  /** called before step t's update (t = 0..steps−1) and once at t = steps with grads of W(steps) */
  readonly onStep?: (view: StepView) => void;
  /** step indices at which onCheckpoint sees W(t) (t ≤ steps) */
  readonly checkpoints?: readonly number[];
  readonly onCheckpoint?: (t: number, net: Network, view: StepView) => void;
  /** replaces the exact gradient (broken trainers for twin tests) */
  readonly gradient?: GradientFn;
  /** early stop: checked after onStep; true ends the run at W(t) (stepsTaken = t) without updating */
  readonly stopWhen?: (view: StepView) => boolean;
}

export interface DescentResult {
  readonly network: Network;
  readonly diverged: null | { readonly step: number; readonly reason: string };
  readonly stepsTaken: number;
  readonly finalRisk: number;
  /** S(steps) */
  readonly energy: number;
}

/**
 * Gradient descent. The loop body evaluates the gradient into preallocated
 * buffers and updates the weights in place; metrics run only at checkpoints.
 * Divergence: a non-finite risk, gradient or weight stops the run.
 */
export function gradientDescent(opts: DescentOptions): DescentResult {
  const { data, loss, steps } = opts;
  if (!Number.isInteger(steps) || steps < 0) throw new RangeError(`steps=${steps} must be a non-negative integer`);
  checkCompatible(opts.network, data, loss);
  const L = opts.network.dims.length - 1;
  const ws = createWorkspace(opts.network.dims, data.n);
  // where W_k and G_k live and which code evaluates and updates them (stepKernel.ts); the same bits whichever it is
  const kernel = stepKernelFor(ws, opts.network, data, loss, opts.gradient, steps);
  const net: Network = { ...opts.network, dims: [...opts.network.dims], weights: kernel.weights };
  const grads = kernel.grads;
  const rule = createStepRule(opts.schedule, L, loss);
  // checkpoints ascending and distinct, walked with a cursor: one comparison per step, no hashing
  const marks = [...new Set(opts.checkpoints ?? [])].sort((a, b) => a - b);
  let nextMark = 0;
  while (nextMark < marks.length && marks[nextMark] < 0) nextMark++;
  const view: StepView = { t: 0, eta: 0, risk: 0, gradSquared: 0, energy: 0, radius: NaN, weights: net.weights, grads, workspace: ws };
  const W = net.weights;
  let maxFro = 0;
  for (const Wk of W) {
    let s = 0;
    for (let i = 0; i < Wk.length; i++) s += Wk[i] * Wk[i];
    if (s > maxFro) maxFro = s;
  }
  maxFro = Math.sqrt(maxFro);
  let energy = 0;
  let r = NaN;
  // the risk (one loss evaluation per sample) is needed only where someone looks at it
  const everyStep = opts.onStep !== undefined || opts.stopWhen !== undefined;
  // unobserved stretches under a constant step run inside the module when the kernel can (StepKernel.descend): the
  // same evaluations, checks and updates in the same order, without a call out of the module per step
  const inModuleStretches = kernel.descend !== undefined && !everyStep && opts.schedule.kind === 'constant';
  for (let t = 0; t <= steps; t++) {
    if (inModuleStretches && kernel.descend) {
      const until = nextMark < marks.length && marks[nextMark] < steps ? marks[nextMark] : steps;
      if (until > t) {
        const d = kernel.descend(rule.eta(t, maxFro), until - t, energy);
        energy = d.energy;
        if (d.stopped) {
          // as the loop below reports it: a non-finite gradient at W(s), or a non-finite weight in W(s + 1)
          const s = t + d.done + (d.stopped === 'weight' ? 1 : 0);
          const reason = d.stopped === 'weight' ? `non-finite weight in W(${s})` : `non-finite gradient at W(${s})`;
          return { network: detached(net, kernel.inModule), diverged: { step: s, reason }, stepsTaken: s, finalRisk: NaN, energy };
        }
        maxFro = Math.sqrt(d.most);
        t = until;
      }
    }
    const isMark = nextMark < marks.length && marks[nextMark] === t;
    if (isMark) nextMark++;
    const wantRisk = everyStep || t === steps || isMark;
    r = kernel.evaluate(wantRisk);
    const g2 = kernel.gradSquared();
    // r is NaN on steps where the risk was not asked for (only there is NaN no news); ±∞ or a non-finite gradient is divergence
    if (!Number.isFinite(g2) || (!Number.isFinite(r) && (wantRisk || r === r))) {
      return {
        network: detached(net, kernel.inModule),
        diverged: { step: t, reason: `non-finite ${Number.isFinite(g2) ? 'risk' : 'gradient'} at W(${t})` },
        stepsTaken: t,
        finalRisk: r,
        energy,
      };
    }
    const eta = t < steps ? rule.eta(t, maxFro) : NaN;
    view.t = t;
    view.eta = eta;
    view.risk = r;
    view.gradSquared = g2;
    view.energy = energy;
    view.radius = rule.radius;
    if (isMark && opts.onCheckpoint) opts.onCheckpoint(t, net, view);
    if (opts.onStep) opts.onStep(view);
    if (t === steps || opts.stopWhen?.(view)) break;
    maxFro = kernel.step(eta);
    if (!Number.isFinite(maxFro)) {
      return {
        network: detached(net, kernel.inModule),
        diverged: { step: t + 1, reason: `non-finite weight in W(${t + 1})` },
        stepsTaken: t + 1,
        finalRisk: r,
        energy,
      };
    }
    maxFro = Math.sqrt(maxFro);
    energy += eta * eta * g2;
  }
  return { network: detached(net, kernel.inModule), diverged: null, stepsTaken: view.t, finalRisk: r, energy };
}

/** The run's network on arrays of its own: resident weights are views on the kernel's memory, copied out once. */
function detached(net: Network, resident: boolean): Network {
  return resident ? { ...net, weights: net.weights.map((W) => W.slice()) } : net;
}
