import { createRequire } from 'node:module';
import type { Rhs, SegmentIntegrator, SegmentStatus, ToleranceOptions } from './dop853.js';

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

/**
 * ODEX behind the segment interface of Dop853, kept to compare with (it is
 * no longer the flow's default): past convergence its extrapolation error
 * estimate lets through steps 20–146× worse than the tolerance (issue 16), and
 * properties/flow shows it failing the accuracy bound DOP853 meets. It copies
 * arrays at every call of f, so it is not for the hot path.
 */
export class OdexIntegrator implements SegmentIntegrator {
  readonly n: number;
  t = 0;
  readonly y: Float64Array;
  evaluations = 0;
  accepted = 0;
  rejected = 0;
  private readonly solver: OdexSolver;
  private readonly dydt: Float64Array;
  private readonly yIn: Float64Array;

  constructor(n: number) {
    this.n = n;
    this.y = new Float64Array(n);
    this.dydt = new Float64Array(n);
    this.yIn = new Float64Array(n);
    this.solver = createOdexSolver(n);
  }

  reset(t0: number, y0: ArrayLike<number>): void {
    this.t = t0;
    for (let i = 0; i < this.n; i++) this.y[i] = y0[i];
  }

  advance(f: Rhs, tEnd: number, opts: ToleranceOptions, maxSteps: number): SegmentStatus {
    if (!(tEnd > this.t)) return 'done';
    const { solver, dydt, yIn } = this;
    solver.absoluteTolerance = opts.atol;
    solver.relativeTolerance = opts.rtol;
    solver.maxSteps = maxSteps;
    const rhs = (x: number, y: number[]): number[] => {
      yIn.set(y);
      f(x, yIn, dydt);
      this.evaluations++;
      return Array.from(dydt);
    };
    // solOut sees every accepted point: if f throws, (t, y) is the last of them
    const res = solver.solve(rhs, this.t, Array.from(this.y), tEnd, (_nr, _xOld, x, y) => {
      this.t = x;
      this.y.set(y);
    });
    this.accepted += res.nStep;
    if (res.outcome !== 0) return 'maxSteps';
    this.t = tEnd;
    this.y.set(res.y);
    return this.y.every(Number.isFinite) ? 'done' : 'nonFinite';
  }
}
