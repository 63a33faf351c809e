import { createRequire } from 'node:module';

/**
 * Hairer's ODEX (the `odex` package). It ships its TypeScript source, which
 * does not compile under our strict settings, so it is loaded with require and
 * typed here by the part we use.
 */
export interface OdexSolver {
  absoluteTolerance: number | number[];
  relativeTolerance: number | number[];
  maxSteps: number;
  /** solOut, if given, sees each accepted step's end point (x, y) */
  solve(
    f: (x: number, y: number[]) => number[],
    x: number,
    y0: number[],
    xEnd: number,
    solOut?: (nr: number, xOld: number, x: number, y: number[]) => boolean | void,
  ): { y: number[]; outcome: number; nStep: number; xEnd: number; nEval: number };
}

const odex = createRequire(import.meta.url)('odex') as { Solver: new (n: number) => OdexSolver };

export function createOdexSolver(n: number): OdexSolver {
  return new odex.Solver(n);
}
