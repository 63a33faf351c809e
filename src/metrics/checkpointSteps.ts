/**
 * Geometrically spaced checkpoint steps 0, 1, 2, …, steps with about
 * `perDecade` per factor of ten (TREND checks and log-axis plots want them so).
 */
export function checkpointSteps(steps: number, perDecade = 12): number[] {
  if (!Number.isInteger(steps) || steps < 0) throw new RangeError(`checkpointSteps: steps=${steps} must be a non-negative integer`);
  const out = new Set<number>([0]);
  if (steps > 0) {
    const decades = Math.log10(steps);
    const count = Math.ceil(decades * perDecade);
    for (let i = 0; i <= count; i++) out.add(Math.min(steps, Math.round(10 ** (i / perDecade))));
    out.add(steps);
  }
  return [...out].sort((a, b) => a - b);
}
