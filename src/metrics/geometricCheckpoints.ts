/**
 * 0, 1, 2, 4, …, 2^j ≤ steps, and steps itself; with perOctave = m > 1, the distinct integers round(2^{j/m}) < steps
 * instead (m points per doubling), for runs that stop soon after an event seen at a checkpoint.
 */
export function geometricCheckpoints(steps: number, perOctave = 1): number[] {
  if (!(Number.isInteger(perOctave) && perOctave >= 1)) throw new RangeError(`geometricCheckpoints: perOctave=${perOctave} must be an integer ≥ 1`);
  const out = [0];
  if (perOctave === 1) for (let t = 1; t < steps; t *= 2) out.push(t);
  else
    for (let j = 0; ; j++) {
      const t = Math.round(2 ** (j / perOctave));
      if (t >= steps) break;
      if (t !== out[out.length - 1]) out.push(t);
    }
  out.push(steps);
  return out;
}
