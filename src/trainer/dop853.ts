import { A, B, BHH, C, ER } from './dop853Tableau.js';

/** y' = f(t, y): writes f(t, y) into dydt; must not keep y or dydt. */
/** Tenfold step reductions in a row that a non-finite trial step may cause before the step is reported as nonFinite. */
const NONFINITE_RETRIES = 30;

export type Rhs = (t: number, y: Float64Array, dydt: Float64Array) => void;

export interface ToleranceOptions {
  /** relative tolerance: the scale of component i is atol + rtol·max(|y_i|, |ŷ_i|) */
  readonly rtol: number;
  readonly atol: number;
}

export interface Dop853Options extends ToleranceOptions {
  /** largest step allowed (default ∞) */
  readonly maxStep?: number;
}

export type SegmentStatus =
  /** reached tEnd */
  | 'done'
  /** spent the step budget (accepted + rejected steps) before tEnd */
  | 'maxSteps'
  /** f is not finite at the current (accepted) point, or the state overflows whatever the step: y holds that point, t its time */
  | 'nonFinite'
  /** the step size fell below the resolution of t (0.1|h| ≤ |t|·u), Hairer's IDID = −3 */
  | 'stepTooSmall';

/**
 * What an observer (Dop853.observe) sees after each accepted step, in buffers the integrator owns and overwrites at
 * the next step (copy what must be kept).
 */
export interface AcceptedStep {
  /** the step's end time (y is the state there) and its length */
  readonly t: number;
  readonly h: number;
  readonly y: Float64Array;
  /**
   * per component, the embedded estimate of the step's local error that the controller accepted, as a vector:
   * h·e5_i·√(err5/(err5 + 0.01·err3)) (Hairer's combined estimator; its scaled RMS norm is the step's err ≤ 1)
   */
  readonly localError: Float64Array;
  /**
   * √(err5/(err5 + 0.01·err3)) ≤ 1, the factor between localError and the 5th-order embedded error h·e5 (localError
   * divided by it is h·e5, the local error of the embedded 5th-order solution)
   */
  readonly errorShare: number;
  /** per component, h·Σ_j |b_j|·|k_j,i|: what the rounding of the increment h·Σ b_j k_j is relative to */
  readonly increment: Float64Array;
  /** the state y₀ at the step's start (time t − h) */
  readonly start: Float64Array;
  /**
   * the stage derivatives k_1 … k_12 of the step (k_j = f(Y_j), Y_j the computed stage points y₀ + Σ_l fl(h·a_jl)·k_l),
   * stage j (0-based) at [j·n, (j + 1)·n); with A and B of dop853Tableau.ts, y = fl(y₀ + h·Σ_j b_j k_j)
   */
  readonly stages: Float64Array;
}

/** An integrator that goes from its current (t, y) to exactly tEnd, keeping the last accepted point on failure. */
export interface SegmentIntegrator {
  readonly n: number;
  /** time of y: the last accepted point */
  readonly t: number;
  readonly y: Float64Array;
  readonly evaluations: number;
  readonly accepted: number;
  readonly rejected: number;
  reset(t0: number, y0: ArrayLike<number>): void;
  advance(f: Rhs, tEnd: number, opts: ToleranceOptions, maxSteps: number): SegmentStatus;
}

const UROUND = 2.220446049250313e-16;
// Hairer's DOP853 defaults: safety factor, bounds on the step ratio (1/FAC1 ≥ h_new/h ≥ 1/FAC2), β = 0 (no PI term)
const SAFE = 0.9;
const FAC1 = 0.333;
const FAC2 = 6;
const EXPO = 1 / 8;

/**
 * Dormand–Prince 8(5,3) (Hairer's DOP853) without dense output: each call to
 * advance() integrates from the current (t, y) to exactly tEnd, the last step
 * shortened to land on it, so checkpoint values are integrator end points.
 *
 * Error control as in Hairer's code: with sc_i = atol + rtol·max(|y_i|, |ŷ_i|),
 * e5 = h·Σ er_j k_j (5th-order estimator) and e3 = h·(Σ b_j k_j − Σ bhh_j k_j)
 * (3rd order), err = ‖e5/sc‖² / sqrt(N·(‖e5/sc‖² + 0.01‖e3/sc‖²)), an estimate
 * of the 8th-order step's error in the RMS norm scaled by sc; a step is accepted
 * when err ≤ 1 and the next is h·clamp(0.9·err^{−1/8}, 1/6, 1/0.333).
 *
 * The stages live in one preallocated Float64Array; advance() allocates nothing.
 * The state carries over between calls (the last derivative is reused, first
 * same as last, and the step size proposal continues).
 */
