/** The suite's fixed default seed; DLNCHECK_SEED overrides it (seed sweeps, replays). */
export const DEFAULT_SEED = 20190401;

export function globalSeed(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.DLNCHECK_SEED;
  if (raw === undefined || raw === '') return DEFAULT_SEED;
  return parseSeed(raw, 'DLNCHECK_SEED');
}

/** A seed given as text (an option or the environment): a decimal integer of at most 32 bits, else a RangeError naming where. */
export function parseSeed(raw: string, where: string): number {
  if (!/^-?\d+$/.test(raw) || Math.abs(Number(raw)) > 2 ** 31) throw new RangeError(`${where}=${raw} must be a 32-bit integer`);
  return Number(raw);
}
