import { describe, expect, test } from 'vitest';
import { currentProfile, horizon, runs, testTimeout, timeoutScale, vitestWorkers } from './profile.js';
import { DEFAULT_SEED, globalSeed } from './seed.js';

describe('test profiles (DLNCHECK_PROFILE, DLNCHECK_RUNS)', () => {
  test('default unless thorough is asked for; anything else is rejected with the choices', () => {
    expect(currentProfile({}).name).toBe('default');
    expect(currentProfile({ DLNCHECK_PROFILE: 'thorough' }).runScale).toBe(10);
    expect(() => currentProfile({ DLNCHECK_PROFILE: 'fast' })).toThrow('DLNCHECK_PROFILE=fast is not a profile; use default or thorough');
  });

  test('runs scale with the profile, at least 1; DLNCHECK_RUNS overrides when set', () => {
    const def = currentProfile({});
    const thorough = currentProfile({ DLNCHECK_PROFILE: 'thorough' });
    expect(runs(30, def, {})).toBe(30);
    expect(runs(30, thorough, {})).toBe(300);
    expect(runs(0.2, def, {})).toBe(1);
    expect(runs(30, thorough, { DLNCHECK_RUNS: '7' })).toBe(7);
    expect(runs(30, def, { DLNCHECK_RUNS: '' })).toBe(30);
  });

  test.each(['0', '-3', '2.5', 'many'])('DLNCHECK_RUNS=%s is rejected', (v) => {
    expect(() => runs(30, currentProfile({}), { DLNCHECK_RUNS: v })).toThrow(`DLNCHECK_RUNS=${v} must be a positive integer`);
  });

  test('horizons scale with the profile, at least 1 step', () => {
    expect(horizon(200, currentProfile({}))).toBe(200);
    expect(horizon(200, currentProfile({ DLNCHECK_PROFILE: 'thorough' }))).toBe(2000);
    expect(horizon(0, currentProfile({}))).toBe(1);
  });

  test('timeouts scale with runs, with horizons when asked, and with DLNCHECK_TIMEOUT_SCALE', () => {
    const def = currentProfile({});
    const thorough = currentProfile({ DLNCHECK_PROFILE: 'thorough' });
    expect(timeoutScale({})).toBe(1);
    expect(timeoutScale({ DLNCHECK_TIMEOUT_SCALE: '' })).toBe(1);
    expect(testTimeout(3000, true, def, {})).toBe(3000);
    expect(testTimeout(3000, true, thorough, {})).toBe(300_000);
    expect(testTimeout(3000, false, thorough, {})).toBe(30_000);
    expect(testTimeout(3000, false, def, { DLNCHECK_TIMEOUT_SCALE: '2.5' })).toBe(7500);
  });

  test.each(['0.5', '-1', 'Infinity', 'slow'])('DLNCHECK_TIMEOUT_SCALE=%s is rejected', (v) => {
    expect(() => timeoutScale({ DLNCHECK_TIMEOUT_SCALE: v })).toThrow(`DLNCHECK_TIMEOUT_SCALE=${v} must be a finite number ≥ 1`);
  });
});

describe('global seed (DLNCHECK_SEED)', () => {
  test('the fixed default unless set', () => {
    expect(globalSeed({})).toBe(DEFAULT_SEED);
    expect(globalSeed({ DLNCHECK_SEED: '' })).toBe(DEFAULT_SEED);
    expect(globalSeed({ DLNCHECK_SEED: '-17' })).toBe(-17);
  });

  test.each(['1.5', 'abc', String(2 ** 31 + 1)])('DLNCHECK_SEED=%s is rejected', (v) => {
    expect(() => globalSeed({ DLNCHECK_SEED: v })).toThrow(`DLNCHECK_SEED=${v} must be a 32-bit integer`);
  });
});

describe('vitestWorkers', () => {
  test('one per core and at least 2 by default; DLNCHECK_WORKERS sets it; anything but a positive integer is refused', () => {
    expect(vitestWorkers({}, 2)).toBe(2);
    expect(vitestWorkers({}, 1)).toBe(2);
    expect(vitestWorkers({}, 8)).toBe(8);
    expect(vitestWorkers({ DLNCHECK_WORKERS: '1' }, 8)).toBe(1);
    expect(vitestWorkers({ DLNCHECK_WORKERS: '' }, 4)).toBe(4);
    for (const bad of ['0', '-1', '1.5', 'two'])
      expect(() => vitestWorkers({ DLNCHECK_WORKERS: bad }, 2)).toThrow(/^DLNCHECK_WORKERS=.* must be a positive integer/);
  });
});
