import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { FIGURE_INDEX, readFigureIndex, updateFigureIndex, type FigureIndexEntry } from './figureIndex.js';

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'dlncheck-figindex-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const entry = (id: string, seconds = 1): FigureIndexEntry => ({ id, title: `${id} title`, caption: `${id} caption`, seed: 1, seconds, files: [`${id}-a.svg`] });
const order = ['SR.R4.1', 'SR.R4.2', 'DHL.Fig1'];

describe('figure index', () => {
  test('a missing, unreadable or non-array index reads as empty (it is regenerated output)', () => {
    const dir = tempDir();
    expect(readFigureIndex(dir)).toEqual([]);
    writeFileSync(join(dir, FIGURE_INDEX), '{not json');
    expect(readFigureIndex(dir)).toEqual([]);
    writeFileSync(join(dir, FIGURE_INDEX), '{"id": "SR.R4.1"}');
    expect(readFigureIndex(dir)).toEqual([]);
  });

  test('entries without an id or a file list are dropped', () => {
    const dir = tempDir();
    writeFileSync(join(dir, FIGURE_INDEX), JSON.stringify([entry('SR.R4.1'), { id: 3, files: [] }, { id: 'X' }, null]));
    expect(readFigureIndex(dir).map((e) => e.id)).toEqual(['SR.R4.1']);
  });

  test('updating one figure keeps the others, replaces its own entry and keeps the registry order', () => {
    const dir = tempDir();
    updateFigureIndex(dir, entry('DHL.Fig1'), order);
    updateFigureIndex(dir, entry('SR.R4.1'), order);
    updateFigureIndex(dir, entry('unlisted'), order);
    updateFigureIndex(dir, entry('SR.R4.1', 7), order);
    const index = readFigureIndex(dir);
    expect(index.map((e) => e.id)).toEqual(['SR.R4.1', 'DHL.Fig1', 'unlisted']);
    expect(index[0].seconds).toBe(7);
    expect(readFileSync(join(dir, FIGURE_INDEX), 'utf8').endsWith('\n')).toBe(true);
  });
});
