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

describe('buildReport: regime, tightness, twins and the power matrix', () => {
  /** vitest JSON with a JT.Thm1-risk main test that ran a RegimeTracker, its twin, and a JT.Lem5 test without a tracker. */
  function withMeasures(power?: unknown): { vitestJson: string; counterexamplesDir: string; outDir: string } {
    const inputs = withCases([]);
    const regime = {
      regime: 'R < ℓ(0)/n',
      runs: 20,
      reached: 18,
      share: 0.9,
      minShare: 0.8,
      closest: { name: 'final risk', median: 0.01, best: 0.002 },
      tightness: { 'descent-2nd-order': 0.6, beta: 0.004 },
    };
    const assertion = (title: string, meta: object, status = 'passed') => ({ title, fullName: title, status, duration: 5, failureMessages: [], meta });
    writeFileSync(
      inputs.vitestJson,
      JSON.stringify({
        testResults: [
          {
            name: 'properties/jt/thm1-risk.property.test.ts',
            assertionResults: [
              assertion('JT.Thm1-risk descent', { dlncheck: { runs: 20, seed: 5 }, dlncheckRegime: regime }),
              assertion('JT.Thm1-risk twin: G_1 × 1.01', {
                dlncheck: {
                  runs: 10,
                  expectsCounterexample: true,
                  caughtBy: { check: 'descent-2nd-order', ratio: 2.5, expected: ['descent-2nd-order'], minRatio: 2 },
                },
              }),
              assertion('JT.Thm1-risk skipped one', { dlncheckRegime: { ...regime, share: 0 } }, 'skipped'),
              assertion('JT.Lem5 bound', { dlncheck: { runs: 7 } }),
            ],
          },
        ],
      }),
    );
    if (power !== undefined) {
      mkdirSync(inputs.outDir, { recursive: true });
      writeFileSync(join(inputs.outDir, 'power.json'), typeof power === 'string' ? power : JSON.stringify(power));
    }
    return inputs;
  }

  test('what the tests recorded reaches the rows; a bound loose by > 10× is listed; no power.json: no matrix', async () => {
    const model = await buildReport(withMeasures());
    const risk = model.rows.find((r) => r.id === 'JT.Thm1-risk')!;
    // the skipped test recorded nothing that counts
    expect(risk.regimeResult?.measured.map((m) => [m.test, m.summary.share])).toEqual([['JT.Thm1-risk descent', 0.9]]);
    expect(risk.tightness).toEqual({ 'descent-2nd-order': 0.6, beta: 0.004 });
    expect(risk.twins.map((t) => [t.test, t.caughtBy.check, t.caughtBy.ratio])).toEqual([['JT.Thm1-risk twin: G_1 × 1.01', 'descent-2nd-order', 2.5]]);
    expect(risk.metrics).toMatchObject({ regimeShare: 0.9, 'tightnessRatio:beta': 0.004, 'twinRatio:descent-2nd-order': 2.5 });
    expect(risk.power).toBeNull();
    expect(model.loose).toEqual([{ claimId: 'JT.Thm1-risk', check: 'beta', ratio: 0.004 }]);
    // JT.Lem5 ran, without a tracker: its regime is "not measured", with no numbers
    const lem5 = model.rows.find((r) => r.id === 'JT.Lem5')!;
    expect(lem5.regimeResult?.measured).toEqual([]);
    expect(lem5.tightness).toEqual({});
    expect(model.power).toBeNull();
  });

  test('power.json in the report directory becomes the matrix and each claim its row; a malformed one is named', async () => {
    const power = {
      generatedAt: '2026-12-04T15:00:00.000Z',
      profile: 'default',
      faults: ['scale:1:1.01', 'frozen'],
      rows: [{ claimId: 'JT.Thm1-risk', tests: 1, clean: 'passes', cells: { 'scale:1:1.01': 'detected', frozen: 'missed' } }],
    };
    const inputs = withMeasures(power);
    const model = await buildReport(inputs);
    expect(model.power).toEqual({ file: join(inputs.outDir, 'power.json'), ...power });
    const risk = model.rows.find((r) => r.id === 'JT.Thm1-risk')!;
    expect(risk.power).toEqual({ 'scale:1:1.01': 'detected', frozen: 'missed' });
    expect(risk.metrics).toMatchObject({ power: 0.5, 'power:scale:1:1.01': 1, 'power:frozen': 0 });
    expect(model.rows.find((r) => r.id === 'JT.Lem5')!.power).toBeNull();
    await expect(buildReport(withMeasures('{'))).rejects.toThrow(/power\.json: not valid JSON .*; regenerate it with dlncheck power --out /);
    await expect(buildReport(withMeasures({ faults: [], rows: [{ claimId: 'X', tests: 1, clean: 'maybe' }] }))).rejects.toThrow(
      'power.json: rows[0].clean="maybe" must be one of passes, fails, no test',
    );
  });
});
