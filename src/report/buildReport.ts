import { join, relative } from 'node:path';
import { claims, type Claim } from '../claims/registry.js';
import { checkpointSteps } from '../figures/checkpointSteps.js';
import { readFigureIndex } from '../figures/figureIndex.js';
import { silentProgress, type Progress } from '../figures/progressBar.js';
import { networkFromArrays } from '../network/network.js';
import { decisionBoundaryPlot } from '../plots/decisionBoundaryPlot.js';
import { networkBoundaries, planePoints } from '../plots/networkBoundaries.js';
import { renderSvg } from '../plots/renderSvg.js';
import { trajectoryPlots } from '../plots/trajectoryPlots.js';
import { parseSpec } from '../spec/spec.js';
import { runSpec } from '../spec/runSpec.js';
import { globalSeed } from '../verify/seed.js';
import { loadCounterexamples, type StoredCounterexample } from '../verify/counterexampleStore.js';
import type { ClaimRow, CounterexampleView, FigureView, InlinePlot, ReportModel, TestView } from './reportModel.js';
import { claimVerdict, isExpected } from './verdict.js';
import { readVitestRun, type ClaimTest } from './vitestResults.js';

export interface BuildReportOptions {
  /**
   * vitest's JSON reporter output; a missing file means "no test results".
   * Several files are the shards of one run (one per `--shard=i/N`), merged
   * into the report the unsharded run gives (see readVitestRun).
   */
  readonly vitestJson: string | readonly string[];
  /** fixtures/counterexamples */
  readonly counterexamplesDir: string;
  /** the report directory (figure links are relative to it) */
  readonly outDir: string;
  /** where `dlncheck reproduce` wrote figures and their index.json (default <outDir>/figures) */
  readonly figuresDir?: string;
  readonly progress?: Progress;
  /** stored specs with more steps are listed but not replayed (default 200 000) */
  readonly maxReplaySteps?: number;
}

const DEFAULT_MAX_REPLAY = 200_000;

/** Trains a stored case's spec (adding geometric checkpoints when it has none) and plots the run. */
async function viewCounterexample(c: Claim, s: StoredCounterexample, maxSteps: number): Promise<CounterexampleView> {
  const base = { file: s.file, case: s.case, expected: isExpected(c, s) };
  // a case that is not a training run (e.g. a point w of JT.Lem4) is shown as its counterexample value, not replayed
  if (s.case.spec === undefined) return { ...base, run: null, error: null, plots: [] };
  try {
    const setup = parseSpec(s.case.spec);
    if (setup.spec.steps > maxSteps)
      return { ...base, run: null, error: `not replayed: spec.steps=${setup.spec.steps} exceeds the report's cap ${maxSteps}`, plots: [] };
    const checkpoints = setup.spec.checkpoints.length > 0 ? setup.spec.checkpoints : checkpointSteps(setup.spec.steps);
    const start = performance.now();
    const result = runSpec({ ...setup, spec: { ...setup.spec, checkpoints } });
    const seconds = (performance.now() - start) / 1000;
    const plots: InlinePlot[] = [];
    for (const p of trajectoryPlots([{ label: s.case.label, checkpoints: result.checkpoints }])) plots.push({ name: p.name, svg: await renderSvg(p.spec) });
    const { data } = setup;
    if (data.task === 'classification' && data.d === 2 && setup.network.dims[setup.network.dims.length - 1] === 1) {
      const trained = networkFromArrays(result.weights, setup.network.activation);
      plots.unshift({
        name: 'data',
        svg: await renderSvg(
          decisionBoundaryPlot({
            title: `${c.id}: data and decision boundaries after ${result.diverged ? result.diverged.step : setup.spec.steps} steps`,
            subtitle: result.maxMargin ? undefined : 'not linearly separable through the origin: no max-margin direction',
            points: planePoints(data),
            boundaries: networkBoundaries(trained, result.maxMargin),
            highlight: result.maxMargin?.supportVectors,
          }),
        ),
      });
    }
    const last = result.checkpoints[result.checkpoints.length - 1];
    return { ...base, run: { steps: setup.spec.steps, finalRisk: last ? last.risk : null, diverged: result.diverged, seconds }, error: null, plots };
  } catch (e) {
    return { ...base, run: null, error: (e as Error).message, plots: [] };
  }
}

function testView(t: ClaimTest): TestView {
  return {
    title: t.title,
    file: t.file,
    status: t.status,
    durationMs: t.durationMs,
    expectsCounterexample: t.expectsCounterexample,
    failure: t.failureMessages.length > 0 ? t.failureMessages.join('\n\n') : null,
  };
}

function sumOrNull(values: readonly (number | null | undefined)[]): number | null {
  const xs = values.filter((v): v is number => typeof v === 'number');
  return xs.length === 0 ? null : xs.reduce((a, b) => a + b, 0);
}

function readFigures(figuresDir: string, outDir: string): FigureView[] {
  return readFigureIndex(figuresDir).map((e) => ({ id: e.id, title: e.title, caption: e.caption, seconds: e.seconds, files: e.files.map((f) => relative(outDir, join(figuresDir, f))) }));
}

/**
 * The report model: one row per registry claim, its verdict from vitest's JSON
 * output and the stored counterexamples (each replayed with runSpec and
 * plotted), plus the figures `dlncheck reproduce` left behind.
 */
export async function buildReport(o: BuildReportOptions): Promise<ReportModel> {
  const ids = claims.map((c) => c.id);
  const vitest = readVitestRun(o.vitestJson, ids);
  const stored = loadCounterexamples(o.counterexamplesDir);
  const progress = (o.progress ?? silentProgress).task('report: replaying counterexamples', stored.length);
  const seed = globalSeed();
  const rows: ClaimRow[] = [];
  let replayed = 0;
  for (const c of claims) {
    const tests = (vitest?.tests ?? []).filter((t) => t.claimId === c.id);
    const cases = stored.filter((s) => s.case.claimId === c.id);
    const counterexamples: CounterexampleView[] = [];
    for (const s of cases) {
      counterexamples.push(await viewCounterexample(c, s, o.maxReplaySteps ?? DEFAULT_MAX_REPLAY));
      progress.update(++replayed);
    }
    const ran = tests.filter((t) => t.status === 'passed' || t.status === 'failed');
    const distribution: Record<string, number> = {};
    for (const t of ran) for (const [k, v] of Object.entries(t.meta?.distribution ?? {})) distribution[k] = (distribution[k] ?? 0) + v;
    const seeds = [...new Set(ran.map((t) => t.meta?.seed).filter((s): s is number => s !== undefined))];
    rows.push({
      id: c.id,
      paper: c.paper,
      statement: c.statement,
      checks: c.checks,
      hypotheses: c.hypotheses,
      property: c.property,
      ablations: c.ablations,
      verdict: claimVerdict(c, tests, cases),
      runs: sumOrNull(ran.map((t) => t.meta?.runs)),
      seed: seeds.length > 0 ? seeds[0] : ran.length > 0 ? seed : null,
      timeMs: sumOrNull(ran.map((t) => t.durationMs)),
      distribution: Object.keys(distribution).length > 0 ? distribution : null,
      tests: tests.map(testView),
      counterexamples,
    });
  }
  progress.finish();
  return {
    generatedAt: new Date().toISOString(),
    seed,
    vitest: vitest && { file: vitest.file, startTime: vitest.startTime, success: vitest.success, claimTests: vitest.tests.length, otherTests: vitest.otherTests },
    rows,
    figures: readFigures(o.figuresDir ?? join(o.outDir, 'figures'), o.outDir),
  };
}
