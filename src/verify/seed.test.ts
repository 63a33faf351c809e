import { describe, expect, test } from 'vitest';
import { ablationLabel } from '../claims/ablationLabel.js';
import { DEFAULT_SEED, globalSeed, parseSeed } from './seed.js';

describe('seeds', () => {
  test('parseSeed takes decimal integers of at most 32 bits and names where a bad one came from', () => {
    expect(parseSeed('-17', 'replay --seed')).toBe(-17);
    expect(parseSeed(String(2 ** 31), 'x')).toBe(2 ** 31);
    expect(() => parseSeed(String(2 ** 31 + 1), 'replay --seed')).toThrow(`replay --seed=${2 ** 31 + 1} must be a 32-bit integer`);
    for (const bad of ['1.5', '1e3', '', 'abc', ' 5']) expect(() => parseSeed(bad, 'ablate --seed')).toThrow(RangeError);
  });

  test('globalSeed: the default without DLNCHECK_SEED, else its value, checked by parseSeed', () => {
    expect(globalSeed({})).toBe(DEFAULT_SEED);
    expect(globalSeed({ DLNCHECK_SEED: '42' })).toBe(42);
    expect(() => globalSeed({ DLNCHECK_SEED: 'x' })).toThrow('DLNCHECK_SEED=x must be a 32-bit integer');
  });

  test('ablationLabel is the label every ablation test and stored case carries', () => {
    expect(ablationLabel('separable')).toBe('ablation drop=separable');
  });
});
