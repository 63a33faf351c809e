/** Where progress goes: a text bar on stderr, or nowhere (tests). */
export interface Progress {
  /** starts a task of `total` units; returns its updater */
  task(label: string, total: number): ProgressTask;
}

export interface ProgressTask {
  /** sets the number of units done */
  update(done: number): void;
  /** marks the task finished (prints its time) */
  finish(note?: string): void;
}

export const silentProgress: Progress = { task: () => ({ update: () => {}, finish: () => {} }) };

export interface ProgressBarOptions {
  readonly stream?: NodeJS.WriteStream;
  readonly width?: number;
}

/**
 * A text progress bar: `label [#####·····]  48%  960/2000  3.1s`. On a TTY it
 * redraws one line (at most ten times a second); elsewhere (CI logs) it
 * prints a line at every tenth, so logs stay short.
 */
export function progressBar(o: ProgressBarOptions = {}): Progress {
  const stream = o.stream ?? process.stderr;
  const width = o.width ?? 24;
  const tty = stream.isTTY === true;
  return {
    task(label, total) {
      const start = Date.now();
      let lastDraw = 0;
      let lastTenth = -1;
      const line = (done: number): string => {
        const frac = total > 0 ? Math.min(1, done / total) : 1;
        const filled = Math.round(frac * width);
        const secs = ((Date.now() - start) / 1000).toFixed(1);
        return `${label} [${'#'.repeat(filled)}${'·'.repeat(width - filled)}] ${(frac * 100).toFixed(0).padStart(3)}%  ${done}/${total}  ${secs}s`;
      };
      return {
        update(done) {
          if (tty) {
            const now = Date.now();
            if (now - lastDraw < 100 && done < total) return;
            lastDraw = now;
            stream.write(`\r${line(done)}\x1b[K`);
          } else {
            const tenth = total > 0 ? Math.floor((10 * done) / total) : 10;
            if (tenth > lastTenth) {
              lastTenth = tenth;
              stream.write(`${line(done)}\n`);
            }
          }
        },
        finish(note) {
          const secs = ((Date.now() - start) / 1000).toFixed(1);
          stream.write(`${tty ? '\r' : ''}${label} done in ${secs}s${note ? ` (${note})` : ''}${tty ? '\x1b[K' : ''}\n`);
        },
      };
    },
  };
}
