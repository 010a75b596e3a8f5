import { createHash } from "node:crypto";
import type { TSchema } from "@sinclair/typebox";
import {
  type BackendFactory,
  Queue as BQueue,
  createPostgresBackend,
  Job,
  UnrecoverableError,
  WaitingError,
  Worker,
} from "bullmq";
import { Redis } from "ioredis";
import type { Kysely } from "kysely";
import { type Clock, systemClock } from "../clock.js";
import type { UnitOfWork } from "../db/unit-of-work.js";
import { newId } from "../ids.js";
import {
  backoffDelay,
  type DeadJob,
  dueAt,
  type EnqueueItem,
  type JobDef,
  type Queue,
  type QueueCounts,
} from "./queue.js";
import type { QueueTables } from "./queue.tables.js";
import { QueueCore, settledWithin } from "./queue-core.js";
import { Slots } from "./slots.js";

interface Log {
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface BullMqQueueOptions {
  /** Redis (the usual backend) or BullMQ 6's PostgreSQL backend. */
  backend:
    | { kind: "redis"; url: string; prefix?: string }
    | { kind: "postgres"; url: string; schema?: string };
  /** A job whose worker stops renewing this lock is taken back by another worker (default 30 s). */
  lockDurationMs?: number;
  /** How often workers look for jobs whose lock expired (default lockDuration / 2... BullMQ: 30 s). */
  stalledIntervalMs?: number;
  /** Random source for backoff jitter (tests pass a fixed one). */
  random?: () => number;
  clock?: Clock;
  log?: Log;
  /**
   * The database's unit of work: a job enqueued inside one of its transactions is written to the
   * `queue_outbox` table in that transaction and handed to BullMQ once it commits (never for a write that
   * rolled back, never lost for one that committed). Without it, enqueue always adds at once.
   */
  uow?: UnitOfWork;
  /** How often rows left in `queue_outbox` by a process that died before handing them over are swept (default 5 s). */
  sweepMs?: number;
}

/** Rows per hand-over of `queue_outbox` to BullMQ. */
const HAND_OVER_BATCH = 500;

interface Active {
  stop: AbortController;
  released: boolean;
  onRelease: Promise<void>;
  releaseNow: () => void;
  settled: Promise<void>;
}

// biome-ignore lint/suspicious/noExplicitAny: one type for queues on either backend
type BullQueue = BQueue<any, any, string, any, any, string, any, any>;
// biome-ignore lint/suspicious/noExplicitAny: one type for workers on either backend
type BullWorker = Worker<any, any, string, any, any, any>;

const BACKOFF_TYPE = "readlog";
const never = new Promise<never>(() => {});

function signal(): { fired: Promise<void>; fire: () => void } {
  let fire = () => {};
  const fired = new Promise<void>((r) => {
    fire = r;
  });
  return { fired, fire };
}

/**
 * The scaled queue: one BullMQ queue per job type (so a job type's concurrency is a worker setting), on
 * Redis or on BullMQ's PostgreSQL backend. The public job id is `<job name>/<BullMQ job id>`; an
 * idempotency key becomes the BullMQ job id, which BullMQ deduplicates while the job exists. Completed
 * jobs are removed; failed jobs (attempts exhausted or invalid payload) are the dead ones.
 */
export class BullMqQueue extends QueueCore implements Queue {
  readonly kind: string;
  private readonly producers = new Map<string, BullQueue>();
  private workers: BullWorker[] = [];
  private readonly active = new Set<Active>();
  /** Jobs taken by this process but not run to the end, to put back in the wait list once its workers are closed. */
  private held: Array<{ job: Job; token: string }> = [];
  /** Fired by a stopping process once the grace period is over: what it still holds is given back. */
  private release = signal();
  private slots = new Slots(1);
  private sweeper: NodeJS.Timeout | undefined;
  private redis: Redis | undefined;
  private readonly clock: Clock;
  private readonly random: () => number;

  constructor(private readonly opts: BullMqQueueOptions) {
    super();
    this.kind = `bullmq-${opts.backend.kind}`;
    this.clock = opts.clock ?? systemClock;
    this.random = opts.random ?? Math.random;
  }

