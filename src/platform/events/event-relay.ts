import { randomBytes } from "node:crypto";
import { type Static, Type } from "@sinclair/typebox";
import type { Kysely } from "kysely";
import type { Clock } from "../clock.js";
import type { UnitOfWork } from "../db/unit-of-work.js";
import { SqlLease } from "../lease.js";
import type { PubSub, Unsubscribe } from "../pubsub/pubsub.js";
import { defineJob, type JobDef, type JobPolicy, type Queue } from "../queue/queue.js";
import type { DomainEvent } from "./event.js";
import { eventOfRow } from "./event-log.js";
import type { EventTables } from "./events.tables.js";

/** The pub/sub channel every relayed batch of events is published on (a JSON array of DomainEvent). */
export const EVENTS_CHANNEL = "events";
/** The pub/sub channel that wakes the relay of whichever process holds its lease. */
export const WAKE_CHANNEL = "events.wake";
export const RELAY_LEASE = "events.relay";

/** A durable consumer of events: it runs as a job (`events.<name>`), once per event, at least once. */
export interface EventSubscriber {
  /** Unique, lowercase words and dashes (e.g. `review-cards`): the job is `events.<name>`. */
  name: string;
  /** The event names it handles. */
  events: readonly string[];
  /**
   * Handles one event. It may run more than once for the same event, and events of different aggregates
   * in any order: make it idempotent and let it read the current state rather than trust the payload alone.
   */
  handle(event: DomainEvent): Promise<void>;
  policy?: JobPolicy;
}

const EventPayload = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 64 }),
  name: Type.String({ minLength: 1, maxLength: 200 }),
  aggregateId: Type.String({ maxLength: 200 }),
  ownerId: Type.Union([Type.String({ maxLength: 64 }), Type.Null()]),
  payload: Type.Unknown(),
  at: Type.String({ maxLength: 40 }),
});

const DEFAULT_POLICY: JobPolicy = {
  attempts: 8,
  backoff: { baseMs: 1_000, maxMs: 5 * 60_000 },
  timeoutMs: 60_000,
};

export interface RelayOptions {
  /** Events read per pass (default 500). */
  batch?: number;
  /** How often the lease holder looks for events committed by other processes (default 1 s). */
  pollMs?: number;
  /** How long published events are kept for clients catching up (default 24 h). */
  retentionMs?: number;
  leaseMs?: number;
  holder?: string;
}

interface Log {
  error(obj: object, msg: string): void;
}

/**
 * Delivers recorded events after their commit: in id order, a batch at a time, it enqueues a job per
 * subscriber and event (idempotency key: the event id) and marks the batch published in one transaction (the
 * SQL queue's jobs join it; BullMQ's are handed over once it commits), so a crash repeats a batch rather than
 * loses it: jobs run at least once. Once committed, the batch is published on pub/sub (hints for caches and
 * open clients, which catch up from the table after a gap). One relay acts at a time (a lease), so a batch is never delivered by two
 * processes at once and events of one aggregate reach pub/sub in the order they were recorded (writes to
 * one aggregate are serialised by its row lock, and record their event after that write). Commits in this
 * process wake it at once; other processes wake the holder over pub/sub, and it polls as a fallback.
 */
export class EventRelay {
  private readonly subscribers: Array<{ sub: EventSubscriber; job: JobDef<typeof EventPayload> }> = [];
  private readonly lease: SqlLease;
  private readonly batch: number;
  private readonly retentionMs: number;
  private timer: NodeJS.Timeout | undefined;
  private unsubscribe: Unsubscribe | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private started = false;
  private held = false;
  private lastPrune = 0;
  private woken = 0;

  constructor(
    private readonly deps: { uow: UnitOfWork; queue: Queue; pubsub: PubSub; clock: Clock; log?: Log },
    private readonly opts: RelayOptions = {},
  ) {
    this.batch = opts.batch ?? 500;
    this.retentionMs = opts.retentionMs ?? 24 * 3600_000;
    const holder = opts.holder ?? `${process.pid}-${randomBytes(4).toString("hex")}`;
    this.lease = new SqlLease(deps.uow, RELAY_LEASE, holder, deps.clock, opts.leaseMs ?? 15_000);
  }

  private get db(): Kysely<EventTables> {
    return this.deps.uow.db;
  }

