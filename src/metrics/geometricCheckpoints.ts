/** 0, 1, 2, 4, …, 2^j ≤ steps, and steps itself. */
export function geometricCheckpoints(steps: number): number[] {
  const out = [0];
  for (let t = 1; t < steps; t *= 2) out.push(t);
  out.push(steps);
  return out;
}
