import { TestRunner } from 'vitest';
import { brokenGradient, type GradientFault } from '../trainer/brokenGradient.js';
import { riskAndGradient, type GradientFn } from '../trainer/gradient.js';

/**
 * Fault injection for `dlncheck power`: DLNCHECK_FAULT names one broken trainer, and every claim's main property trains
 * with trainerGradient(), so the same property that passes on the exact trainer can be run against each fault. A claim
 * "detects" a fault when its main property then fails. Unset (the normal case), the trainer is the exact kernel.
 *
 * Forms: `scale:<layer>:<factor>` (G_layer × factor; layer counts from 1 as in the papers), `drop:<layer>`,
 * `transpose:<layer>`, `sign:<layer>` (G_layer × −1), `frozen` (every G_k zero: a trainer that never moves).
 */
export function parseFault(raw: string, where = 'DLNCHECK_FAULT'): GradientFault {
  const parts = raw.trim().split(':');
  const kind = parts[0];
  const bad = (rule: string): RangeError => new RangeError(`${where}=${raw} ${rule}; use scale:<layer>:<factor>, drop:<layer>, transpose:<layer>, sign:<layer> or frozen`);
  if (kind === 'frozen') {
    if (parts.length !== 1) throw bad('takes no layer');
    return { kind: 'frozen' };
  }
  if (kind !== 'scale' && kind !== 'drop' && kind !== 'transpose' && kind !== 'sign') throw bad(`has unknown kind "${kind}"`);
  const arity = kind === 'scale' ? 3 : 2;
  if (parts.length !== arity) throw bad(`needs ${arity - 1} field${arity > 2 ? 's' : ''} after "${kind}"`);
  if (!/^[1-9]\d*$/.test(parts[1])) throw bad(`layer=${parts[1]} must be a whole number ≥ 1`);
  const layer = Number(parts[1]) - 1;
  if (kind === 'scale') {
    const factor = Number(parts[2]);
    if (parts[2] === '' || !Number.isFinite(factor) || factor === 1) throw bad(`factor=${parts[2]} must be a finite number other than 1`);
    return { kind: 'scale', layer, factor };
  }
  if (kind === 'sign') return { kind: 'scale', layer, factor: -1 };
  return { kind, layer };
}

/** The fault named by DLNCHECK_FAULT, or null when none is set. */
export function currentFault(env: NodeJS.ProcessEnv = process.env): GradientFault | null {
  const raw = env.DLNCHECK_FAULT;
  return raw === undefined || raw === '' ? null : parseFault(raw);
}

/** The key under vitest's task meta where a test notes that it trained with the injected fault. */
export const FAULT_META_KEY = 'dlncheckFault';

/**
 * The gradient a claim's main property trains with: the exact kernel, or the fault DLNCHECK_FAULT names. With a fault,
 * the running test's meta records it, so `dlncheck power` can tell "the check missed the fault" from "this property
 * never trained with it".
 */
export function trainerGradient(env: NodeJS.ProcessEnv = process.env): GradientFn {
  const fault = currentFault(env);
  if (fault === null) return riskAndGradient;
  const task = TestRunner.getCurrentTest();
  if (task) (task.meta as Record<string, unknown>)[FAULT_META_KEY] = faultSpec(fault);
  return brokenGradient(fault);
}

/** The inverse of parseFault, for command lines and reports (layers count from 1). */
export function faultSpec(f: GradientFault): string {
  if (f.kind === 'frozen') return 'frozen';
  if (f.kind === 'scale') return f.factor === -1 ? `sign:${f.layer + 1}` : `scale:${f.layer + 1}:${f.factor}`;
  return `${f.kind}:${f.layer + 1}`;
}
