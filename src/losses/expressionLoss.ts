import { createRequire } from 'node:module';
import type * as MathJs from 'mathjs';
import type { MarginLoss } from './loss.js';

// mathjs is large (seconds to import): load it only when a spec actually uses an expression loss
let mathjs: typeof MathJs | undefined;
function math(): typeof MathJs {
  return (mathjs ??= createRequire(import.meta.url)('mathjs') as typeof MathJs);
}

/**
 * A user loss written as a mathjs expression in u, e.g. "log(1 + exp(-u))".
 * Its derivative is taken symbolically by mathjs, once, when the loss is built;
 * the compiled functions are then plain closures (no parsing per step). Declared JT.A3 constants (β, G) are attached
 * as given.
 */
export function expressionLoss(expression: string, where = 'loss.expression', lipschitz?: MarginLoss['lipschitz']): MarginLoss {
  let node: MathJs.MathNode;
  try {
    node = math().parse(expression);
  } catch (e) {
    throw new SyntaxError(`${where}="${expression}" is not a mathjs expression: ${(e as Error).message}`);
  }
  // free variables: SymbolNodes that are not the name of a called function, nor a constant
  const symbols = new Set<string>();
  node.traverse((n, path) => {
    const sym = n as unknown as { isSymbolNode?: boolean; name: string };
    if (sym.isSymbolNode && path !== 'fn' && sym.name !== 'e' && sym.name !== 'pi') symbols.add(sym.name);
  });
  for (const s of symbols) if (s !== 'u') throw new RangeError(`${where}="${expression}" uses the variable ${s}; the only variable allowed is u`);
  let dnode: MathJs.MathNode;
  try {
    dnode = math().derivative(node, 'u');
  } catch (e) {
    throw new RangeError(`${where}="${expression}" has no symbolic derivative in mathjs: ${(e as Error).message}`);
  }
  const f = math().compile(node.toString());
  const df = math().compile(dnode.toString());
  const scope = { u: 0 };
  // mathjs answers with a Complex where the expression leaves the reals (sqrt(1 − u) at u = 2); Number() makes that
  // NaN, which the trainer reports as divergence, and leaves real numbers as they are
  const evalAt = (c: typeof f, u: number): number => {
    scope.u = u;
    return Number(c.evaluate(scope));
  };
  const probe = evalAt(f, 0);
  if (!Number.isFinite(probe)) throw new RangeError(`${where}="${expression}" is not finite at u=0 (value ${probe})`);
  return {
    kind: 'margin',
    name: `expression(${expression})`,
    value: (u) => evalAt(f, u),
    derivative: (u) => evalAt(df, u),
    logValue: (u) => Math.log(evalAt(f, u)),
    // declared by the user (a spec's loss.lipschitz), not derived: jtA3 checks them on its grid
    ...(lipschitz ? { lipschitz } : {}),
  };
}

/** The symbolic derivative as text, for reports. */
export function expressionDerivative(expression: string): string {
  return math().derivative(math().parse(expression), 'u').toString();
}
