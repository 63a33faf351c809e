/**
 * The risk in the log domain, and detectors for the point where the linear-domain risk stops carrying
 * information. With logistic or exponential loss the risk of a separating net falls like e^{−margin}: it reaches
 * the rounding level of a step's change long before it underflows, and underflows (to subnormals, then 0) once
 * the margins pass ~700. A property comparing R(t+1) with R(t) must then report, not pass on zeros.
 */
import { exponential } from '../losses/exponential.js';
import { logistic } from '../losses/logistic.js';
import type { MarginLoss } from '../losses/loss.js';

/** log Σ_i e^{a_i} over the first n entries, shifted by the maximum so nothing overflows; −∞ for no terms or all −∞. */
export function logSumExp(values: ArrayLike<number>, n: number = values.length): number {
  let max = -Infinity;
  for (let i = 0; i < n; i++) if (values[i] > max) max = values[i];
  if (max === -Infinity) return -Infinity;
  if (!Number.isFinite(max)) return max;
  let s = 0;
  for (let i = 0; i < n; i++) s += Math.exp(values[i] - max);
  return max + Math.log(s);
}

/** log R = log((1/n) Σ_i ℓ(m_i)), from loss.logValue (finite where ℓ(m_i) itself underflows). */
export function logRisk(margins: ArrayLike<number>, n: number, loss: MarginLoss): number {
  if (!Number.isInteger(n) || n <= 0 || n > margins.length) throw new RangeError(`logRisk: n=${n} must be an integer in [1, margins.length=${margins.length}]`);
  const logs = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = loss.logValue(margins[i]);
    if (Number.isNaN(v)) throw new RangeError(`logRisk: loss=${loss.name} gives logValue(${margins[i]})=NaN at sample ${i}`);
    logs[i] = v;
  }
  return logSumExp(logs, n) - Math.log(n);
}

/**
 * log|ℓ'(u)| without underflow for the built-in losses: exponential −u; logistic −log(1 + e^u) (softplus, split
 * at 0 so neither branch overflows). Other losses fall back to log|ℓ'(u)| in the linear domain, which is −∞
 * once ℓ'(u) underflows.
 */
export function logAbsDerivative(loss: MarginLoss, u: number): number {
  if (loss === exponential) return -u;
  if (loss === logistic) return u > 0 ? -(u + Math.log1p(Math.exp(-u))) : -Math.log1p(Math.exp(u));
  return Math.log(Math.abs(loss.derivative(u)));
}

/** Smallest positive normal float64, 2^−1022: below it a value keeps fewer than 53 significant bits. */
export const MIN_NORMAL = 2 ** -1022;

export interface PrecisionCheck {
  /** true: the quantity is known better than the effect being checked */
  readonly resolved: boolean;
  readonly reason: string;
}

const RESOLVED: PrecisionCheck = { resolved: true, reason: 'the change exceeds the rounding level of R' };

/**
 * Whether a linear-domain risk R̂ still has full relative precision: it must be a normal float (subnormals and 0
 * have lost bits) and agree with exp(log R) to the stated relative rounding level (the two are computed along
 * different paths; a disagreement beyond rounding means one of them lost its precision).
 */
export function linearRiskPrecision(risk: number, logR: number, relativeLevel: number): PrecisionCheck {
  if (!Number.isFinite(risk) || !Number.isFinite(logR)) return { resolved: false, reason: `risk=${risk}, log risk=${logR}: not finite` };
  if (risk < MIN_NORMAL)
    return { resolved: false, reason: `risk=${risk} is below the smallest normal float (log R=${logR.toPrecision(6)}): use the log domain` };
  const gap = Math.abs(Math.log(risk) - logR);
  // |log R̂ − log R| ≤ relativeLevel/(1 − relativeLevel) when R̂ = R(1 ± relativeLevel); plus u for each log
  const allowed = relativeLevel / (1 - relativeLevel) + 4 * Number.EPSILON;
  if (gap > allowed)
    return { resolved: false, reason: `log(risk)=${Math.log(risk)} and log-domain ${logR} differ by ${gap.toExponential(2)} > ${allowed.toExponential(2)}` };
  return { resolved: true, reason: 'normal float, agrees with the log domain' };
}

/**
 * Whether a claimed change of the risk (e.g. the descent (η/2)‖∇R‖² of one step) is larger than the rounding
 * level at which R(t) and R(t+1) are known. Below it an inequality between the two computed risks says nothing
 * beyond rounding: the step is reported as unresolved, never counted as a pass.
 */
export function riskChangeResolved(change: number, roundingLevel: number): PrecisionCheck {
  if (!Number.isFinite(change) || !Number.isFinite(roundingLevel))
    return { resolved: false, reason: `change=${change}, rounding level=${roundingLevel}: not finite` };
  // the resolved case is the common one inside step loops: no formatting there
  if (Math.abs(change) > roundingLevel) return RESOLVED;
  return { resolved: false, reason: `|change|=${Math.abs(change).toExponential(2)} ≤ rounding level ${roundingLevel.toExponential(2)} of R` };
}
