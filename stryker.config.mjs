// Mutation testing of the numerical core: the properties plus unit tests must
// kill ≥ 90 % of mutants in the trainer, losses, schedules, metrics and SVM.
// Instrumented code runs the kernel many times slower; the test runners (child processes) inherit this and scale
// every vitest timeout by it (src/verify/profile.ts timeoutScale), so slowness is not counted as a kill.
process.env.DLNCHECK_TIMEOUT_SCALE ??= '20';

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.config.ts' },
  coverageAnalysis: 'perTest',
  mutate: [
    'src/trainer/**/*.ts',
    'src/losses/**/*.ts',
    'src/metrics/**/*.ts',
    'src/maxMargin/**/*.ts',
    // the norms and singular values the metrics use (moved from src/metrics to src/linalg)
    'src/linalg/norms.ts',
    'src/linalg/singularValues.ts',
    '!src/**/*.test.ts',
    // deliberately broken gradients exist to be wrong: mutating them tests nothing
    '!src/trainer/brokenGradient.ts',
  ],
  thresholds: { high: 95, low: 90, break: 90 },
  reporters: ['clear-text', 'progress', 'json'],
  // DLNCHECK_MUTATION_REPORT names the report when a run covers only part of the scope (--mutate, --testFiles)
  jsonReporter: { fileName: process.env.DLNCHECK_MUTATION_REPORT ?? 'reports/mutation.json' },
  concurrency: 2,
  // added to 1.5× a mutant's covering tests' dry-run time (already measured on instrumented code): a mutant that
  // loops forever is cut off 5 s late, not Stryker's default 60 s × every such mutant
  timeoutMS: 5000,
  tempDirName: '.stryker-tmp',
};
