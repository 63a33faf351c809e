import { performance } from 'node:perf_hooks';

export interface Rate {
  /** iterations per wall-clock second, fastest repetition */
  readonly best: number;
  readonly median: number;
  /** iterations per second of process CPU time (user + system, all threads), fastest repetition */
  readonly cpuBest: number;
  /** iterations per timed repetition */
  readonly count: number;
  readonly repetitions: number;
}

export interface RateOptions {
  /** wall time one timed repetition should take */
  readonly seconds: number;
  readonly repetitions?: number;
}

function cpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

/**
 * Iterations per second of run(count). Warm-up doubles count until one call
 * takes a tenth of the target, then runs for about a third of the target
 * until the rate stops improving, and sizes count from the fastest rate seen
 * (so neither late optimisation nor a stalled run leaves the timed runs short). Then
 * `repetitions` timed runs: the fastest is the headline (least disturbed by
 * other load on the machine), the median shows the spread. The rate per CPU
 * second is kept beside it: on a busy machine it stays close to what an idle
 * machine's wall clock would show, for single-threaded code.
 * steps_numpy.py uses the same procedure.
 */
export function measureRate(run: (count: number) => void, opts: RateOptions): Rate {
  const repetitions = opts.repetitions ?? 3;
  let count = 1;
  let fastest = 0;
  const warm = (c: number) => {
    const t0 = performance.now();
    run(c);
    const elapsed = (performance.now() - t0) / 1000;
    // runs under a millisecond are too short for the clock to rate
    if (elapsed >= 1e-3) fastest = Math.max(fastest, c / elapsed);
    return elapsed;
  };
  while (warm(count) < opts.seconds / 10) count *= 2;
  // the optimising compiler runs on a background thread, so on a busy machine optimised code can arrive late:
  // keep warming until the rate stops improving by more than 10 % (at most 6 runs of a third of the target)
  for (let i = 0, before = 0; i < 6 && fastest > 1.1 * before; i++) {
    before = fastest;
    warm(Math.max(1, Math.round((fastest * opts.seconds) / 3)));
  }
  count = Math.max(1, Math.round(fastest * opts.seconds));
  const rates: number[] = [];
  let cpuBest = 0;
  for (let r = 0; r < repetitions; r++) {
    const c0 = cpuSeconds();
    const t0 = performance.now();
    run(count);
    rates.push(count / ((performance.now() - t0) / 1000));
    cpuBest = Math.max(cpuBest, count / (cpuSeconds() - c0));
  }
  rates.sort((a, b) => a - b);
  return { best: rates[rates.length - 1], median: rates[Math.floor(rates.length / 2)], cpuBest, count, repetitions };
}
