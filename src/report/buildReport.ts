import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { claims, type Claim } from '../claims/registry.js';
import { readFigureIndex } from '../figures/figureIndex.js';
import { silentProgress, type Progress } from '../progress/progressBar.js';
import { renderSvg } from '../plots/renderSvg.js';
import { replayCase } from './replayCase.js';
import { parseSpec } from '../spec/spec.js';
import { globalSeed } from '../verify/seed.js';
import { loadCounterexamples, type StoredCounterexample } from '../verify/counterexampleStore.js';
import { parsePowerFile } from '../verify/power.js';
import { claimMetrics, claimRegime, looseBounds, twinsOf, worstTightness, type LooseBound } from './claimMeasures.js';
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
  /** the claim × fault matrix `dlncheck power` wrote (default <outDir>/power.json); a missing file means "not measured" */
  readonly powerJson?: string;
}

const DEFAULT_MAX_REPLAY = 200_000;

/** Trains a stored case's spec and plots the run (replayCase), within the report's step cap. */
async function viewCounterexample(c: Claim, s: StoredCounterexample, maxSteps: number): Promise<CounterexampleView> {
  const base = { file: s.file, case: s.case, expected: isExpected(c, s) };
  // a case that is not a training run (e.g. a point w of JT.Lem4) is shown as its counterexample value, not replayed
  if (s.case.spec === undefined) return { ...base, run: null, error: null, plots: [] };
  try {
    const setup = parseSpec(s.case.spec);
    if (setup.spec.steps > maxSteps)
      return { ...base, run: null, error: `not replayed: spec.steps=${setup.spec.steps} exceeds the report's cap ${maxSteps}`, plots: [] };
    const { result, plots: specs, seconds } = replayCase(c.id, setup, s.case.label);
    const plots: InlinePlot[] = [];
    for (const p of specs) plots.push({ name: p.name, svg: await renderSvg(p.spec) });
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
  return readFigureIndex(figuresDir).map((e) => ({
    id: e.id,
    title: e.title,
    caption: e.caption,
    seconds: e.seconds,
    files: e.files.map((f) => relative(outDir, join(figuresDir, f))),
  }));
}

/** Reads power.json when it exists; a malformed one is an error naming the file and field (parsePowerFile). */
function readPower(file: string): ReportModel['power'] {
  if (!existsSync(file)) return null;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new SyntaxError(`${file}: not valid JSON (${(e as Error).message}); regenerate it with dlncheck power --out ${file}`);
  }
  return { file, ...parsePowerFile(raw, file) };
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
  const power = readPower(o.powerJson ?? join(o.outDir, 'power.json'));
  const rows: ClaimRow[] = [];
  const loose: LooseBound[] = [];
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
    // skipped tests recorded nothing; a failed one may have recorded its regime before failing, and is shown as failed
    const regimeResult = claimRegime(c, ran);
    const tightness = worstTightness(regimeResult);
    const twins = twinsOf(ran);
    const powerCells = power?.rows.find((r) => r.claimId === c.id)?.cells ?? null;
    loose.push(...looseBounds(c.id, tightness));
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
      regimeResult,
      tightness,
      twins,
      power: powerCells,
      metrics: claimMetrics(regimeResult, tightness, twins, powerCells),
    });
  }
  progress.finish();
  return {
    generatedAt: new Date().toISOString(),
    seed,
    vitest: vitest && {
      file: vitest.file,
      startTime: vitest.startTime,
      success: vitest.success,
      claimTests: vitest.tests.length,
      otherTests: vitest.otherTests,
    },
    rows,
    loose: loose.sort((a, b) => a.ratio - b.ratio),
    power,
    figures: readFigures(o.figuresDir ?? join(o.outDir, 'figures'), o.outDir),
  };
}
