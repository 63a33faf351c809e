// Mutation testing of the numerical core: the properties plus unit tests must
// kill ≥ 90 % of mutants in the trainer, losses, schedules, metrics and SVM.
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
    '!src/**/*.test.ts',
    // deliberately broken gradients exist to be wrong: mutating them tests nothing
    '!src/trainer/brokenGradient.ts',
  ],
  thresholds: { high: 95, low: 90, break: 90 },
  reporters: ['clear-text', 'progress', 'json'],
  jsonReporter: { fileName: 'reports/mutation.json' },
  concurrency: 2,
  timeoutMS: 60000,
  tempDirName: '.stryker-tmp',
};
