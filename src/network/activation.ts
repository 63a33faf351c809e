/**
 * Activations between layers. linear, relu and leaky (0 ≤ slope ≤ 1) are
 * positively homogeneous (φ(z) = φ'(z)·z); tanh is not, and exists for ablations.
 */
export type Activation =
  | { readonly kind: 'linear' }
  | { readonly kind: 'relu' }
  | { readonly kind: 'leaky'; readonly slope: number }
  | { readonly kind: 'tanh' }
  /** log(1 + e^z): smooth, not homogeneous; an ablation of DHL.Thm2.1 (the ablations in docs/claims.md) */
  | { readonly kind: 'softplus' };

export const linear: Activation = { kind: 'linear' };

export function isHomogeneous(a: Activation): boolean {
  return a.kind !== 'tanh' && a.kind !== 'softplus';
}

export function activationName(a: Activation): string {
  return a.kind === 'leaky' ? `leaky(${a.slope})` : a.kind;
}

/** In place: out[i] = φ(pre[i]); dphi[i] = φ'(pre[i]) (φ'(0) taken as the right derivative). */
export function applyActivation(a: Activation, pre: Float64Array, out: Float64Array, dphi: Float64Array, len: number): void {
  switch (a.kind) {
    case 'linear':
      for (let i = 0; i < len; i++) {
        out[i] = pre[i];
        dphi[i] = 1;
      }
      return;
    case 'relu':
      for (let i = 0; i < len; i++) {
        const v = pre[i];
        out[i] = v >= 0 ? v : 0;
        dphi[i] = v >= 0 ? 1 : 0;
      }
      return;
    case 'leaky': {
      const m = a.slope;
      for (let i = 0; i < len; i++) {
        const v = pre[i];
        out[i] = v >= 0 ? v : m * v;
        dphi[i] = v >= 0 ? 1 : m;
      }
      return;
    }
    case 'tanh':
      for (let i = 0; i < len; i++) {
        const t = Math.tanh(pre[i]);
        out[i] = t;
        dphi[i] = 1 - t * t;
      }
      return;
    case 'softplus':
      for (let i = 0; i < len; i++) {
        const v = pre[i];
        // stable: log(1 + e^v) = max(v, 0) + log1p(e^{−|v|}); derivative σ(v)
        const e = Math.exp(-Math.abs(v));
        out[i] = Math.max(v, 0) + Math.log1p(e);
        dphi[i] = v >= 0 ? 1 / (1 + e) : e / (1 + e);
      }
      return;
  }
}
