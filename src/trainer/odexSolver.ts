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
  solve(f: (x: number, y: number[]) => number[], x: number, y0: number[], xEnd: number): { y: number[]; outcome: number; nStep: number; xEnd: number; nEval: number };
}

const odex = createRequire(import.meta.url)('odex') as { Solver: new (n: number) => OdexSolver };

export function createOdexSolver(n: number): OdexSolver {
  return new odex.Solver(n);
}
