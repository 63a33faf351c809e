import type { Claim } from '../claims/registry.js';
import type { PowerCell, PowerFile } from '../verify/power.js';
import type { ClaimRegime, LooseBound, TwinView } from './claimMeasures.js';
import type { CounterexampleCase } from '../verify/counterexampleStore.js';
import type { Verdict } from './verdict.js';
import type { TestStatus } from './vitestResults.js';

export interface InlinePlot {
  readonly name: string;
  readonly svg: string;
}

/** A stored counterexample as the report shows it: the case, its replayed run and its plots. */
export interface CounterexampleView {
  readonly file: string;
  readonly case: CounterexampleCase;
  readonly expected: boolean;
  readonly run: null | {
    readonly steps: number;
    readonly finalRisk: number | null;
    readonly diverged: null | { readonly step: number; readonly reason: string };
    readonly seconds: number;
  };
  /** why the case could not be trained or plotted, if so */
  readonly error: string | null;
  readonly plots: readonly InlinePlot[];
}

export interface TestView {
  readonly title: string;
  readonly file: string;
  readonly status: TestStatus;
  readonly durationMs: number | null;
  readonly expectsCounterexample: boolean;
  readonly failure: string | null;
}

/** One row per claim of the registry: the claim as the registry holds it, and what the run found. */
export interface ClaimRow extends Claim {
  readonly verdict: Verdict;
  /** fast-check runs summed over the claim's tests (from their meta), null when none recorded */
  readonly runs: number | null;
  readonly seed: number | null;
  /** summed test duration */
  readonly timeMs: number | null;
  /** generated-case counts by label, summed over the claim's tests */
  readonly distribution: Readonly<Record<string, number>> | null;
  readonly tests: readonly TestView[];
  readonly counterexamples: readonly CounterexampleView[];
  /** the regime stated in the registry and measured by the tests' RegimeTrackers; null: the claim has none (EXACT/CEX) */
  readonly regimeResult: ClaimRegime | null;
  /** worst observed/bound per named inequality (1 = binding), over the claim's measured tests */
  readonly tightness: Readonly<Record<string, number>>;
  /** the twins that recorded which check caught their fault */
  readonly twins: readonly TwinView[];
  /** the claim's row of the power matrix (reports/power.json), null when there is none or it does not list the claim */
  readonly power: Readonly<Record<string, PowerCell>> | null;
  /** numbers `report --compare` compares with a base run (claimMetrics) */
  readonly metrics: Readonly<Record<string, number>>;
}

export interface FigureView {
  readonly id: string;
  readonly title: string;
  readonly caption: string;
  readonly seconds: number;
  /** relative to the report directory */
  readonly files: readonly string[];
}

export interface ReportModel {
  readonly generatedAt: string;
  /** the suite seed in force when the report was built (DLNCHECK_SEED or the default) */
  readonly seed: number;
  readonly vitest: null | {
    readonly file: string;
    readonly startTime: number | null;
    readonly success: boolean | null;
    readonly claimTests: number;
    readonly otherTests: number;
  };
  readonly rows: readonly ClaimRow[];
  /** bounds whose worst observed/bound stayed below LOOSE_RATIO, loosest first */
  readonly loose: readonly LooseBound[];
  /** the claim × fault matrix `dlncheck power` wrote, when the report directory has one */
  readonly power: null | (PowerFile & { readonly file: string });
  readonly figures: readonly FigureView[];
}
