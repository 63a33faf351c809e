/**
 * Child process of steps.bench.ts: times gradientDescent on one size in a
 * fresh process and prints { rate, finalWeights } as JSON. One size per
 * process, as one `dlncheck` run would be, so V8 optimises for that size only.
 * Usage: node --import tsx bench/tsStepsProbe.ts <input.json> <size index>
 */
import { readFileSync } from 'node:fs';
import { datasetFromArrays } from '../src/data/dataset.js';
import { logistic } from '../src/losses/logistic.js';
import { linear } from '../src/network/activation.js';
import { networkFromArrays, weightsToArrays } from '../src/network/network.js';
import { gradientDescent } from '../src/trainer/gradientDescent.js';
import { measureRate } from './measureRate.js';

interface ProbeInput {
  seconds: number;
  repetitions: number;
  verifySteps: number;
  sizes: { x: number[][]; y: number[]; weights: number[][][]; eta: number }[];
}

const [inputPath, sizeArg] = process.argv.slice(2);
if (!inputPath || !sizeArg) throw new RangeError(`tsStepsProbe: argv=${JSON.stringify(process.argv.slice(2))}; expected <input.json> <size index>`);
const input = JSON.parse(readFileSync(inputPath, 'utf8')) as ProbeInput;
const size = input.sizes[Number(sizeArg)];
const data = datasetFromArrays(size.x, size.y);
const network = networkFromArrays(size.weights, linear);
const train = (steps: number) => gradientDescent({ network, data, loss: logistic, schedule: { kind: 'constant', eta: size.eta }, steps });

const finalWeights = weightsToArrays(train(input.verifySteps).network);
const rate = measureRate((count) => void train(count), { seconds: input.seconds, repetitions: input.repetitions });
process.stdout.write(JSON.stringify({ rate, finalWeights }));