  protected async store<S extends TSchema>(
    job: JobDef<S>,
    items: readonly EnqueueItem<S>[],
  ): Promise<string[]> {
    const now = this.clock.now();
    const planned = items.map(({ payload, opts }) => ({
      payload,
      jobId:
        opts?.idempotencyKey === undefined
          ? newId(now.getTime())
          : `k-${createHash("sha256").update(opts.idempotencyKey).digest("hex").slice(0, 40)}`,
      delayMs: Math.max(0, dueAt(now, opts).getTime() - now.getTime()),
    }));
    const uow = this.opts.uow;
    if (uow?.active) {
      // In the caller's transaction; BullMQ gets them once it has committed.
      const rows = planned.map((p) => ({
        id: newId(now.getTime()),
        name: job.name,
        payload: JSON.stringify(p.payload),
        opts: JSON.stringify({ jobId: p.jobId, delayMs: p.delayMs }),
        created_at: now.toISOString(),
      }));
      const db: Kysely<QueueTables> = uow.db;
      for (let i = 0; i < rows.length; i += HAND_OVER_BATCH)
        await db
          .insertInto("queue_outbox")
          .values(rows.slice(i, i + HAND_OVER_BATCH))
          .execute();
      const ids = rows.map((r) => r.id);
      uow.afterCommit(() => this.handOver(ids));
      return planned.map((p) => `${job.name}/${p.jobId}`);
    }
    return this.add(job.name, planned);
  }

  /** Adds jobs to BullMQ in one round trip; a job id already present (or repeated in the list) is kept. */
  private async add(
    name: string,
    planned: { payload: unknown; jobId: string; delayMs: number }[],
  ): Promise<string[]> {
    const def = this.registry.get(name);
    if (!def) throw new Error(`job "${name}" is not declared in this process`);
    const added = await this.producer(name).addBulk(
      planned.map((p) => ({
        name,
        data: p.payload,
        opts: {
          jobId: p.jobId,
          delay: p.delayMs,
          attempts: def.policy.attempts,
          backoff: { type: BACKOFF_TYPE },
          removeOnComplete: true,
          removeOnFail: false,
        },
      })),
    );
    return added.map((a, i) => `${name}/${a.id ?? planned[i]!.jobId}`);
  }

  /**
   * Hands rows of `queue_outbox` to BullMQ and deletes them: the given ids (just committed), or every row
   * older than a few seconds (left by a process that died between its commit and its hand-over). A row
   * handed over twice is one job: its BullMQ job id was fixed when it was enqueued.
   */
  async handOver(ids?: readonly string[]): Promise<void> {
    const uow = this.opts.uow;
    if (!uow) return;
    await uow.outside(async () => {
      const db: Kysely<QueueTables> = uow.db;
      for (;;) {
        let q = db.selectFrom("queue_outbox").selectAll().orderBy("id").limit(HAND_OVER_BATCH);
        if (ids) q = q.where("id", "in", ids.length > 0 ? ids : [""]);
        else q = q.where("created_at", "<", new Date(this.clock.now().getTime() - 5_000).toISOString());
        const rows = await q.execute();
        if (rows.length === 0) return;
        const byName = new Map<string, typeof rows>();
        for (const r of rows) byName.set(r.name, [...(byName.get(r.name) ?? []), r]);
        for (const [name, list] of byName) {
          if (!this.registry.get(name)) continue;
          await this.add(
            name,
            list.map((r) => {
              const o = JSON.parse(r.opts) as { jobId: string; delayMs: number };
              const age = this.clock.now().getTime() - Date.parse(r.created_at);
              return {
                payload: JSON.parse(r.payload),
                jobId: o.jobId,
                delayMs: Math.max(0, o.delayMs - age),
              };
            }),
          );
        }
        await db
          .deleteFrom("queue_outbox")
          .where(
            "id",
            "in",
            rows.filter((r) => this.registry.get(r.name)).map((r) => r.id),
          )
          .execute();
        if (ids || rows.length < HAND_OVER_BATCH) return;
      }
    });
  }

  protected async startWorkers(concurrency: number): Promise<void> {
    this.release = signal();
    this.slots = new Slots(concurrency);
    if (this.opts.uow) {
      this.sweeper = setInterval(() => {
        this.handOver().catch((err) => this.opts.log?.error({ err }, "queue outbox sweep failed"));
      }, this.opts.sweepMs ?? 5_000);
      this.sweeper.unref();
    }
    const factory = this.backendFactory();
    this.workers = this.registry.all().map((def) => {
      const opts = {
        ...this.connectionOptions(),
        concurrency: Math.min(def.policy.concurrency ?? concurrency, concurrency),
        lockDuration: this.lockDurationMs(),
        ...(this.opts.stalledIntervalMs ? { stalledInterval: this.opts.stalledIntervalMs } : {}),
        // A job that keeps killing its worker ends up dead instead of looping.
        maxStalledCount: Math.max(1, def.policy.attempts - 1),
        settings: {
          backoffStrategy: (attemptsMade: number, _type?: string, _err?: Error, j?: { name: string }) => {
            const policy = this.registry.get(j?.name ?? def.name)?.policy ?? def.policy;
            return Math.max(1, backoffDelay(policy, attemptsMade, this.random));
          },
        },
      };
      const processor = (job: Job, token?: string) => this.process(job, token);
      return (
        factory ? new Worker(def.name, processor, opts, factory) : new Worker(def.name, processor, opts)
      ) as BullWorker;
    });
    for (const w of this.workers)
      w.on("error", (err: Error) => this.opts.log?.error({ err, queue: this.kind }, "queue worker error"));
  }

