import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { renderSvg } from '../plots/renderSvg.js';
import { riskPlot } from '../plots/trajectoryPlots.js';
import { buildReport } from './buildReport.js';
import type { CounterexampleCase } from '../verify/counterexampleStore.js';
import { writeReport } from './htmlReport.js';
import type { ReportModel } from './reportModel.js';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const inCI = !!process.env.CI;
const present = existsSync(CHROMIUM);
// Locally a missing browser skips (with this message); in CI it must fail, so the suite never passes without the check.
const skip = !present && !inCI;
if (skip)
  console.warn(`src/report/browser.test.ts skipped: ${CHROMIUM} not found (apt-get install -y chromium); with CI set, a missing browser fails instead.`);

/** A small but complete input: passing, failing and ablation tests, and two stored counterexamples to replay and plot. */
function writeInputs(dir: string): { vitestJson: string; counterexamplesDir: string; outDir: string } {
  const vitestJson = join(dir, 'vitest.json');
  const assertion = (title: string, status: string, extra: object = {}) => ({
    ancestorTitles: [],
    fullName: title,
    title,
    status,
    duration: 120,
    failureMessages: [],
    meta: {},
    ...extra,
  });
  writeFileSync(
    vitestJson,
    JSON.stringify({
      startTime: Date.UTC(2025, 0, 1),
      success: false,
      testResults: [
        {
          name: 'properties/alignment.property.test.ts',
          assertionResults: [
            assertion('JT.Thm1-risk descent inequality at every A4 step', 'passed', {
              meta: {
                dlncheck: { runs: 50, seed: 42, distribution: { 'L=2': 20, 'L=3': 30 } },
                dlncheckRegime: {
                  regime: 'every margin positive and R < ℓ(0)/n',
                  runs: 50,
                  reached: 45,
                  share: 0.9,
                  minShare: 0.8,
                  closest: { name: 'final risk', median: 0.01, best: 0.001 },
                  tightness: { 'descent-2nd-order': 0.7, beta: 0.02 },
                },
              },
            }),
            assertion('JT.Thm1-risk twin: G_1 × 1.01', 'passed', {
              meta: { dlncheck: { runs: 10, expectsCounterexample: true, caughtBy: { check: 'descent-2nd-order', ratio: 3, observed: 3e-3, bound: 1e-3 } } },
            }),
            assertion('JT.Thm1-risk ablation: non-separable data keeps the risk away from 0', 'passed'),
            assertion('JT.Lem4 ⟨Π⊥w, ∇R(w)⟩ ≥ 0 beyond the threshold', 'failed', { failureMessages: ['JT.Lem4 FAILED\n  seed: 42\n  path: 3:1'] }),
            assertion('JT.A2-necessary the saddle example', 'passed'),
            assertion('a unit test that names no claim', 'passed'),
          ],
        },
      ],
    }),
  );
  const counterexamplesDir = join(dir, 'counterexamples');
  const lem4: CounterexampleCase = {
    claimId: 'JT.Lem4',
    seed: 42,
    path: '3:1',
    label: 'linear net on four points',
    note: 'made up for the browser test',
    spec: {
      data: {
        x: [
          [0.5, 0.25],
          [0.25, 0.5],
          [-0.5, -0.125],
          [-0.25, -0.5],
        ],
        y: [1, 1, -1, -1],
      },
      network: {
        weights: [
          [
            [0.5, 0.25],
            [0.25, -0.5],
          ],
          [[0.5, 0.5]],
        ],
        activation: 'linear',
      },
      loss: 'logistic',
      schedule: { kind: 'constant', eta: 0.5 },
      steps: 200,
    },
  };
  const xor: CounterexampleCase = {
    claimId: 'JT.Thm1-risk',
    seed: 7,
    path: '0',
    label: 'ReLU net on XOR',
    note: 'not separable: the risk stays away from 0',
    ablation: 'separable',
    spec: {
      data: {
        x: [
          [0.5, 0.5],
          [-0.5, -0.5],
          [0.5, -0.5],
          [-0.5, 0.5],
        ],
        y: [1, 1, -1, -1],
      },
      network: {
        weights: [
          [
            [1, 0.5],
            [-0.5, 1],
            [0.25, -1],
          ],
          [[1, -1, 0.5]],
        ],
        activation: 'relu',
      },
      loss: 'logistic',
      schedule: { kind: 'constant', eta: 0.25 },
      steps: 100,
    },
  };
  for (const c of [lem4, xor]) {
    mkdirSync(join(counterexamplesDir, c.claimId), { recursive: true });
    writeFileSync(join(counterexamplesDir, c.claimId, 'case.json'), JSON.stringify(c));
  }
  const outDir = join(dir, 'out');
  mkdirSync(outDir, { recursive: true });
  writeFileSync(
    join(outDir, 'power.json'),
    JSON.stringify({
      faults: ['scale:1:1.01', 'frozen'],
      rows: [
        { claimId: 'JT.Thm1-risk', tests: 1, clean: 'passes', cells: { 'scale:1:1.01': 'detected', frozen: 'missed' } },
        { claimId: 'JT.Lem4', tests: 1, clean: 'fails', cells: { 'scale:1:1.01': 'not wired', frozen: 'not wired' } },
      ],
    }),
  );
  return { vitestJson, counterexamplesDir, outDir };
}

