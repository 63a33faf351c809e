import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** One entry of <figures dir>/index.json: written by `dlncheck reproduce`, read by `dlncheck report`. */
export interface FigureIndexEntry {
  readonly id: string;
  readonly title: string;
  readonly caption: string;
  readonly seed: number;
  readonly seconds: number;
  /** SVG file names, relative to the figures directory */
  readonly files: readonly string[];
}

export const FIGURE_INDEX = 'index.json';

/** The entries in a figures directory; none when the index is missing or unreadable (it is regenerated output). */
export function readFigureIndex(dir: string): FigureIndexEntry[] {
  const path = join(dir, FIGURE_INDEX);
  if (!existsSync(path)) return [];
  try {
    const v = JSON.parse(readFileSync(path, 'utf8')) as unknown;
    return Array.isArray(v) ? (v as FigureIndexEntry[]).filter((e) => typeof e?.id === 'string' && Array.isArray(e.files)) : [];
  } catch {
    return [];
  }
}

/** Adds or replaces one figure's entry, keeping the others (reproducing one figure must not forget the rest), ordered by `order`. */
export function updateFigureIndex(dir: string, entry: FigureIndexEntry, order: readonly string[]): void {
  const index = readFigureIndex(dir).filter((e) => e.id !== entry.id);
  index.push(entry);
  const rank = (id: string) => (order.includes(id) ? order.indexOf(id) : order.length);
  index.sort((a, b) => rank(a.id) - rank(b.id));
  writeFileSync(join(dir, FIGURE_INDEX), `${JSON.stringify(index, null, 2)}\n`);
}
