import type { Dataset } from '../data/dataset.js';
import type { Loss } from '../losses/loss.js';
import { cloneNetwork, type Network } from '../network/network.js';
import { kernelFor, riskAndGradient, zerosLike, type GradientFn, type GradientWorkspace } from './gradient.js';
import { marginVectorApplies, marginVectorRun, type Descended } from './kernels/marginVectorWasm.js';
import { kernelThreads, rowSplitApplies, rowSplitRun } from './kernels/rowSplit.js';
import { residentLayers } from './kernels/simd.js';
import { stepAndSumOfSquares, sumOfSquares } from './kernels/stepSums.js';

/**
 * Where one descent run keeps W_k and G_k, and which code evaluates and updates them; chosen once per run from the
 * shape, the loss and whether a replacement gradient was given:
 * - narrow linear nets with one output and a built-in margin loss, exact gradient: the margin-vector module
 *   (kernels/marginVectorWasm.ts), one WebAssembly call per evaluation and one per update;
 * - some width ≥ FAST_MIN_WIDTH: the SIMD module's memory (residentLayers), also under a replacement gradient;
 * - otherwise plain Float64Arrays and the JavaScript kernels.
 * Each gives the bits of the JavaScript kernel kernelFor names for the shape (the unit tests compare them).
 */
export interface StepKernel {
  /** the run's W_k and G_k (views on a module's memory when `inModule`) */
  readonly weights: Float64Array[];
  readonly grads: Float64Array[];
  readonly inModule: boolean;
  /** R(W) (NaN for a margin loss when !wantRisk) and G_k = ∂R/∂W_k into grads; the workspace as the kernel leaves it when wantRisk */
  evaluate(wantRisk: boolean): number;
  /** Σ_k ‖G_k‖²_F of the last evaluation */
  gradSquared(): number;
  /** W_k ← W_k − η G_k for every k; returns max_k ‖W_k‖²_F (a NaN sum never counts as the largest) */
  step(eta: number): number;
  /** the margin-vector module only: `steps` unobserved steps with constant η in one call (marginVectorWasm.ts) */
  descend?(eta: number, steps: number, energy: number): Descended;
}

/** Which code a descent run uses (see StepKernel): 'margin-vector' (the module), or kernelFor's choice for the shape. */
export function stepKernelChoice(network: Network, loss: Loss, n: number, gradient?: GradientFn): 'margin-vector' | 'split-rows' | 'simd' | 'reference' {
  const byShape = kernelFor(network.dims);
  if (gradient) return byShape;
  if (byShape === 'reference' && marginVectorApplies(network, loss)) return 'margin-vector';
  if (byShape === 'simd' && rowSplitApplies(network, n, loss)) return 'split-rows';
  return byShape;
}

/** plannedSteps: the run's step budget (the split-rows kernel's 'auto' threads try a worker only in long runs) */
export function stepKernelFor(ws: GradientWorkspace, network: Network, data: Dataset, loss: Loss, gradient?: GradientFn, plannedSteps = 0): StepKernel {
  const L = network.dims.length - 1;
  // read for every run, so that a bad DLNCHECK_KERNEL_THREADS is an error whichever kernel the run takes
  const threads = kernelThreads();
  const choice = stepKernelChoice(network, loss, data.n, gradient);
  if (choice === 'margin-vector') return { ...marginVectorRun(ws, network, data, loss), inModule: true };
  if (choice === 'split-rows') return { ...rowSplitRun(ws, network, data, loss, threads, plannedSteps), inModule: true };
  const resident = choice === 'simd' ? residentLayers(ws, network, data) : null;
  const net: Network = resident ? { ...network, weights: resident.weights } : cloneNetwork(network);
  const grads = resident ? resident.grads : zerosLike(net);
  const grad = gradient ?? riskAndGradient;
  return {
    weights: net.weights,
    grads,
    inModule: resident !== null,
    evaluate: (wantRisk) => grad(ws, net, data, loss, grads, wantRisk),
    gradSquared() {
      let g2 = 0;
      for (let k = 0; k < L; k++) g2 += resident ? resident.gradSumOfSquares(k) : sumOfSquares(grads[k]);
      return g2;
    },
    step(eta) {
      let most = 0;
      for (let k = 0; k < L; k++) {
        const s = resident ? resident.step(k, eta) : stepAndSumOfSquares(net.weights[k], grads[k], eta);
        if (s > most) most = s;
      }
      return most;
    },
  };
}
