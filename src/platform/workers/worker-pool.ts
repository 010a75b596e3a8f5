import { createRequire } from "node:module";
import { availableParallelism } from "node:os";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parentPort, type ResourceLimits, type Transferable, Worker } from "node:worker_threads";

// A small pool of worker threads for CPU-bound work (article extraction) so it runs on every core and
// never blocks the event loop. Each worker does one task at a time; tasks wait in order for a free
// worker. Workers start on first use and stop after `idleMs` without work, so an idle process carries
// none of them. A worker that dies (its heap cap reached, a crash) fails only the task it was running;
// the next task gets a new worker. node's worker_threads directly: piscina is not a dependency, and the
// pool needs only this much.

export interface WorkerPoolOptions {
  /** The worker's module (a file calling `serveWorker`). A `.ts` file is run with tsx (development, tests). */
  file: URL;
  /** Most workers at once; default: the machine's cores, at most 2. */
  size?: number;
  /** Each worker's V8 heap caps: a task that needs more fails with `WorkerCrashed`, the process lives on. */
  resourceLimits?: ResourceLimits;
  /** A worker with nothing to do for this long stops (default 30 s). */
  idleMs?: number;
  /** Names the threads (in diagnostics). */
  name?: string;
}

/** The worker running a task stopped before answering (out of memory, a crash, the pool closed). */
export class WorkerCrashed extends Error {
  override name = "WorkerCrashed";
  constructor(
    message: string,
    /** Node's error code when it gave one (`ERR_WORKER_OUT_OF_MEMORY`). */
    readonly code?: string,
  ) {
    super(message);
  }
}

/** An error thrown by the task itself, carried back from the worker. */
export class WorkerTaskError extends Error {
  override name = "WorkerTaskError";
}

type Reply<Res> = { id: number; ok: true; value: Res } | { id: number; ok: false; message: string };

interface Task<Req, Res> {
  id: number;
  request: Req;
  transfer: readonly Transferable[];
  resolve: (value: Res) => void;
  reject: (err: Error) => void;
}

interface Slot<Req, Res> {
  worker: Worker;
  task?: Task<Req, Res>;
  idle?: NodeJS.Timeout;
  /** Set once the worker is being stopped (idle, closed): its exit fails nothing. */
  stopping?: boolean;
}

export class WorkerPool<Req, Res> {
  private readonly size: number;
  private readonly idleMs: number;
  private readonly slots = new Set<Slot<Req, Res>>();
  private readonly waiting: Task<Req, Res>[] = [];
  private nextId = 1;
  private closed = false;
  /** Workers started over the pool's life (diagnostics and tests). */
  started = 0;

  constructor(private readonly options: WorkerPoolOptions) {
    this.size = Math.max(1, options.size ?? Math.min(2, availableParallelism()));
    this.idleMs = options.idleMs ?? 30_000;
  }

  /** Workers running now. */
  get threads(): number {
    return this.slots.size;
  }

  /** Tasks waiting for a free worker. */
  get queued(): number {
    return this.waiting.length;
  }

  run(request: Req, transfer: readonly Transferable[] = []): Promise<Res> {
    if (this.closed) return Promise.reject(new WorkerCrashed("the worker pool is closed"));
    return new Promise<Res>((resolve, reject) => {
      this.waiting.push({ id: this.nextId++, request, transfer, resolve, reject });
      this.dispatch();
    });
  }

  /**
   * Starts one worker now if none is running (otherwise does nothing), so that the task about to come does
   * not wait for a thread to start and load its module: call it when work is on its way (a page is being
   * fetched). A worker warmed for nothing stops after `idleMs` like any idle one.
   */
  warm(): void {
    if (this.closed || this.slots.size > 0) return;
    this.afterTask(this.spawn());
  }

