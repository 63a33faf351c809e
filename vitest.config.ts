import { defineConfig } from 'vitest/config';
import { timeoutScale, vitestWorkers } from './src/verify/profile.js';

// 1 normally; larger when the code under test is deliberately slowed (mutation testing)
const slow = timeoutScale();

// Two projects: fast unit tests beside the code, and the claims (properties/).
export default defineConfig({
  test: {
    setupFiles: ['./vitest.setup.ts'],
    // test files share a worker's module cache: mathjs, vega and ml-matrix load once per worker, not once per file
    isolate: false,
    pool: 'threads',
    // vitest's default in run mode is one worker fewer than the cores, i.e. ONE worker on a 2-core machine: the whole
    // suite on one thread while the other core idles. The main process only serves module transforms (mostly at the
    // start), so a worker per core. Safe with isolate: false: each worker has its own module cache and process.env
    // (worker threads copy it); no test writes a fixed path (temporary directories only), none times itself, and the
    // one test that starts bin/dlncheck.mjs (which rewrites its bundle in node_modules/.cache) is alone in doing so.
    // DLNCHECK_WORKERS=n sets another count: the CLI's --maxWorkers does not reach the projects below, which inherit this.
    maxWorkers: vitestWorkers(),
    // transformed modules are kept in node_modules/.experimental-vitest-cache, keyed by file content, id, config and
    // coverage, written atomically (temporary file, then rename), so a rerun transforms only changed files (≈ 10–15 %
    // of a run's CPU measured on src/report + src/arbitraries); a fresh checkout or `npm ci` starts it empty
    experimental: { fsModuleCache: true },
    projects: [
      { extends: true, test: { name: 'unit', include: ['src/**/*.test.ts'], testTimeout: 5_000 * slow } },
      { extends: true, test: { name: 'claims', include: ['properties/**/*.property.test.ts'], testTimeout: 60_000 * slow } },
    ],
    coverage: {
      provider: 'v8',
      include: ['src/**/*.ts'],
      // the CLI's process wiring and type shims are exercised by the CLI tests as child processes, which v8 cannot see
      exclude: ['src/**/*.test.ts', 'src/types/**', 'src/cli/main.ts'],
      thresholds: { lines: 90, branches: 90 },
      reporter: ['text-summary', 'json-summary'],
      reportsDirectory: 'reports/coverage',
    },
  },
});
