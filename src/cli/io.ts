import { readFileSync, writeFileSync } from 'node:fs';

/** Reads a JSON file, or stdin for "-". Errors name the path. */
export function readJson(path: string, what: string): unknown {
  let text: string;
  try {
    text = path === '-' ? readFileSync(0, 'utf8') : readFileSync(path, 'utf8');
  } catch (e) {
    throw new Error(`${what}: cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new SyntaxError(`${what}: ${path} is not valid JSON: ${(e as Error).message}`);
  }
}

/** Writes JSON to a file, or stdout for "-". */
export function writeJson(path: string, value: unknown): void {
  const text = `${JSON.stringify(value, null, 2)}\n`;
  if (path === '-') process.stdout.write(text);
  else writeFileSync(path, text);
}
