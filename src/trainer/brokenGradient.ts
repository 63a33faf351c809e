import { riskAndGradient, type GradientFn } from './gradient.js';

/**
 * Deliberately broken gradients for twin tests: each claim's property must
 * FAIL when the trainer uses one of these (evidence the property can fail).
 */
export type GradientFault =
  /** G_k scaled by factor (e.g. 1.01) */
  | { readonly kind: 'scale'; readonly layer: number; readonly factor: number }
  /** G_k replaced by zero: a dropped layer gradient */
  | { readonly kind: 'drop'; readonly layer: number }
  /**
   * G_k transposed in place (square layers) or its row-major buffer read as column-major (others): a wrong transpose.
   * On a vector layer (1×h or h×1) both layouts are the same buffer and the fault does nothing; twin tests find their
   * counterexamples among the other shapes.
   */
  | { readonly kind: 'transpose'; readonly layer: number }
  /** every G_k replaced by zero: a trainer that never moves */
  | { readonly kind: 'frozen' };

export function faultName(f: GradientFault): string {
  if (f.kind === 'frozen') return 'every G_k dropped (a trainer that never moves)';
  return f.kind === 'scale' ? `G_${f.layer + 1} scaled by ${f.factor}` : f.kind === 'drop' ? `G_${f.layer + 1} dropped` : `G_${f.layer + 1} transposed wrongly`;
}

/** The exact gradient followed by the fault (layer indices past the depth wrap around). */
export function brokenGradient(fault: GradientFault): GradientFn {
  return (ws, net, data, loss, grads) => {
    const r = riskAndGradient(ws, net, data, loss, grads);
    if (fault.kind === 'frozen') {
      for (const G of grads) G.fill(0);
      return r;
    }
    const k = fault.layer % grads.length;
    const G = grads[k];
    if (fault.kind === 'scale') for (let i = 0; i < G.length; i++) G[i] *= fault.factor;
    else if (fault.kind === 'drop') G.fill(0);
    else {
      const rows = net.dims[k + 1];
      const cols = net.dims[k];
      const copy = G.slice();
      // entry (i, j) of the result is read from position j·rows + i: the transpose's buffer, reinterpreted with G's shape
      for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) G[i * cols + j] = copy[(j * rows + i) % copy.length];
    }
    return r;
  };
}
