import type { Static, TSchema } from "@sinclair/typebox";
import { JobRegistry } from "./job-registry.js";
import type { EnqueueItem, EnqueueOptions, JobDef, JobHandler, StartOptions, StopOptions } from "./queue.js";
import { QueueError } from "./queue.js";

export type QueueState = "idle" | "running" | "stopping" | "crashed" | "closed";

/**
 * What every Queue adapter shares: job declarations and payload validation (the registry), the worker
 * state machine (idle → running → stopping → idle; crashed and closed for good), the checks `start`
 * makes, and stop's single drain that concurrent callers all wait for. Adapters supply storage and
 * workers: `store` / `storeMany` to persist jobs, `startWorkers` and `drainWorkers`.
 */
export abstract class QueueCore {
  protected readonly registry = new JobRegistry();
  protected state: QueueState = "idle";
  private stopping: Promise<void> | undefined;

  declare(...jobs: JobDef[]): void {
    this.registry.declare(...jobs);
  }

  handle<S extends TSchema>(job: JobDef<S>, handler: JobHandler<S>): void {
    this.registry.handle(job, handler);
  }

  async enqueue<S extends TSchema>(
    job: JobDef<S>,
    payload: Static<S>,
    opts: EnqueueOptions = {},
  ): Promise<string> {
    this.registry.checkEnqueue(job, payload);
    const [id] = await this.store(job, [{ payload, opts }]);
    return id as string;
  }

  async enqueueMany<S extends TSchema>(job: JobDef<S>, items: readonly EnqueueItem<S>[]): Promise<string[]> {
    for (const item of items) this.registry.checkEnqueue(job, item.payload);
    if (items.length === 0) return [];
    return this.store(job, items);
  }

  async start(opts: StartOptions = {}): Promise<void> {
    if (this.state !== "idle") throw new QueueError(`workers are already ${this.state}`);
    this.registry.assertComplete();
    const concurrency = opts.concurrency ?? 4;
    if (!(Number.isInteger(concurrency) && concurrency >= 1))
      throw new QueueError("concurrency must be a whole number ≥ 1");
    this.state = "running";
    await this.startWorkers(concurrency);
  }

  stop(opts: StopOptions = {}): Promise<void> {
    if (this.state === "running") {
      this.state = "stopping";
      this.stopping = this.drainWorkers(opts.graceMs ?? 10_000).finally(() => {
        if (this.state === "stopping") this.state = "idle";
      });
    }
    return this.stopping ?? Promise.resolve();
  }

  /** Stores already validated jobs (joining the caller's unit of work) and returns their ids in order. */
  protected abstract store<S extends TSchema>(
    job: JobDef<S>,
    items: readonly EnqueueItem<S>[],
  ): Promise<string[]>;
  protected abstract startWorkers(concurrency: number): Promise<void>;
  /** Lets running attempts finish within graceMs, then gives the rest back to the queue. */
  protected abstract drainWorkers(graceMs: number): Promise<void>;
}

/** Waits until every promise settles or `ms` passes, whichever is first. */
export async function settledWithin(promises: readonly Promise<unknown>[], ms: number): Promise<void> {
  if (promises.length === 0) return;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    Promise.allSettled(promises),
    new Promise<void>((r) => {
      timer = setTimeout(r, ms);
    }),
  ]);
  clearTimeout(timer);
}