export class Dop853 implements SegmentIntegrator {
  readonly n: number;
  /** time of y */
  t = 0;
  /** the current accepted state */
  readonly y: Float64Array;
  /** right-hand-side evaluations, accepted and rejected steps so far */
  evaluations = 0;
  accepted = 0;
  rejected = 0;
  /** the error estimate (err above) of the last accepted step */
  lastError = 0;
  private readonly k: Float64Array;
  /** views of k, one per stage (made once: subarray allocates) */
  private readonly ks: Float64Array[];
  private readonly stage: Float64Array;
  private readonly ynew: Float64Array;
  private fsal = false;
  private hNext = 0;
  /** set by observe(): called after each accepted step with the step's local error estimate */
  private observer: ((step: AcceptedStep) => void) | null = null;
  private localError: Float64Array | null = null;
  private increment: Float64Array | null = null;
  /** the accepted step's start (observed runs only) */
  private start: Float64Array | null = null;
  /** √(err5/(err5 + 0.01·err3)) of the last step (observed runs only) */
  private errorShare = 0;

  constructor(n: number) {
    if (!(Number.isInteger(n) && n >= 1)) throw new RangeError(`Dop853: n=${n} must be a positive integer`);
    this.n = n;
    this.y = new Float64Array(n);
    this.k = new Float64Array(12 * n);
    this.ks = Array.from({ length: 12 }, (_, s) => this.k.subarray(s * n, (s + 1) * n));
    this.stage = new Float64Array(n);
    this.ynew = new Float64Array(n);
  }

  /**
   * Calls fn after every accepted step (null: stop observing). Observing only fills three more buffers per step; the
   * steps, the solution and the counts are the same bit for bit.
   */
  observe(fn: ((step: AcceptedStep) => void) | null): void {
    this.observer = fn;
    if (fn && !this.localError) {
      this.localError = new Float64Array(this.n);
      this.increment = new Float64Array(this.n);
      this.start = new Float64Array(this.n);
    }
  }

  /** start a new trajectory at (t0, y0) */
  reset(t0: number, y0: ArrayLike<number>): void {
    if (y0.length !== this.n) throw new RangeError(`Dop853.reset: y0.length=${y0.length} must equal n=${this.n}`);
    this.t = t0;
    for (let i = 0; i < this.n; i++) this.y[i] = y0[i];
    this.fsal = false;
    this.hNext = 0;
  }

  /** integrate to tEnd (> t) with at most maxSteps further steps */
  advance(f: Rhs, tEnd: number, opts: Dop853Options, maxSteps: number): SegmentStatus {
    const { n, y, k, ks, stage, ynew } = this;
    const { rtol, atol } = opts;
    const hmax = opts.maxStep ?? Infinity;
    if (!(tEnd > this.t)) return 'done';
    const k1 = ks[0];
    if (!this.fsal) {
      f(this.t, y, k1);
      this.evaluations++;
      this.fsal = true;
      if (!allFinite(k1)) return 'nonFinite';
    }
    let h = this.hNext > 0 ? this.hNext : this.initialStep(f, tEnd - this.t, opts);
    h = Math.min(h, hmax);
    let reject = false;
    let nonFiniteRetries = 0;
    let steps = 0;
    for (;;) {
      if (steps >= maxSteps) return 'maxSteps';
      const t = this.t;
      // shrinking toward a point past which f is not finite (nonFinite) is not a stiff or singular flow (stepTooSmall)
      if (0.1 * h <= Math.abs(t) * UROUND) return nonFiniteRetries > 0 ? 'nonFinite' : 'stepTooSmall';
      let last = false;
      const proposal = h;
      if (t + 1.01 * h >= tEnd) {
        h = tEnd - t;
        last = true;
      }
      steps++;
      let stageFailed = false;
      // stages 2 … 12
      for (let s = 1; s < 12; s++) {
        const row = A[s];
        stage.set(y);
        for (let r = 0; r < row.length; r++) {
          const a = h * row[r][1];
          const off = row[r][0] * n;
          for (let i = 0; i < n; i++) stage[i] += a * k[off + i];
        }
        f(t + C[s] * h, stage, ks[s]);
        this.evaluations++;
        if (!allFinite(ks[s])) {
          stageFailed = true;
          break;
        }
      }
      // a failed stage leaves the later stages unset: no solution or error estimate to form
      const err = stageFailed ? Number.NaN : this.solutionAndError(h, rtol, atol);
      if (!Number.isFinite(err)) {
        // a stage left the region where f is finite (e.g. exp(−m) overflowing) although f is finite at y: the step
        // was too long, not the flow divergent. Reject it and shrink h tenfold, up to NONFINITE_RETRIES times in a
        // row (h × 1e-30); past that the overflow does not depend on h (the state itself overflows): report it there.
        if (++nonFiniteRetries > NONFINITE_RETRIES) {
          // an overflowing combination of finite stages: report the overflowed state where it happened; a stage that
          // stays non-finite however short the step: f is not finite just past y, which stays the last accepted point
          if (!stageFailed) {
            this.t = t + h;
            y.set(ynew);
          }
          this.fsal = false;
          return 'nonFinite';
        }
        h *= 0.1;
        reject = true;
        if (this.accepted >= 1) this.rejected++;
        continue;
      }
      nonFiniteRetries = 0;
      const fac11 = err ** EXPO;
      const fac = Math.max(1 / FAC2, Math.min(1 / FAC1, fac11 / SAFE));
      let hnew = h / fac;
      if (err <= 1) {
        this.accepted++;
        this.lastError = err;
        if (this.observer && this.start) this.start.set(y);
        y.set(ynew);
        this.t = last ? tEnd : t + h;
        if (this.observer) this.report(h);
        f(this.t, y, k1);
        this.evaluations++;
        // f not finite at an accepted point: the flow itself left the representable range (y holds that point)
        if (!allFinite(k1)) {
          this.fsal = false;
          return 'nonFinite';
        }
        hnew = Math.min(hnew, hmax);
        if (reject) hnew = Math.min(hnew, h);
        reject = false;
        if (last) {
          // the shortened last step says little about the step the flow allows: keep the larger proposal
          this.hNext = Math.min(Math.max(hnew, proposal), hmax);
          return 'done';
        }
      } else {
        hnew = h / Math.min(1 / FAC1, fac11 / SAFE);
        reject = true;
        if (this.accepted >= 1) this.rejected++;
      }
      h = hnew;
    }
  }

