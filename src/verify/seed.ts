/** The suite's fixed default seed; DLNCHECK_SEED overrides it (seed sweeps, replays). */
export const DEFAULT_SEED = 20190401;

export function globalSeed(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.DLNCHECK_SEED;
  if (raw === undefined || raw === '') return DEFAULT_SEED;
  const s = Number(raw);
  if (!Number.isInteger(s) || Math.abs(s) > 2 ** 31) throw new RangeError(`DLNCHECK_SEED=${raw} must be a 32-bit integer`);
  return s;
}