  /** Test hook: stops like `kill -9` — workers vanish, their jobs keep their locks until those expire. */
  async crash(): Promise<void> {
    this.state = "crashed";
    clearInterval(this.sweeper);
    await Promise.all(this.workers.map((w) => w.close(true)));
    this.workers = [];
  }

  async close(): Promise<void> {
    if (this.state === "closed") return;
    if (this.state === "running" || this.state === "stopping") await this.stop({ graceMs: 0 });
    this.state = "closed";
    await Promise.all(this.workers.map((w) => w.close(true)));
    await Promise.all([...this.producers.values()].map((q) => q.close()));
    this.producers.clear();
    await this.redis?.quit().catch(() => undefined);
  }

  async counts(): Promise<QueueCounts> {
    const out: QueueCounts = { waiting: 0, delayed: 0, running: 0, failed: 0, dead: 0 };
    const now = this.clock.now().getTime();
    for (const def of this.registry.all()) {
      const q = this.producer(def.name);
      const c = await q.getJobCounts("active", "wait", "prioritized", "failed");
      out.running += c.active ?? 0;
      out.waiting += (c.wait ?? 0) + (c.prioritized ?? 0);
      out.dead += c.failed ?? 0;
      // BullMQ keeps retries and delayed jobs in one set; tell them apart like the SQL queue does.
      for (const j of await q.getDelayed()) {
        if (j.timestamp + j.delay <= now && j.attemptsMade === 0) out.waiting++;
        else if (j.attemptsMade > 0) out.failed++;
        else out.delayed++;
      }
    }
    return out;
  }

  async listDead(opts: { limit?: number } = {}): Promise<DeadJob[]> {
    const limit = opts.limit ?? 100;
    const all: DeadJob[] = [];
    for (const def of this.registry.all()) {
      for (const j of await this.producer(def.name).getFailed(0, limit - 1)) {
        all.push({
          id: `${def.name}/${j.id}`,
          name: def.name,
          payload: j.data,
          attempts: j.attemptsMade,
          error: j.failedReason ?? "",
          diedAt: new Date(j.finishedOn ?? j.timestamp).toISOString(),
        });
      }
    }
    return all.sort((a, b) => (a.diedAt < b.diedAt ? 1 : a.diedAt > b.diedAt ? -1 : 0)).slice(0, limit);
  }

  async retryDead(id: string): Promise<boolean> {
    const job = await this.findDead(id);
    if (!job) return false;
    await job.retry("failed", { resetAttemptsMade: true, resetAttemptsStarted: true });
    return true;
  }

  async discardDead(id: string): Promise<boolean> {
    const job = await this.findDead(id);
    if (!job) return false;
    await job.remove();
    return true;
  }

  /** Removes every key/row of this process's declared queues (tests and benchmarks). */
  async obliterate(): Promise<void> {
    for (const def of this.registry.all()) await this.producer(def.name).obliterate({ force: true });
  }

  // --- internals -----------------------------------------------------------------------------------------

  private async findDead(id: string): Promise<Job | undefined> {
    const slash = id.indexOf("/");
    const name = id.slice(0, slash);
    if (slash < 1 || !this.registry.get(name)) return undefined;
    const job = await this.producer(name).getJob(id.slice(slash + 1));
    if (!job || !(await job.isFailed())) return undefined;
    return job;
  }

  // biome-ignore lint/suspicious/noExplicitAny: Redis and PostgreSQL take different connection shapes
  private connectionOptions(): { connection: any; prefix?: string } {
    const b = this.opts.backend;
    if (b.kind === "redis") {
      // Connected on first use, so a process that never touches the queue holds no connection.
      this.redis ??= new Redis(b.url, { maxRetriesPerRequest: null });
      return { connection: this.redis, prefix: b.prefix ?? "readlog" };
    }
    return { connection: { connectionString: b.url, schema: b.schema ?? "bullmq", migrate: true } };
  }

  private backendFactory(): BackendFactory | undefined {
    // biome-ignore lint/suspicious/noExplicitAny: BullMQ types its factories by connection type
    return this.opts.backend.kind === "postgres" ? (createPostgresBackend as any) : undefined;
  }

