import { availableParallelism } from 'node:os';
/**
 * Test profiles, chosen by the environment variable DLNCHECK_PROFILE:
 * - default: every claim, runs sized so `npm test` stays within a minute on 2 cores;
 * - thorough: 10× the runs, longer horizons and larger nets.
 */
export interface Profile {
  readonly name: 'default' | 'thorough';
  /** multiplier on each property's base numRuns */
  readonly runScale: number;
  /** multiplier on GD horizons (steps) */
  readonly horizonScale: number;
  /**
   * largest layer width and input dimension; generators never read the profile (their defaults are fixed), so a
   * property that should grow with the thorough profile passes these sizes in
   */
  readonly maxWidth: number;
  /** largest depth L (passed in by properties, as above) */
  readonly maxDepth: number;
  /** largest sample count (passed in by properties, as above) */
  readonly maxSamples: number;
}

const profiles: Record<Profile['name'], Profile> = {
  default: { name: 'default', runScale: 1, horizonScale: 1, maxWidth: 4, maxDepth: 4, maxSamples: 8 },
  thorough: { name: 'thorough', runScale: 10, horizonScale: 10, maxWidth: 8, maxDepth: 6, maxSamples: 32 },
};

export function currentProfile(env: NodeJS.ProcessEnv = process.env): Profile {
  const name = env.DLNCHECK_PROFILE ?? 'default';
  if (name !== 'default' && name !== 'thorough') throw new RangeError(`DLNCHECK_PROFILE=${name} is not a profile; use default or thorough`);
  return profiles[name];
}

/** numRuns for a property whose default-profile run count is base; DLNCHECK_RUNS overrides it (`dlncheck ablate --runs`). */
export function runs(base: number, profile: Profile = currentProfile(), env: NodeJS.ProcessEnv = process.env): number {
  const override = env.DLNCHECK_RUNS;
  if (override !== undefined && override !== '') {
    const r = Number(override);
    if (!Number.isInteger(r) || r < 1) throw new RangeError(`DLNCHECK_RUNS=${override} must be a positive integer`);
    return r;
  }
  return Math.max(1, Math.round(base * profile.runScale));
}

/** GD horizon for a property whose default-profile step count is base. */
export function horizon(base: number, profile: Profile = currentProfile()): number {
  return Math.max(1, Math.round(base * profile.horizonScale));
}

/**
 * How much slower than normal this run's code is, from DLNCHECK_TIMEOUT_SCALE (default 1). Runs of deliberately slowed
 * code set it (Stryker's instrumented kernel, see stryker.config.mjs) so that slowness is not mistaken for a failure.
 */
export function timeoutScale(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.DLNCHECK_TIMEOUT_SCALE;
  if (raw === undefined || raw === '') return 1;
  const slow = Number(raw);
  if (!Number.isFinite(slow) || slow < 1) throw new RangeError(`DLNCHECK_TIMEOUT_SCALE=${raw} must be a finite number ≥ 1`);
  return slow;
}

/**
 * vitest's worker count for this run: DLNCHECK_WORKERS when set (a positive integer), else one per core and at least 2
 * (vitest's own run-mode default is cores − 1, a single worker on a 2-core machine). It is read by vitest.config.ts
 * because vitest's --maxWorkers flag does not reach the config's projects (unit, claims): they inherit the config's value.
 */
export function vitestWorkers(env: NodeJS.ProcessEnv = process.env, cores = availableParallelism()): number {
  const raw = env.DLNCHECK_WORKERS;
  if (raw === undefined || raw === '') return Math.max(2, cores);
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`DLNCHECK_WORKERS=${raw} must be a positive integer (vitest workers for this run)`);
  return n;
}

/**
 * A property's vitest timeout: its default-profile budget `ms`, scaled by the profile's run count and, for tests whose
 * cost grows with the GD horizon, its horizon scale; then by timeoutScale().
 */
export function testTimeout(ms: number, scalesWithHorizon = true, profile: Profile = currentProfile(), env: NodeJS.ProcessEnv = process.env): number {
  return Math.round(ms * profile.runScale * (scalesWithHorizon ? profile.horizonScale : 1) * timeoutScale(env));
}
