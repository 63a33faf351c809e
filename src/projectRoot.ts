import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The folder holding dlncheck's package.json, found by walking up from this
 * module: the same answer from src/ (tsx, vitest), from the bundle in node_modules/.cache/dlncheck/ and from dist/.
 */
export function findProjectRoot(from = dirname(fileURLToPath(import.meta.url))): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'fixtures'))) return dir;
    if (dirname(dir) === dir) throw new Error(`dlncheck: no project root (package.json and fixtures/) above ${from}`);
  }
}

export const projectRoot = findProjectRoot();
