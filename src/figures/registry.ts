import { dhlFig1 } from './dhlFig1.js';
import { dhlFig2 } from './dhlFig2.js';
import type { FigureDefinition } from './figure.js';
import { rnbuS6 } from './rnbuS6.js';
import { srFig1 } from './srFig1.js';
import { srFig2 } from './srFig2.js';
import { srFig3 } from './srFig3.js';
import { srFig4 } from './srFig4.js';
import { srR41 } from './srR41.js';

/** Every reproducible figure, in docs/claims.md order. */
export const figures: readonly FigureDefinition[] = [srR41, srFig1, srFig2, srFig3, srFig4, dhlFig1, dhlFig2, rnbuS6];

/** A figure by its ID or alias (case-sensitive, as in docs/claims.md). */
export function figure(id: string): FigureDefinition {
  const f = figures.find((g) => g.id === id || g.aliases.includes(id));
  if (!f) throw new RangeError(`figure id=${id} is not reproducible; use one of ${figures.map((g) => [g.id, ...g.aliases].join('/')).join(', ')} or all`);
  return f;
}
