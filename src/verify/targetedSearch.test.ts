import { describe, expect, test } from 'vitest';
import { describePoint, randomSearch, replayLine, replayPoint, targetedSearch, TARGET_ENV, type IntegerParameter } from './targetedSearch.js';

const box: IntegerParameter[] = [
  { name: 'x', min: -100, max: 100 },
  { name: 'y', min: -100, max: 100 },
  { name: 'z', min: 0, max: 10 },
];

/** one peak, value 0 at (37, −12, 5) */
const peak = (p: readonly number[]) => 0 - (p[0] - 37) ** 2 - 3 * (p[1] + 12) ** 2 - Math.abs(p[2] - 5);

/** a broad local maximum (value 1 at x = −60) and a narrow global one (value 2 at x = 70): restarts must find it */
const twoPeaks = (p: readonly number[]) => Math.max(1 - Math.abs(p[0] + 60) / 40, 2 - Math.abs(p[0] - 70) / 10);

describe('targetedSearch', () => {
  test('finds the maximum of a known function within its budget', () => {
    const r = targetedSearch(peak, { seed: 1, parameters: box, budget: 1500 });
    expect(r.best).toEqual([37, -12, 5]);
    expect(r.value).toBe(0);
    expect(r.evaluations).toBeLessThanOrEqual(1500);
  });

  test('restarts escape a broad local maximum', () => {
    const line: IntegerParameter[] = [{ name: 'x', min: -100, max: 100 }];
    const r = targetedSearch(twoPeaks, { seed: 3, parameters: line, budget: 400, patience: 10 });
    expect(r.best).toEqual([70]);
    expect(r.value).toBe(2);
    expect(r.climbs).toBeGreaterThan(1);
  });

  test('is deterministic for a seed (the same points in the same order) and differs across seeds', () => {
    const trace = (seed: number) => {
      const seen: string[] = [];
      const r = targetedSearch(
        (p) => {
          seen.push(p.join(','));
          return peak(p);
        },
        { seed, parameters: box, budget: 200 },
      );
      return { r, seen };
    };
    const a = trace(42);
    const b = trace(42);
    expect(b.seen).toEqual(a.seen);
    expect(b.r).toEqual(a.r);
    expect(trace(43).seen).not.toEqual(a.seen);
  });

  test('beats uniform random sampling with the same budget on a peaked function', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const t = targetedSearch(peak, { seed, parameters: box, budget: 300 });
      const u = randomSearch(peak, { seed, parameters: box, budget: 300 });
      expect(t.value).toBeGreaterThan(u.value);
    }
  });

  test('never evaluates a point twice nor beyond the budget', () => {
    const calls = new Map<string, number>();
    const small: IntegerParameter[] = [
      { name: 'a', min: 0, max: 3 },
      { name: 'b', min: 0, max: 3 },
    ];
    const r = targetedSearch(
      (p) => {
        calls.set(p.join(','), (calls.get(p.join(',')) ?? 0) + 1);
        return p[0] + p[1];
      },
      { seed: 9, parameters: small, budget: 100 },
    );
    expect([...calls.values()].every((c) => c === 1)).toBe(true);
    expect(r.evaluations).toBe(calls.size);
    expect(calls.size).toBeLessThanOrEqual(16);
    expect(r.best).toEqual([3, 3]);
  });

  test('starts from a given point and reports when the best was found', () => {
    const r = targetedSearch(peak, { seed: 1, parameters: box, budget: 1, start: [37, -12, 5] });
    expect(r).toMatchObject({ best: [37, -12, 5], value: 0, evaluations: 1, foundAt: 1, climbs: 1 });
  });

  test('prints a one-line replay that replayPoint reads back to the same ratio', () => {
    const opts = { seed: 7, parameters: box, budget: 800 };
    const r = targetedSearch(peak, opts);
    const line = replayLine('peak', box, r, opts);
    expect(line).not.toContain('\n');
    expect(line).toContain(`best ratio ${r.value.toPrecision(4)} at ${describePoint(box, r.best)}`);
    expect(line).toContain('seed 7');
    const raw = line.split(`${TARGET_ENV}=`)[1];
    const p = replayPoint(box, { [TARGET_ENV]: raw });
    expect(p).toEqual(r.best);
    expect(peak(p!)).toBe(r.value);
    expect(replayPoint(box, {})).toBeNull();
    expect(replayLine('peak', box, r, opts, 'npx vitest run f -t peak')).toMatch(new RegExp(`${TARGET_ENV}=[-\\d,]+ npx vitest run f -t peak$`));
  });

  test('with active(), moves only the coordinates the point uses, and climbs them', () => {
    // z selects which of x, y counts; the other is unused, so moving it is wasted
    const params: IntegerParameter[] = [
      { name: 'z', min: 0, max: 1 },
      { name: 'x', min: -50, max: 50 },
      { name: 'y', min: -50, max: 50 },
    ];
    const f = (p: readonly number[]) => (p[0] === 0 ? 0 - Math.abs(p[1] - 20) : -1 - Math.abs(p[2] + 30));
    const active = (p: readonly number[]) => [true, p[0] === 0, p[0] === 1];
    // a move is an evaluation one coordinate away from the climb's current point (the last point active() was asked about)
    let current: readonly number[] | null = null;
    const moves = { used: 0, unused: 0 };
    const watch = (p: readonly number[]) => {
      const diff = current ? current.flatMap((v, i) => (v !== p[i] ? [i] : [])) : [];
      if (current && diff.length === 1) moves[active(current)[diff[0]] ? 'used' : 'unused']++;
    };
    const r = targetedSearch(
      (p) => {
        watch(p);
        return f(p);
      },
      {
        seed: 4,
        parameters: params,
        budget: 300,
        active: (p) => {
          current = p;
          return active(p);
        },
      },
    );
    expect(r.value).toBe(0);
    expect(r.best.slice(0, 2)).toEqual([0, 20]);
    expect(moves.used).toBeGreaterThan(20);
    expect(moves.unused).toBe(0);
    expect(() => targetedSearch(f, { seed: 1, parameters: params, active: () => [true] })).toThrow('active() returned 1 flags');
  });

  test('bad input names the field and the rule', () => {
    expect(() => targetedSearch(peak, { seed: 1.5, parameters: box })).toThrow('targetedSearch: seed=1.5 must be an integer');
    expect(() => targetedSearch(peak, { seed: 1, parameters: box, budget: 0 })).toThrow('budget=0 must be a positive integer');
    expect(() => targetedSearch(peak, { seed: 1, parameters: [] })).toThrow('parameters is empty');
    expect(() => targetedSearch(peak, { seed: 1, parameters: [{ name: 'q', min: 2, max: 1 }] })).toThrow('parameter q has min=2, max=1');
    expect(() => targetedSearch(peak, { seed: 1, parameters: box, start: [0, 0, 11] })).toThrow('targetedSearch: start: z=11 must be an integer in [0, 10]');
    expect(() => targetedSearch(() => Number.NaN, { seed: 1, parameters: box })).toThrow(/objective is NaN at \[/);
    expect(() => replayPoint(box, { [TARGET_ENV]: '1,x,3' })).toThrow(`${TARGET_ENV}=1,x,3 must be 3 comma-separated integers`);
    expect(() => replayPoint(box, { [TARGET_ENV]: '1,2' })).toThrow('has 2 values; the search has 3 parameters');
  });
});