  /** Stops every worker; tasks not finished fail with `WorkerCrashed`. */
  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.waiting.splice(0)) t.reject(new WorkerCrashed("the worker pool is closed"));
    await Promise.all([...this.slots].map((s) => this.stop(s)));
  }

  private dispatch(): void {
    while (this.waiting.length > 0) {
      let slot = [...this.slots].find((s) => !s.task && !s.stopping);
      if (!slot && this.slots.size < this.size) slot = this.spawn();
      if (!slot) return;
      const task = this.waiting.shift() as Task<Req, Res>;
      clearTimeout(slot.idle);
      slot.idle = undefined;
      slot.task = task;
      // A worker at work keeps the process alive; an idle one does not.
      slot.worker.ref();
      slot.worker.postMessage({ id: task.id, request: task.request }, task.transfer);
    }
  }

  private spawn(): Slot<Req, Res> {
    const file = this.options.file;
    const worker = new Worker(file.pathname.endsWith(".ts") ? tsEntry(file) : fileURLToPath(file), {
      name: this.options.name,
      resourceLimits: this.options.resourceLimits,
    });
    this.started++;
    const slot: Slot<Req, Res> = { worker };
    this.slots.add(slot);
    worker.on("message", (reply: Reply<Res>) => {
      const task = slot.task;
      if (!task || task.id !== reply.id) return;
      slot.task = undefined;
      if (reply.ok) task.resolve(reply.value);
      else task.reject(new WorkerTaskError(reply.message));
      this.afterTask(slot);
    });
    let failure: Error | undefined;
    worker.on("error", (err: Error & { code?: string }) => {
      failure = err;
    });
    worker.on("exit", (code) => {
      this.slots.delete(slot);
      clearTimeout(slot.idle);
      const task = slot.task;
      slot.task = undefined;
      if (task) {
        const code2 = (failure as { code?: string } | undefined)?.code;
        const why =
          code2 === "ERR_WORKER_OUT_OF_MEMORY"
            ? "the task ran out of memory (the worker's heap cap)"
            : failure
              ? `the worker failed: ${failure.message}`
              : `the worker stopped (exit code ${code})`;
        task.reject(new WorkerCrashed(why, code2));
      }
      if (!this.closed) this.dispatch();
    });
    worker.unref();
    return slot;
  }

  private afterTask(slot: Slot<Req, Res>): void {
    if (this.waiting.length > 0) {
      this.dispatch();
      return;
    }
    slot.worker.unref();
    slot.idle = setTimeout(() => {
      void this.stop(slot);
    }, this.idleMs);
    slot.idle.unref();
  }

  private async stop(slot: Slot<Req, Res>): Promise<void> {
    slot.stopping = true;
    clearTimeout(slot.idle);
    await slot.worker.terminate();
  }
}

/**
 * A source file (tests, development under tsx) runs in the thread behind tsx's loader, registered there
 * first; the build's `.js` files run as they are.
 */
function tsEntry(file: URL): URL {
  const tsx = pathToFileURL(
    createRequire(import.meta.url)
      .resolve("tsx/esm/api")
      .replace(/\.cjs$/, ".mjs"),
  ).href;
  const code = `const { register } = await import(${JSON.stringify(tsx)}); register(); await import(${JSON.stringify(file.href)});`;
  return new URL(`data:text/javascript,${encodeURIComponent(code)}`);
}

/**
 * The worker's side: answers each task with `handle`'s result (or its error's message). Call it once
 * from the worker's module.
 */
export function serveWorker<Req, Res>(
  handle: (request: Req) => Promise<Res> | Res,
  transferOf: (result: Res) => readonly Transferable[] = () => [],
): void {
  const port = parentPort;
  if (!port) throw new Error("serveWorker runs in a worker thread");
  port.on("message", async ({ id, request }: { id: number; request: Req }) => {
    try {
      const value = await handle(request);
      port.postMessage({ id, ok: true, value } satisfies Reply<Res>, [...transferOf(value)]);
    } catch (err) {
      port.postMessage({
        id,
        ok: false,
        message: err instanceof Error ? err.message : String(err),
      } satisfies Reply<Res>);
    }
  });
}
