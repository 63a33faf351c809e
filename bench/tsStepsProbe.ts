/**
 * Child process of steps.bench.ts: times gradientDescent on one size in a
 * fresh process and prints { rate, finalWeights, kernel, expRate } as JSON. One size per
 * process, as one `dlncheck` run would be, so V8 optimises for that size only.
 * expRate: how many times per second this process evaluates one step's worth of
 * Math.exp calls (n of them: the logistic derivative calls exp once per sample; the
 * steps between checkpoints skip the risk), the yardstick for a tiny net's step, and moduleExpRate: the same
 * n values through the module's e^x (two at a time, as the margin-vector kernel computes them).
 * Usage: node --import tsx bench/tsStepsProbe.ts <input.json> <size index>
 */
import { readFileSync } from 'node:fs';
import { datasetFromArrays } from '../src/data/dataset.js';
import { logistic } from '../src/losses/logistic.js';
import { linear, type Activation } from '../src/network/activation.js';
import { networkFromArrays, weightsToArrays } from '../src/network/network.js';
import { moduleExpTimer } from '../src/trainer/kernels/marginVectorWasm.js';
import { stepKernelChoice } from '../src/trainer/stepKernel.js';
import { gradientDescent } from '../src/trainer/gradientDescent.js';
import { measureRate } from './measureRate.js';

interface ProbeInput {
  seconds: number;
  repetitions: number;
  verifySteps: number;
  sizes: { x: number[][]; y: number[]; weights: number[][][]; eta: number; activation: 'linear' | 'relu' }[];
}

const [inputPath, sizeArg] = process.argv.slice(2);
if (!inputPath || !sizeArg) throw new RangeError(`tsStepsProbe: argv=${JSON.stringify(process.argv.slice(2))}; expected <input.json> <size index>`);
const input = JSON.parse(readFileSync(inputPath, 'utf8')) as ProbeInput;
const size = input.sizes[Number(sizeArg)];
const data = datasetFromArrays(size.x, size.y);
const activation: Activation = size.activation === 'relu' ? { kind: 'relu' } : linear;
const network = networkFromArrays(size.weights, activation);
const train = (steps: number) => gradientDescent({ network, data, loss: logistic, schedule: { kind: 'constant', eta: size.eta }, steps });

const finalWeights = weightsToArrays(train(input.verifySteps).network);
const rate = measureRate((count) => void train(count), { seconds: input.seconds, repetitions: input.repetitions });

// the exp yardsticks matter for the tiny size only (the first): elsewhere they would add seconds and say nothing
const timeExp = Number(sizeArg) === 0;
// one step's exp calls: e^{−|u|} at the n margins of the initial weights (the derivative's argument), summed so none is dropped
const args = Float64Array.from(size.x, (xi, i) => -Math.abs(size.y[i] * xi.reduce((s, v, j) => s + v * (j + 1), 0)));
let sink = 0;
const expRate = !timeExp
  ? null
  : measureRate(
      (count) => {
        let s = 0;
        for (let c = 0; c < count; c++) for (let i = 0; i < args.length; i++) s += Math.exp(args[i]);
        sink += s;
      },
      { seconds: input.seconds, repetitions: input.repetitions },
    );
// the same n values through the module's e^x, two at a time, as the margin-vector kernel computes them
const moduleExp = timeExp ? moduleExpTimer(args) : null;
const moduleExpRate = !moduleExp
  ? null
  : measureRate(
      (count) => {
        let s = 0;
        for (let c = 0; c < count; c++) s += moduleExp();
        sink += s;
      },
      { seconds: input.seconds, repetitions: input.repetitions },
    );
if (timeExp && !(sink > 0)) throw new Error('tsStepsProbe: exp sum not positive');
process.stdout.write(
  JSON.stringify({ rate, finalWeights, kernel: stepKernelChoice(network, logistic, data.n), expRate, moduleExpRate, expCalls: args.length }),
);