  /** Adds a durable subscriber: declares and handles its job on the queue. Call before the queue starts. */
  subscribe(sub: EventSubscriber): JobDef {
    if (this.subscribers.some((s) => s.sub.name === sub.name))
      throw new Error(`event subscriber "${sub.name}" is registered twice`);
    const job = defineJob({
      name: `events.${sub.name}`,
      payload: EventPayload,
      policy: sub.policy ?? DEFAULT_POLICY,
    });
    this.deps.queue.handle(job, (event: Static<typeof EventPayload>) => sub.handle(event as DomainEvent));
    this.subscribers.push({ sub, job });
    return job;
  }

  /** Starts relaying: listens for wake-ups and polls. Idempotent. */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    this.unsubscribe = await this.deps.pubsub.subscribe(WAKE_CHANNEL, () => this.kick());
    this.timer = setInterval(() => this.kick(), this.opts.pollMs ?? 1_000);
    this.timer.unref();
    this.kick();
  }

  /** Stops relaying (the lease is given up so another process takes over at once) once a pass in flight ends. */
  async stop(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    clearInterval(this.timer);
    await this.unsubscribe?.();
    await this.running;
    if (this.held) await this.deps.uow.outside(() => this.lease.release()).catch(() => {});
    this.held = false;
  }

  /**
   * Asks for a pass soon: called after every local commit that recorded events. When another process
   * holds the lease, it is woken over pub/sub (at most every 20 ms from here).
   */
  kick(): void {
    if (!this.started) return;
    if (!this.held) {
      const now = Date.now();
      if (now - this.woken >= 20) {
        this.woken = now;
        void this.deps.pubsub.publish(WAKE_CHANNEL, "1").catch(() => {});
      }
    }
    void this.drain().catch((err) => this.deps.log?.error({ err }, "event relay pass failed"));
  }

  /** Relays until nothing unpublished is left (tests await it; `kick` calls it in the background). */
  drain(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.deps.uow.outside(async () => {
      try {
        do {
          this.again = false;
          await this.pass();
        } while (this.again);
      } finally {
        this.running = undefined;
      }
    });
    return this.running;
  }

  private async pass(): Promise<void> {
    this.held = await this.lease.hold();
    if (!this.held) return;
    for (;;) {
      const rows = await this.db
        .selectFrom("events")
        .selectAll()
        .where("published_at", "is", null)
        .orderBy("id")
        .limit(this.batch)
        .execute();
      if (rows.length === 0) break;
      const events: DomainEvent[] = rows.map(eventOfRow);
      const now = this.deps.clock.now().toISOString();
      const jobs = this.subscribers
        .map(({ sub, job }) => ({ job, mine: events.filter((e) => sub.events.includes(e.name)) }))
        .filter((j) => j.mine.length > 0);
      const markPublished = () =>
        this.db
          .updateTable("events")
          .set({ published_at: now })
          .where(
            "id",
            "in",
            rows.map((r) => r.id),
          )
          .execute();
      const publish = () => this.deps.pubsub.publish(EVENTS_CHANNEL, JSON.stringify(events));
      if (jobs.length === 0) {
        // Nothing to enqueue (most events only feed pub/sub): one statement needs no transaction of its own.
        await markPublished();
        await publish().catch((err) => this.deps.log?.error({ err }, "event relay could not publish"));
      } else {
        await this.deps.uow.transaction(async () => {
          for (const { job, mine } of jobs)
            await this.deps.queue.enqueueMany(
              job,
              mine.map((e) => ({ payload: e, opts: { idempotencyKey: e.id } })),
            );
          await markPublished();
          // Pub/sub carries hints (caches, open clients catch up from the table): published once committed.
          this.deps.uow.afterCommit(publish);
        });
      }
      if (rows.length < this.batch) break;
    }
    await this.prune();
  }

  /** Deletes published events past the retention, at most once a minute. */
  private async prune(): Promise<void> {
    const now = this.deps.clock.now().getTime();
    if (now - this.lastPrune < 60_000) return;
    this.lastPrune = now;
    await this.db
      .deleteFrom("events")
      .where("published_at", "is not", null)
      .where("published_at", "<", new Date(now - this.retentionMs).toISOString())
      .execute();
  }
}
