import type { Loss, MarginLoss } from '../losses/loss.js';
import type { AssumptionResult } from './assumption.js';
import { derivativeOnGrid, probe, probeGrid } from './_internals/lossProbe.js';

/** Halvings used to decide whether a jump of ℓ' between two grid points shrinks (continuous) or stays (a jump). */
const BISECTIONS = 40;

/**
 * Grid intervals where ℓ' changes by more than this fraction of its size are bisected. It only chooses which
 * intervals to examine; the verdict is whether the change vanishes under bisection (a continuous ℓ' changes by
 * o(1) on an interval of length 2^−46), so its value does not decide the outcome.
 */
const EXAMINE_FRACTION = 1e-3;

/** Decades of the tail ℓ(±2^k), k = 0…30, over which the limits ℓ(+∞) = 0 and ℓ(−∞) = ∞ are confirmed. */
const TAIL_POWERS = 30;

function jumpPersists(loss: MarginLoss, a: number, b: number, fa: number, fb: number): boolean {
  const jump = Math.abs(fb - fa);
  let lo = a;
  let hi = b;
  let flo = fa;
  let fhi = fb;
  for (let i = 0; i < BISECTIONS; i++) {
    // a differentiable ℓ' halves its change with each halving: after 10 it is far below what a jump keeps
    if (Math.abs(fhi - flo) < jump / 1024) return false;
    const mid = (lo + hi) / 2;
    const fm = probe(loss.derivative, mid);
    if (!Number.isFinite(fm)) return true;
    if (Math.abs(fm - flo) >= Math.abs(fhi - fm)) {
      hi = mid;
      fhi = fm;
    } else {
      lo = mid;
      flo = fm;
    }
  }
  // a continuous ℓ' has |ℓ'(hi) − ℓ'(lo)| → 0; a jump keeps at least half of itself in one of the halves each time
  return Math.abs(fhi - flo) >= jump / 2;
}

/**
 * JT.A1, checked numerically: ℓ' < 0 and continuous, ℓ(u) → ∞ as u → −∞, ℓ(u) → 0 as u → +∞.
 * - ℓ' is sampled on probeGrid(64) ⊂ [−64, 64]: every value finite and < 0; between neighbours where ℓ' changes
 *   by more than EXAMINE_FRACTION of its size, bisection decides whether the change is a jump. The window stops at
 *   64 because farther out a correct expression can underflow (e^{−2u}) or overflow to NaN (e^u/(1 + e^u)²): a
 *   sign test there would judge float64, not the loss. The tails below cover the rest of the line.
 * - the limits are confirmed on the tails ±2^k, k ≤ 30: ℓ(2^k) non-increasing with ℓ(2^30) ≤ 2^−20·|ℓ(1)| (or 0),
 *   ℓ(−2^k) non-decreasing with ℓ(−2^30) ≥ 2^10·(1 + |ℓ(0)|) (or +∞). A loss decaying or growing more slowly
 *   than that (e.g. like 1/log u) is reported as not confirmed.
 * The squared loss is not a margin loss: its ℓ(u) = ½(1 − u)² has ℓ' ≥ 0 for u ≥ 1.
 */
export function jtA1(loss: Loss): AssumptionResult {
  if (loss.kind === 'squared')
    return { holds: false, reason: "JT.A1: the squared loss is not a decreasing margin loss (as ℓ(u) = ½(1 − u)², ℓ'(u) = u − 1 ≥ 0 for u ≥ 1)" };
  const grid = probeGrid(64);
  const { values, badAt } = derivativeOnGrid(loss, grid);
  if (badAt !== null) return { holds: false, reason: `JT.A1: ℓ'(${badAt}) of loss=${loss.name} is not a finite number` };
  for (let i = 0; i < grid.length; i++)
    if (!(values[i] < 0)) return { holds: false, reason: `JT.A1: ℓ'(${grid[i]})=${values[i]} of loss=${loss.name} is not < 0` };
  for (let i = 0; i + 1 < grid.length; i++) {
    const a = values[i];
    const b = values[i + 1];
    if (Math.abs(b - a) > EXAMINE_FRACTION * Math.max(Math.abs(a), Math.abs(b)) && jumpPersists(loss, grid[i], grid[i + 1], a, b))
      return { holds: false, reason: `JT.A1: ℓ' of loss=${loss.name} jumps between u=${grid[i]} and u=${grid[i + 1]} (not continuous)` };
  }
  const scale = Math.abs(probe(loss.value, 1));
  let prev = Infinity;
  for (let k = 0; k <= TAIL_POWERS; k++) {
    const v = probe(loss.value, 2 ** k);
    if (Number.isNaN(v) || v > prev) return { holds: false, reason: `JT.A1: ℓ(2^${k})=${v} of loss=${loss.name} is not non-increasing towards +∞` };
    prev = v;
  }
  if (!(prev === 0 || Math.abs(prev) <= 2 ** -20 * scale))
    return { holds: false, reason: `JT.A1: ℓ(2^${TAIL_POWERS})=${prev} of loss=${loss.name}: ℓ(u) → 0 as u → ∞ not confirmed (needs ≤ 2^−20·|ℓ(1)|)` };
  const zero = Math.abs(probe(loss.value, 0));
  prev = -Infinity;
  for (let k = 0; k <= TAIL_POWERS; k++) {
    const v = probe(loss.value, -(2 ** k));
    if (Number.isNaN(v) || v < prev) return { holds: false, reason: `JT.A1: ℓ(−2^${k})=${v} of loss=${loss.name} is not non-decreasing towards −∞` };
    prev = v;
  }
  if (!(prev >= 2 ** 10 * (1 + zero)))
    return { holds: false, reason: `JT.A1: ℓ(−2^${TAIL_POWERS})=${prev} of loss=${loss.name}: ℓ(u) → ∞ as u → −∞ not confirmed (needs ≥ 2^10·(1 + |ℓ(0)|))` };
  return { holds: true, reason: `JT.A1: loss=${loss.name} has ℓ' < 0 and continuous on [−64, 64], ℓ(2^30) ≈ 0, ℓ(−2^30) ≈ ∞` };
}
