/**
 * One audit check's outcome. The ratio is observed/bound (≤ 1 passes; the LAPACK test-ratio habit), worst over
 * every step or checkpoint the check saw; `at` names where that worst value was.
 */
export type Verdict = 'pass' | 'fail' | 'not applicable' | 'not reached';

export interface CheckResult {
  /** short name: F2, F4, F3, descent, F5, F6, margins, direction */
  readonly check: string;
  /** the registry claim it checks */
  readonly claim: string;
  readonly verdict: Verdict;
  /** worst observed/bound over what was checked; null when nothing was */
  readonly worstRatio: number | null;
  /** "step 12 (line 14), layer 2" */
  readonly at: string | null;
  /** how many steps or checkpoints were checked */
  readonly checked: number;
  /** one sentence: what failed, or why it does not apply */
  readonly detail: string;
}

export function notApplicable(check: string, claim: string, why: string): CheckResult {
  return { check, claim, verdict: 'not applicable', worstRatio: null, at: null, checked: 0, detail: why };
}

/** Keeps the worst ratio of a check and where it was. */
export class Worst {
  ratio = 0;
  at: string | null = null;
  detail = '';
  checked = 0;
  /** records one observed/bound ratio (NaN counts as a failure) */
  see(ratio: number, at: string, detail: () => string): void {
    const r = Number.isNaN(ratio) ? Infinity : ratio;
    if (this.at === null || r > this.ratio) {
      this.ratio = r;
      this.at = at;
      this.detail = detail();
    }
  }
  result(check: string, claim: string, passDetail: string): CheckResult {
    if (this.checked === 0) return notApplicable(check, claim, passDetail);
    const fail = !(this.ratio <= 1);
    return {
      check,
      claim,
      verdict: fail ? 'fail' : 'pass',
      worstRatio: this.ratio,
      at: this.at,
      checked: this.checked,
      detail: fail ? this.detail : passDetail,
    };
  }
}

export function where(step: number, line: number, extra?: string): string {
  return `step ${step} (line ${line})${extra ? `, ${extra}` : ''}`;
}
