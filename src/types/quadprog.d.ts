// quadprog (a port of the Fortran/R solver of Goldfarb & Idnani) ships no types; this declares the part
// src/maxMargin uses. It is a CommonJS module, hence `export =`.
//
// Every array is 1-based as in the Fortran original: index 0 is unused (leave it empty), entries run 1..n.
// The problem solved is  min −dvecᵀb + ½ bᵀ Dmat b  subject to  Amatᵀ b ≥ bvec,
// the first `meq` constraints being equalities. Amat is n × q: column i (Amat[1..n][i]) is constraint i.
// The solver overwrites Dmat, dvec and bvec (and Amat for equality constraints): pass fresh arrays.
declare module 'quadprog' {
  namespace quadprog {
    /** Returned when the arguments were rejected before solving (shapes, meq); only `message` is set. */
    interface QPRejected {
      message: string;
      solution?: undefined;
    }

    /**
     * Returned after the solver ran. `message` is '' on success and
     * 'constraints are inconsistent, no solution!' (infeasible) or
     * 'matrix D in quadratic function is not positive definite!' otherwise.
     */
    interface QPSolved {
      message: string;
      /** b at the solution, entries 1..n. */
      solution: number[];
      /** value[1] is the objective at the solution. */
      value: number[];
      /** Lagrange multipliers of the q constraints, entries 1..q (0 for inactive ones). */
      Lagrangian: number[];
      /** Entries 1..nact are the (1-based) indices of the active constraints; the rest are 0. */
      iact: number[];
      /** iterations[1]: iterations done; iterations[2]: constraints dropped from the active set. */
      iterations: number[];
      /** The unconstrained minimizer D⁻¹d (it is the overwritten dvec). */
      unconstrained_solution: number[];
    }

    type QPResult = QPSolved | QPRejected;

    /**
     * @param factorized  [unused, flag]: flag 1 means Dmat holds R⁻¹ with D = RᵀR instead of D. The solver
     *   also writes its error code into this array, so never share it between calls.
     */
    function solveQP(Dmat: number[][], dvec: number[], Amat: number[][], bvec?: number[], meq?: number, factorized?: number[]): QPResult;
  }
  export = quadprog;
}