  private producer(name: string): BullQueue {
    let q = this.producers.get(name);
    if (!q) {
      const factory = this.backendFactory();
      q = (
        factory
          ? new BQueue(name, this.connectionOptions(), factory)
          : new BQueue(name, this.connectionOptions())
      ) as BullQueue;
      this.producers.set(name, q);
    }
    return q;
  }

  private lockDurationMs(): number {
    return this.opts.lockDurationMs ?? 30_000;
  }

  private async process(job: Job, token: string | undefined): Promise<void> {
    if (this.state === "crashed") return never;
    if (this.state !== "running") {
      // BullMQ runs every job its worker has fetched, even once paused or closing (a blocking fetch still in
      // flight when stop() began can return one). A stopping process does not start it: it keeps it (BullMQ
      // renews the lock meanwhile) and gives it back with the rest when the grace period is over.
      await this.release.fired;
      if (this.isCrashed()) return never;
      return await this.giveBack(job, token);
    }
    let releaseNow = () => {};
    const entry: Active = {
      stop: new AbortController(),
      released: false,
      onRelease: new Promise<void>((r) => {
        releaseNow = r;
      }),
      releaseNow: () => releaseNow(),
      settled: Promise.resolve(),
    };
    let settle = () => {};
    entry.settled = new Promise<void>((r) => {
      settle = r;
    });
    this.active.add(entry);
    try {
      const got = await this.slots.acquire(entry.stop.signal);
      if (!got || entry.released) return await this.giveBack(job, token);
      try {
        const outcome = await Promise.race([
          this.registry.run(job.name, job.data, {
            id: `${job.name}/${job.id}`,
            attempt: Math.max(1, job.attemptsStarted),
            stop: entry.stop.signal,
          }),
          entry.onRelease.then(() => undefined),
        ]);
        if (this.isCrashed()) return never;
        if (entry.released || outcome === undefined) return await this.giveBack(job, token);
        if (outcome.kind === "invalid") throw new UnrecoverableError(outcome.error);
        if (outcome.kind === "failed") throw new Error(outcome.error);
      } finally {
        this.slots.release();
      }
    } finally {
      this.active.delete(entry);
      settle();
    }
  }

  private isCrashed(): boolean {
    return this.state === "crashed";
  }

  /**
   * Ends an attempt given back by a stopping process without touching the job: WaitingError makes BullMQ
   * leave it as it is, still active and locked with this token, and `drain` moves it to the wait list once
   * the workers are closed. Moving it here instead races the worker's own blocking fetch, which pause() does
   * not cancel and close() cancels only asynchronously: that fetch could take the job right back, BullMQ
   * would run it again in this stopping process, nothing would release it any more, and close() would wait
   * for that attempt until its timeout failed it (issue 5: released jobs ending up dead).
   */
  private async giveBack(job: Job, token: string | undefined): Promise<never> {
    // BullMQ stops renewing the lock when this processor returns; a fresh one covers closing the workers.
    const locked =
      token !== undefined &&
      (await job.extendLock(token, this.lockDurationMs()).then(
        (n) => Number(n) === 1,
        () => false,
      ));
    if (locked) this.held.push({ job, token });
    else
      this.opts.log?.warn({ job: `${job.name}/${job.id}` }, "released job had lost its lock; not put back");
    throw new WaitingError();
  }

  /** Moves the jobs given back to the wait list, with their lock tokens, without charging an attempt. */
  private async putBack(): Promise<void> {
    const held = this.held;
    this.held = [];
    await Promise.all(
      held.map(async ({ job, token }) => {
        try {
          // The worker that took the job is closed; its producer queue does the move.
          const fresh = await Job.fromId(this.producer(job.queueName), job.id as string);
          await fresh?.moveToWait(token);
        } catch (err) {
          // A lost lock: some worker's stalled-job check takes the job back instead.
          this.opts.log?.warn({ err, job: `${job.name}/${job.id}` }, "could not put a released job back");
        }
      }),
    );
  }

  protected async drainWorkers(graceMs: number): Promise<void> {
    clearInterval(this.sweeper);
    // Stop taking new jobs first; close() below waits for the processors, which we bound by graceMs.
    for (const w of this.workers) void w.pause(true).catch(() => undefined);
    await settledWithin(
      [...this.active].map((a) => a.settled),
      graceMs,
    );
    this.release.fire();
    for (const a of this.active) {
      a.released = true;
      a.stop.abort(new Error("worker stopping"));
      a.releaseNow();
    }
    // close() waits for the processors (each given-back one returns at once) and ends the workers' fetches;
    // only then do the given-back jobs go back to the wait list, where no fetch of this process can take them.
    await Promise.all(this.workers.map((w) => w.close()));
    this.workers = [];
    await this.putBack();
  }
}