  /** hands the accepted step to the observer: the error estimate scaled to a vector, the increment's magnitude × h */
  private report(h: number): void {
    const { n, localError, increment, errorShare, start } = this;
    if (!this.observer || !localError || !increment || !start) return;
    const scale = h * errorShare;
    for (let i = 0; i < n; i++) {
      localError[i] *= scale;
      increment[i] *= Math.abs(h);
    }
    // k_1 is still the step's first stage here: the next step's first stage is evaluated after the report
    this.observer({ t: this.t, h, y: this.y, localError, errorShare, increment, start, stages: this.k });
  }

  /** The 8th-order solution into ynew and the scaled error of the step (Hairer's ERR), from stages k_1 … k_12. */
  private solutionAndError(h: number, rtol: number, atol: number): number {
    const { n, y, k, ynew, localError, increment } = this;
    let err5 = 0;
    let err3 = 0;
    for (let i = 0; i < n; i++) {
      let acc = 0;
      for (let j = 0; j < 12; j++) if (B[j] !== 0) acc += B[j] * k[j * n + i];
      if (increment) {
        let mag = 0;
        for (let j = 0; j < 12; j++) if (B[j] !== 0) mag += Math.abs(B[j] * k[j * n + i]);
        increment[i] = mag;
      }
      ynew[i] = y[i] + h * acc;
      const sc = atol + rtol * Math.max(Math.abs(y[i]), Math.abs(ynew[i]));
      let e3 = acc;
      for (let r = 0; r < BHH.length; r++) e3 -= BHH[r][1] * k[BHH[r][0] * n + i];
      let e5 = 0;
      for (let r = 0; r < ER.length; r++) e5 += ER[r][1] * k[ER[r][0] * n + i];
      err3 += (e3 / sc) ** 2;
      err5 += (e5 / sc) ** 2;
      if (localError) localError[i] = e5;
    }
    let deno = err5 + 0.01 * err3;
    if (deno <= 0) deno = 1;
    if (localError) this.errorShare = Math.sqrt(err5 / deno);
    return (h * err5) / Math.sqrt(n * deno);
  }

  /** Hairer's HINIT: an explicit-Euler probe of the second derivative fixes h so that h^8·max(|f|, |f'|) ≈ 0.01 */
  private initialStep(f: Rhs, span: number, opts: Dop853Options): number {
    const { n, y, stage, ynew } = this;
    const { rtol, atol } = opts;
    const k1 = this.ks[0];
    let dnf = 0;
    let dny = 0;
    for (let i = 0; i < n; i++) {
      const sc = atol + rtol * Math.abs(y[i]);
      dnf += (k1[i] / sc) ** 2;
      dny += (y[i] / sc) ** 2;
    }
    let h = dnf <= 1e-10 || dny <= 1e-10 ? 1e-6 : Math.sqrt(dny / dnf) * 0.01;
    h = Math.min(h, opts.maxStep ?? Infinity, span);
    for (let i = 0; i < n; i++) stage[i] = y[i] + h * k1[i];
    const f2 = ynew; // scratch: overwritten by the first step
    f(this.t + h, stage, f2);
    this.evaluations++;
    let der2 = 0;
    for (let i = 0; i < n; i++) {
      const sc = atol + rtol * Math.abs(y[i]);
      der2 += ((f2[i] - k1[i]) / sc) ** 2;
    }
    der2 = Math.sqrt(der2) / h;
    const der12 = Math.max(Math.abs(der2), Math.sqrt(dnf));
    const h1 = der12 <= 1e-15 ? Math.max(1e-6, Math.abs(h) * 1e-3) : (0.01 / der12) ** EXPO;
    const h0 = Math.min(100 * h, h1, opts.maxStep ?? Infinity, span);
    // derivatives that overflow the norms (|f| ~ 1e308) leave h0 NaN or 0: take a tiny step, whose error will tell
    return h0 > 0 ? h0 : Math.min(1e-6, span);
  }
}

function allFinite(v: Float64Array): boolean {
  for (let i = 0; i < v.length; i++) if (!Number.isFinite(v[i])) return false;
  return true;
}
