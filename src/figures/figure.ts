import type { Progress } from '../progress/progressBar.js';

/** One SVG of a figure. `name` is file-name safe and unique within the figure. */
export interface Panel {
  readonly name: string;
  readonly svg: string;
}

export interface FigureOutput {
  readonly panels: readonly Panel[];
  /** the settings, every open choice made explicit, and what the run showed */
  readonly caption: string;
}

export interface FigureContext {
  /** base seed; each run inside the figure derives its own from it by name */
  readonly seed: number;
  readonly progress: Progress;
  /**
   * budget: every step count of the figure is multiplied by it (at least 1
   * step), and the caption says so; default 1, the full figure (see budget.ts)
   */
  readonly scale?: number;
}

/** A reproduction of a figure or remark listed in docs/claims.md (DHL.Fig1/Fig2, RNBU.S6, SR). */
export interface FigureDefinition {
  /** the claim ID of docs/claims.md, e.g. "SR.R4.2" */
  readonly id: string;
  /** other names accepted by `dlncheck reproduce`, e.g. "SR.Fig1" */
  readonly aliases: readonly string[];
  readonly title: string;
  run(ctx: FigureContext): Promise<FigureOutput>;
}

/** The default seed of figure runs (the suite's seed convention: fixed, overridable with --seed). */
export const FIGURE_SEED = 20190401;