describe.skipIf(skip)('report in headless Chromium', () => {
  let dir = '';
  let model: ReportModel;
  let html = '';

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dlncheck-report-'));
    const inputs = writeInputs(dir);
    // one reproduced figure, as `dlncheck reproduce` would leave it
    const figures = join(inputs.outDir, 'figures');
    mkdirSync(figures, { recursive: true });
    const svg = await renderSvg(
      riskPlot([
        {
          label: 'a',
          checkpoints: [1, 2, 4].map((step) => ({
            step,
            risk: 1 / step,
            minMargin: null,
            frobenius: [1],
            spectral: [1],
            normRatio: [1],
            adjacentAlignment: [],
            productAlignment: null,
            balancednessDrift: [],
            cosineToMaxMargin: null,
          })),
        },
      ]),
    );
    writeFileSync(join(figures, 'X.1-risk.svg'), svg);
    writeFileSync(
      join(figures, 'index.json'),
      JSON.stringify([{ id: 'X.1', title: 'a test figure', caption: 'caption', seed: 1, seconds: 0.1, files: ['X.1-risk.svg'] }]),
    );
    model = await buildReport(inputs);
    html = writeReport(model, inputs.outDir).html;
  }, 60_000);

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('the model has the expected verdicts', () => {
    const verdict = (id: string) => model.rows.find((r) => r.id === id)?.verdict;
    expect(verdict('JT.Thm1-risk')).toBe('verified');
    expect(verdict('JT.Lem4')).toBe('counterexample found');
    expect(verdict('JT.A2-necessary')).toBe('expected counterexample found (ablation)');
    expect(verdict('DHL.MF')).toBe('not run');
    const risk = model.rows.find((r) => r.id === 'JT.Thm1-risk');
    expect(risk?.runs).toBe(60);
    expect(risk?.regimeResult?.measured[0].summary.share).toBe(0.9);
    expect(risk?.twins[0].caughtBy.check).toBe('descent-2nd-order');
    expect(risk?.power).toEqual({ 'scale:1:1.01': 'detected', frozen: 'missed' });
    expect(model.loose).toEqual([{ claimId: 'JT.Thm1-risk', check: 'beta', ratio: 0.02 }]);
    expect(risk?.distribution).toEqual({ 'L=2': 20, 'L=3': 30 });
    expect(model.rows.flatMap((r) => r.counterexamples).every((c) => c.error === null && c.plots.length >= 4)).toBe(true);
  });

  test('every plot renders in Chromium: non-zero box, marks inside, no console errors', async () => {
    if (!present) throw new Error(`${CHROMIUM} is missing; CI must install it (apt-get install -y chromium) before running the tests`);
    const profile = mkdtempSync(join(tmpdir(), 'dlncheck-chromium-'));
    // launchPersistentContext passes --user-data-dir=<profile> itself: a fresh profile per run
    const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: ARGS });
    try {
      const page = context.pages()[0] ?? (await context.newPage());
      const errors: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(pathToFileURL(html).href, { waitUntil: 'load' });
      const svgs = await page.evaluate(() =>
        [...document.querySelectorAll('figure.plot > svg')].map((s) => {
          const box = s.getBoundingClientRect();
          return { width: box.width, height: box.height, paths: s.querySelectorAll('path').length, marks: s.querySelectorAll('g.role-mark').length };
        }),
      );
      // Lem4 case: data + risk, ρ, ‖W‖, alignment, angle, balancedness; XOR case: data + the same but no angle (not separable)
      expect(svgs.length).toBe(13);
      for (const s of svgs) {
        expect(s.width).toBeGreaterThan(0);
        expect(s.height).toBeGreaterThan(0);
        expect(s.paths).toBeGreaterThan(0);
        expect(s.marks).toBeGreaterThan(0);
      }
      const images = await page.evaluate(() => [...document.querySelectorAll('section.figure img')].map((i) => (i as HTMLImageElement).naturalWidth));
      expect(images).toHaveLength(1);
      expect(images[0]).toBeGreaterThan(0);
      const body = (await page.textContent('body')) ?? '';
      expect(body).toContain('counterexample found');
      expect(body).toContain('45/50 (90 %; ≥ 80 %)');
      expect(body).toContain('caught by descent-2nd-order, observed/bound 3.00');
      // the loose-bounds and power tables render with one row per entry
      expect(await page.locator('table.loose-bounds tbody tr').count()).toBe(1);
      expect(await page.locator('table.power-matrix tbody tr').count()).toBe(2);
      expect(await page.locator('table.power-matrix td.cell-ok').count()).toBe(1);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    }
  }, 60_000);
});
