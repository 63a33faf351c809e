import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { claims } from '../claims/registry.js';
import { projectRoot } from '../projectRoot.js';
import { offlineLockfile, type Lockfile } from './offlineLockfile.js';

/**
 * dlncheck outside its checkout: `npm pack` (prepack compiles src/ into dist/ with tsc), then `npm ci --offline`
 * of the tarball into an empty folder (a lockfile built from ours, see offlineLockfile.ts: the tarballs come from
 * the npm cache that `npm ci` filled; nothing is fetched), then the installed binary and a property that imports
 * only 'dlncheck' and fast-check. Takes ≈ 30–60 s (the tsc build is most of it).
 */
const dir = mkdtempSync(join(tmpdir(), 'dlncheck-pack-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';

function run(cmd: string, args: string[], cwd: string): string {
  return execFileSync(cmd, args, {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' },
  });
}

// Runs under `npm run test:pack` (DLNCHECK_PACK_TEST=1), which .ci/run calls: packing, compiling and installing take
// ~25 s, a third of `npm test`'s budget, and check packaging rather than the numerical core. Skipped otherwise (and so
// under Stryker, which would pack the instrumented sources once per run).
describe.skipIf(process.env.DLNCHECK_PACK_TEST !== '1')('the packed package', () => {
  test('installs offline into an empty folder; dlncheck claims, train and audit run there; a property against the public API passes', () => {
    const packed = JSON.parse(run(npm, ['pack', '--json', '--pack-destination', dir], projectRoot)) as {
      filename: string;
      size: number;
      files: { path: string }[];
    }[];
    const { filename, size, files } = packed[0];
    const paths = files.map((f) => f.path);
    // what ships: the compiled library with declarations, the binary, fixtures and the claims doc; no sources or tests
    expect(paths).toContain('dist/index.js');
    expect(paths).toContain('dist/index.d.ts');
    expect(paths).toContain('dist/cli/main.js');
    expect(paths).toContain('docs/claims.md');
    expect(paths.filter((p) => p.startsWith('src/') || p.startsWith('properties/') || /\.test\.(js|d\.ts)$/.test(p))).toEqual([]);

    const app = join(dir, 'app');
    execFileSync('mkdir', ['-p', app]);
    copyFileSync(join(dir, filename), join(app, filename));
    const lock = offlineLockfile(
      JSON.parse(readFileSync(join(projectRoot, 'package-lock.json'), 'utf8')) as Lockfile,
      filename,
      readFileSync(join(app, filename)),
    );
    writeFileSync(join(app, 'package-lock.json'), JSON.stringify(lock, null, 2));
    writeFileSync(
      join(app, 'package.json'),
      JSON.stringify({ name: lock.name, private: true, type: 'module', dependencies: { dlncheck: `file:${filename}` } }, null, 2),
    );
    run(npm, ['ci', '--offline'], app);

    const listed = run(npx, ['--offline', 'dlncheck', 'claims'], app);
    expect(listed.split('\n')[0]).toMatch(/^ID +paper +checks/);
    for (const c of claims) expect(listed).toContain(`\n${c.id} `);

    copyFileSync(join(projectRoot, 'fixtures', 'specs', 'separable-depth4-logistic.json'), join(app, 'spec.json'));
    run(npx, ['--offline', 'dlncheck', 'train', '--spec', 'spec.json', '--out', 'result.json'], app);
    const result = JSON.parse(readFileSync(join(app, 'result.json'), 'utf8')) as { diverged: unknown; checkpoints: unknown[] };
    expect(result.diverged).toBeNull();
    expect(result.checkpoints.length).toBe(5);

    // audit: a run recorded with the installed package's trainer passes; with G_2 scaled by 1.01 it fails F2 and F3, exit 1
    copyFileSync(join(projectRoot, 'src', 'package', 'fixtures', 'recordRuns.mjs'), join(app, 'recordRuns.mjs'));
    run(process.execPath, ['recordRuns.mjs'], app);
    expect(run(npx, ['--offline', 'dlncheck', 'audit', 'run.jsonl'], app)).toMatch(/^51 records, steps 0…50 \(every step;[\s\S]*\naudit passed\n$/);
    let status = 0;
    let stdout = '';
    try {
      run(npx, ['--offline', 'dlncheck', 'audit', 'broken.jsonl'], app);
    } catch (e) {
      ({ status, stdout } = e as { status: number; stdout: string });
    }
    expect(status).toBe(1);
    expect(stdout).toMatch(/\nFAIL {8}F2 [\s\S]*\nFAIL {8}F3 [\s\S]*\naudit FAILED\n$/);

    copyFileSync(join(projectRoot, 'src', 'package', 'fixtures', 'publicApiProperty.mjs'), join(app, 'property.mjs'));
    expect(run(process.execPath, ['property.mjs'], app)).toMatch(/^F2 holds on 100 cases; twin caught after \d+ run\(s\)\n$/);
    console.log(`packed ${filename}: ${size} bytes, ${files.length} files; installed offline, claims/train/audit/property ran`);
  }, 180_000);
});
