/**
 * A margin loss ℓ(u) for classification (u = y f(x)), or the squared loss
 * ½‖f(x) − y‖² for regression.
 */
export interface MarginLoss {
  readonly kind: 'margin';
  readonly name: string;
  value(u: number): number;
  /** ℓ'(u) */
  derivative(u: number): number;
  /** log ℓ(u), finite where ℓ(u) underflows to 0 (large margins) */
  logValue(u: number): number;
  /** JT.A3 constants: ℓ' is beta-Lipschitz and |ℓ'| ≤ G; absent when no global constants exist */
  readonly lipschitz?: { readonly beta: number; readonly G: number };
}

export interface SquaredLoss {
  readonly kind: 'squared';
  readonly name: 'squared';
}

export type Loss = MarginLoss | SquaredLoss;

export const squared: SquaredLoss = { kind: 'squared', name: 'squared' };
