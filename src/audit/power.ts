import fc from 'fast-check';
import { architecture } from '../arbitraries/architecture.js';
import { gaussianInit } from '../arbitraries/gaussianInit.js';
import { separableDataset } from '../arbitraries/separableDataset.js';
import { datasetFromArrays } from '../data/dataset.js';
import { linear } from '../network/activation.js';
import { brokenGradient, type GradientFault } from '../trainer/brokenGradient.js';
import { auditText } from './audit.js';
import { swapWeights } from './fixtureRun.js';
import { recordTrajectory } from './recordTrajectory.js';

/**
 * The audit's power: on random cases (separable data, a linear net of depth 2–3 with 1-d output, logistic loss,
 * the JT.A4 step, every step recorded), the share of trajectories on which each check FAILS — with no fault (the
 * false-alarm rate, which must be 0) and with each fault of docs/audit.md planted in the recorded trajectory.
 */
export type PlantedFault = 'none' | 'step 1 % off' | 'dropped gradient' | 'shuffled step';
export const PLANTED_FAULTS: readonly PlantedFault[] = ['none', 'step 1 % off', 'dropped gradient', 'shuffled step'];

export interface PowerRow {
  readonly fault: PlantedFault;
  readonly cases: number;
  /** check → number of cases on which it failed */
  readonly failures: Readonly<Record<string, number>>;
  /** check → number of cases on which it applied (not "not applicable") */
  readonly applied: Readonly<Record<string, number>>;
}

interface PowerCase {
  readonly x: number[][];
  readonly y: number[];
  readonly weights: number[][][];
  /** which layer the fault hits; which recorded step is swapped with the next */
  readonly layer: number;
  readonly swapAt: number;
}

function cases(n: number, seed: number, steps: number): PowerCase[] {
  const arb = separableDataset({ maxSamples: 6, maxDim: 3 }).chain((data) =>
    architecture({ minDepth: 2, maxDepth: 3, maxWidth: 3, minInputDim: data.x[0].length, maxInputDim: data.x[0].length, maxOutputDim: 1 }).chain((arch) =>
      fc.record({
        x: fc.constant(data.x),
        y: fc.constant(data.y as number[]),
        weights: gaussianInit(arch, { scale: 0.7 }),
        layer: fc.integer({ min: 0, max: arch.dims.length - 2 }),
        swapAt: fc.integer({ min: 1, max: steps - 1 }),
      }),
    ),
  );
  return fc.sample(arb, { seed, numRuns: n });
}

function trajectory(c: PowerCase, steps: number, fault?: GradientFault): string {
  return recordTrajectory({
    data: datasetFromArrays(c.x, c.y),
    loss: 'logistic',
    activation: linear,
    weights: c.weights,
    schedule: { kind: 'ji-telgarsky' },
    steps,
    ...(fault ? { gradient: brokenGradient(fault) } : {}),
  });
}

export function measureAuditPower(n: number, seed = 20190401, steps = 64): PowerRow[] {
  const drawn = cases(n, seed, steps);
  return PLANTED_FAULTS.map((fault) => {
    const failures: Record<string, number> = {};
    const applied: Record<string, number> = {};
    for (const c of drawn) {
      const text =
        fault === 'step 1 % off'
          ? trajectory(c, steps, { kind: 'scale', layer: c.layer, factor: 1.01 })
          : fault === 'dropped gradient'
            ? trajectory(c, steps, { kind: 'drop', layer: c.layer })
            : fault === 'shuffled step'
              ? swapWeights(trajectory(c, steps), c.swapAt + 2, c.swapAt + 3) // lines of steps swapAt and swapAt + 1
              : trajectory(c, steps);
      for (const check of auditText(text).checks) {
        if (check.verdict === 'not applicable') continue;
        applied[check.check] = (applied[check.check] ?? 0) + 1;
        failures[check.check] = (failures[check.check] ?? 0) + (check.verdict === 'fail' ? 1 : 0);
      }
    }
    return { fault, cases: drawn.length, failures, applied };
  });
}

/** The power table as Markdown: rows = faults, columns = checks, cells "failed/applied". */
export function powerTable(rows: readonly PowerRow[]): string {
  const checks = [...new Set(rows.flatMap((r) => Object.keys(r.applied)))];
  const head = `| planted fault | ${checks.join(' | ')} |`;
  const sep = `|---|${checks.map(() => '---').join('|')}|`;
  const body = rows.map((r) => `| ${r.fault} | ${checks.map((c) => (r.applied[c] ? `${r.failures[c] ?? 0}/${r.applied[c]}` : '—')).join(' | ')} |`);
  return [head, sep, ...body].join('\n');
}
