import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { FigureOutput } from '../../figures/figure.js';
import { silentProgress } from '../../progress/progressBar.js';
import { figure } from '../../figures/registry.js';

/**
 * Figures of `dlncheck reproduce all --jobs N` run in child processes, one figure at a time per
 * child. The child is this module's own file: run from source it is this .ts file (the parent's
 * execArgv, e.g. tsx's loader, is passed on); run from the esbuild bundle it is the bundled file
 * that contains this code. The flag below makes its top-level code serve requests; imported
 * anywhere else, the module does nothing. A child computes a figure and sends the panels and
 * caption back; the parent writes every file, in figure order, so the outputs are those of
 * --jobs 1 (each figure derives its seeds from the base seed and its own names, never from
 * what ran before it).
 */
const CHILD_FLAG = '--dlncheck-reproduce-child';

interface Request {
  readonly id: string;
  readonly seed: number;
  readonly scale: number;
}

type Reply = { readonly ok: true; readonly out: FigureOutput; readonly seconds: number } | { readonly ok: false; readonly message: string };

async function serve(): Promise<void> {
  process.on('message', (req: Request) => {
    void (async () => {
      let reply: Reply;
      try {
        const start = performance.now();
        const out = await figure(req.id).run({ seed: req.seed, progress: silentProgress, scale: req.scale });
        reply = {
          ok: true,
          out: { panels: out.panels.map((p) => ({ name: p.name, svg: p.svg })), caption: out.caption },
          seconds: (performance.now() - start) / 1000,
        };
      } catch (e) {
        reply = { ok: false, message: `${req.id}: ${(e as Error).message}` };
      }
      process.send?.(reply);
    })();
  });
}

if (process.argv.includes(CHILD_FLAG) && process.send) void serve();

/** A child process that computes figures on request. */
export class FigureWorker {
  private readonly child: ChildProcess;

  constructor() {
    // the children fill the cores between them: a gradient kernel's second thread in each would only compete (unless
    // DLNCHECK_KERNEL_THREADS says otherwise)
    const env = { ...process.env, DLNCHECK_KERNEL_THREADS: process.env.DLNCHECK_KERNEL_THREADS ?? '1' };
    this.child = fork(fileURLToPath(import.meta.url), [CHILD_FLAG], { execArgv: process.execArgv, env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  }

  run(id: string, seed: number, scale: number): Promise<{ out: FigureOutput; seconds: number }> {
    return new Promise((resolve, reject) => {
      if (!this.child.connected) return reject(new Error(`reproduce: the worker for ${id} has stopped`));
      const onExit = (code: number | null) => reject(new Error(`reproduce: the worker computing ${id} exited with ${code} before answering`));
      this.child.once('exit', onExit);
      this.child.once('message', (reply: Reply) => {
        this.child.off('exit', onExit);
        if (reply.ok) resolve({ out: reply.out, seconds: reply.seconds });
        else reject(new Error(reply.message));
      });
      this.child.send({ id, seed, scale } satisfies Request);
    });
  }

  /** Ends the child (idle once every figure is answered; on an error elsewhere, its figure is no longer wanted). */
  close(): void {
    this.child.kill();
  }
}
