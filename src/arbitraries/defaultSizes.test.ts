import fc from 'fast-check';
import { afterEach, describe, expect, test } from 'vitest';
import { DEFAULT_SIZES } from './_internals/defaultSizes.js';
import { architecture, factorizationTarget, nonSeparableDataset, regressionDataset, separableDataset } from './index.js';

const saved = process.env.DLNCHECK_PROFILE;
afterEach(() => {
  if (saved === undefined) delete process.env.DLNCHECK_PROFILE;
  else process.env.DLNCHECK_PROFILE = saved;
});

const generators: Record<string, () => fc.Arbitrary<unknown>> = {
  architecture: () => architecture(),
  separableDataset: () => separableDataset(),
  nonSeparableDataset: () => nonSeparableDataset(),
  regressionDataset: () => regressionDataset(),
  factorizationTarget: () => factorizationTarget(),
};

describe('generators do not read the test profile', () => {
  test.each(Object.keys(generators))('%s() draws the same values under DLNCHECK_PROFILE=default and thorough', (name) => {
    const make = generators[name];
    process.env.DLNCHECK_PROFILE = 'default';
    const a = fc.sample(make(), { seed: 42, numRuns: 40 });
    process.env.DLNCHECK_PROFILE = 'thorough';
    const b = fc.sample(make(), { seed: 42, numRuns: 40 });
    expect(b).toEqual(a);
  });

  test('the fixed defaults are the default profile’s sizes', () => {
    expect(DEFAULT_SIZES).toEqual({ maxWidth: 4, maxDepth: 4, maxSamples: 8 });
  });
});
