#!/usr/bin/env node
// The dlncheck command. In a source checkout it first bundles src/cli/main.ts with esbuild
// (≈ 0.1 s; dependencies stay external) so the CLI starts as plain JavaScript — starting
// through a TypeScript loader costs over a second — and never runs a stale build.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bundle = join(root, 'dist', 'dlncheck.mjs');
const source = join(root, 'src', 'cli', 'main.ts');

if (existsSync(source)) {
  const { build } = await import('esbuild');
  await build({
    entryPoints: [source],
    bundle: true,
    splitting: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    outdir: join(root, 'dist'),
    entryNames: 'dlncheck',
    chunkNames: 'chunks/[name]-[hash]',
    outExtension: { '.js': '.mjs' },
    logLevel: 'warning',
  });
}
const { main } = await import(pathToFileURL(bundle).href);
await main(process.argv);
