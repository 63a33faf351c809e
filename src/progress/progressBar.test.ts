import { afterEach, describe, expect, test, vi } from 'vitest';
import { progressBar, silentProgress } from './progressBar.js';

/** A stand-in for process.stderr that keeps what was written. */
function sink(isTTY: boolean): { stream: NodeJS.WriteStream; out: string[] } {
  const out: string[] = [];
  const stream = { isTTY, write: (s: string) => (out.push(s), true) } as unknown as NodeJS.WriteStream;
  return { stream, out };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('progressBar', () => {
  test('in a log (no TTY) it prints one line per tenth reached, then the time', () => {
    const { stream, out } = sink(false);
    const task = progressBar({ stream, width: 10 }).task('train', 200);
    for (let done = 0; done <= 200; done += 5) task.update(done);
    task.finish('ok');
    // tenths 0..10: eleven lines, each ending in a newline; the bar fills with the fraction
    expect(out.length).toBe(12);
    expect(out[0]).toMatch(/^train \[·{10}\] {3}0% {2}0\/200 {2}\d+\.\ds\n$/);
    expect(out[5]).toMatch(/^train \[#{5}·{5}\] {2}50% {2}100\/200 /);
    expect(out[10]).toMatch(/^train \[#{10}\] 100% {2}200\/200 /);
    expect(out[11]).toMatch(/^train done in \d+\.\ds \(ok\)\n$/);
  });

  test('on a TTY it redraws one line at most ten times a second, always drawing the end', () => {
    vi.useFakeTimers();
    vi.setSystemTime(1_000_000);
    const { stream, out } = sink(true);
    const task = progressBar({ stream, width: 4 }).task('t', 10);
    task.update(1);
    task.update(2); // within 100 ms: skipped
    vi.setSystemTime(1_000_200);
    task.update(3);
    task.update(10); // the end is drawn even within 100 ms
    task.finish();
    expect(out.length).toBe(4);
    expect(out.slice(0, 3).every((s) => s.startsWith('\r') && s.endsWith('\x1b[K'))).toBe(true);
    expect(out[1]).toContain('3/10');
    expect(out[2]).toContain('[####] 100%  10/10');
    expect(out[3]).toBe('\rt done in 0.2s\x1b[K\n');
  });

  test('a task of zero units counts as done', () => {
    const { stream, out } = sink(false);
    const task = progressBar({ stream, width: 2 }).task('empty', 0);
    task.update(0);
    task.update(0);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatch(/^empty \[##\] 100% {2}0\/0 /);
  });

  test('silentProgress writes nothing and accepts every call', () => {
    const task = silentProgress.task('x', 5);
    expect(() => (task.update(3), task.finish('n'))).not.toThrow();
  });
});
