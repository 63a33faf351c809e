import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import type { SpecInput } from '../spec/spec.js';
import type { CounterexampleCase } from '../verify/counterexampleStore.js';
import { buildReport } from './buildReport.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A report directory with these stored cases and no vitest results. */
function withCases(cases: CounterexampleCase[]): { vitestJson: string; counterexamplesDir: string; outDir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'dlncheck-build-'));
  dirs.push(dir);
  const counterexamplesDir = join(dir, 'cex');
  cases.forEach((c, i) => {
    mkdirSync(join(counterexamplesDir, c.claimId), { recursive: true });
    writeFileSync(join(counterexamplesDir, c.claimId, `case-${i}.json`), JSON.stringify(c));
  });
  return { vitestJson: join(dir, 'vitest.json'), counterexamplesDir, outDir: join(dir, 'out') };
}

const regression: SpecInput = {
  data: {
    x: [
      [1, 0],
      [0, 1],
    ],
    y: [[1], [2]],
  },
  network: { weights: [[[0.5, 0.1]]] },
  loss: 'squared',
  schedule: { kind: 'constant', eta: 0.5 },
  steps: 20,
  checkpoints: [0, 20],
};

describe('buildReport: stored counterexamples are replayed, or say why not', () => {
  test('a regression case is replayed at its own checkpoints, with trajectory plots but no data plot', async () => {
    const model = await buildReport(withCases([{ claimId: 'DHL.Thm2.1', label: 'property', seed: 1, path: '0', spec: regression }]));
    const row = model.rows.find((r) => r.id === 'DHL.Thm2.1')!;
    const [cx] = row.counterexamples;
    expect(cx.error).toBeNull();
    expect(cx.run?.steps).toBe(20);
    expect(cx.run?.finalRisk).toBeGreaterThanOrEqual(0);
    expect(cx.plots.length).toBeGreaterThan(0);
    expect(cx.plots.map((p) => p.name)).not.toContain('data');
    expect(row.verdict).toBe('counterexample found'); // not an ablation: it refutes the claim as stated
    expect(model.vitest).toBeNull();
  });

  test('a 2-D classification case without checkpoints gets geometric ones and a data plot; divergence is shown', async () => {
    const spec: SpecInput = {
      data: {
        x: [
          [1, 0],
          [0, 1],
        ],
        y: [1, -1],
      },
      network: {
        weights: [
          [
            [1, 0],
            [0, 1],
          ],
          [[-3, 3]],
        ],
      },
      loss: 'exponential',
      schedule: { kind: 'constant', eta: 100 },
      steps: 50,
    };
    const model = await buildReport(withCases([{ claimId: 'JT.Thm1-risk', label: 'ablation drop=JT.A4', seed: 2, path: '1', spec, ablation: 'JT.A4' }]));
    const [cx] = model.rows.find((r) => r.id === 'JT.Thm1-risk')!.counterexamples;
    expect(cx.expected).toBe(true);
    expect(cx.error).toBeNull();
    expect(cx.run?.diverged).not.toBeNull();
    expect(cx.plots[0].name).toBe('data');
    expect(cx.plots[0].svg).toContain(`data and decision boundaries after ${cx.run!.diverged!.step} steps`);
  });

  test('a case longer than the replay cap is listed, not trained', async () => {
    const model = await buildReport({
      ...withCases([{ claimId: 'DHL.Thm2.1', label: 'property', seed: 1, path: '0', spec: { ...regression, steps: 500, checkpoints: [] } }]),
      maxReplaySteps: 100,
    });
    const [cx] = model.rows.find((r) => r.id === 'DHL.Thm2.1')!.counterexamples;
    expect(cx.run).toBeNull();
    expect(cx.error).toBe("not replayed: spec.steps=500 exceeds the report's cap 100");
  });

  test('a stored case whose spec does not parse stops the report, naming the file and the field', async () => {
    const spec: SpecInput = {
      data: { x: [[1, 0]], y: [1] },
      network: { weights: [[[1, 0]]] },
      loss: { expression: 'unknownFunction(u)' },
      schedule: { kind: 'constant', eta: 0.1 },
      steps: 2,
    };
    await expect(buildReport(withCases([{ claimId: 'JT.Lem5', label: 'property', seed: 1, path: '0', spec }]))).rejects.toThrow(
      /JT\.Lem5[\\/]case-0\.json: spec\.loss\.expression="unknownFunction\(u\)" has no symbolic derivative in mathjs/,
    );
  });
});
