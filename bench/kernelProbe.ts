/**
 * Development probe: steps/s of gradientDescent for one bench size in one process, for comparing kernels
 * back to back on a busy machine (alternating rounds, so load changes hit every kernel alike).
 * Usage: node --import tsx bench/kernelProbe.ts <size index> [seconds] [kernels, comma-separated: shipped,reference,simd]
 */
import { datasetFromArrays } from '../src/data/dataset.js';
import { logistic } from '../src/losses/logistic.js';
import { networkFromArrays } from '../src/network/network.js';
import { backpropRiskAndGradient, linearRiskAndGradient, riskAndGradient, type GradientFn } from '../src/trainer/gradient.js';
import { gradientDescent } from '../src/trainer/gradientDescent.js';
import { simdBackpropRiskAndGradient, simdLinearRiskAndGradient } from '../src/trainer/kernels/simd.js';
import { DEFAULT_SEED } from '../src/verify/seed.js';
import { BENCH_SIZES, benchFixture } from './benchFixture.js';
import { measureRate } from './measureRate.js';

const i = Number(process.argv[2]);
const seconds = Number(process.argv[3] ?? 0.5);
const names = (process.argv[4] ?? 'shipped').split(',');
const fx = benchFixture(BENCH_SIZES[i], DEFAULT_SEED + BENCH_SIZES[i].seedOffset);
const data = datasetFromArrays(fx.x, fx.y);
const network = networkFromArrays(fx.weights, fx.size.activation ?? { kind: 'linear' });
const lin = network.activation.kind === 'linear';
const kernels: Record<string, GradientFn> = {
  shipped: riskAndGradient,
  reference: lin ? linearRiskAndGradient : backpropRiskAndGradient,
  simd: lin ? simdLinearRiskAndGradient : simdBackpropRiskAndGradient,
};
const rates: Record<string, number[]> = {};
for (let round = 0; round < 3; round++)
  for (const name of names) {
    const gradient = kernels[name];
    const r = measureRate(
      (c) => void gradientDescent({ network, data, loss: logistic, schedule: { kind: 'constant', eta: fx.size.eta }, steps: c, gradient }),
      { seconds, repetitions: 3 },
    );
    (rates[name] ??= []).push(r.best);
  }
console.log(`${fx.size.name}: ${names.map((nm) => `${nm} ${rates[nm].map((v) => Math.round(v)).join('/')}`).join('  ')}`);
