#!/usr/bin/env node
// The dlncheck command.
// - Installed package (no src/): runs the JavaScript that `npm pack` compiled into dist/ (tsc, `npm run build`);
//   nothing is built at run time.
// - Source checkout: first bundles src/cli/main.ts with esbuild (≈ 0.1 s; dependencies stay external) into
//   node_modules/.cache/dlncheck/, so the CLI starts as plain JavaScript — starting through a TypeScript loader
//   costs over a second — and never runs a stale build (a dist/ left by an earlier `npm pack` is ignored here).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const source = join(root, 'src', 'cli', 'main.ts');

let entry;
if (existsSync(source)) {
  const outdir = join(root, 'node_modules', '.cache', 'dlncheck');
  const { build } = await import('esbuild');
  await build({
    entryPoints: [source],
    bundle: true,
    splitting: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    outdir,
    entryNames: 'dlncheck',
    chunkNames: 'chunks/[name]-[hash]',
    outExtension: { '.js': '.mjs' },
    logLevel: 'warning',
  });
  entry = join(outdir, 'dlncheck.mjs');
} else {
  entry = join(root, 'dist', 'cli', 'main.js');
  if (!existsSync(entry)) {
    process.stderr.write(`dlncheck: ${entry} is missing; this copy has neither src/ nor a build (run \`npm run build\`)\n`);
    process.exit(2);
  }
}
const { main } = await import(pathToFileURL(entry).href);
await main(process.argv);
