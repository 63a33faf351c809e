import { exponential } from '../../losses/exponential.js';
import { logistic } from '../../losses/logistic.js';
import type { Loss } from '../../losses/loss.js';

/**
 * Conventions the JavaScript side shares with the WebAssembly module's argument tables (wasm/marginLoss.ts,
 * wasm/exp.ts): one place, so the two kernels that lay out tables (marginVectorWasm.ts, rowSplit.ts) cannot drift.
 */

/** Bytes of e^x's constant table (EXP_CONSTANTS_BYTES in wasm/exp.ts; moduleTables.test.ts checks what storeExpConstants writes). */
export const EXP_CONSTANTS_BYTES = 18 * 16;

/**
 * The module's code for a built-in loss: 1 logistic, 2 exponential (LOGISTIC, EXPONENTIAL in wasm/marginLoss.ts),
 * 3 squared (SQUARED there); 0 for any other loss, which has no module twin (its derivative is JavaScript: a mathjs
 * expression, a bump, a copy of a built-in object).
 */
export function builtinLossCode(loss: Loss): 0 | 1 | 2 | 3 {
  if (loss === logistic) return 1;
  if (loss === exponential) return 2;
  return loss.kind === 'squared' ? 3 : 0;
}
