import { randomBytes } from "node:crypto";
import type { TSchema } from "@sinclair/typebox";
import type { Kysely } from "kysely";
import { type Selectable, type SelectQueryBuilder, sql } from "kysely";
import { type Clock, systemClock } from "../clock.js";
import type { UnitOfWork } from "../db/unit-of-work.js";
import { newId } from "../ids.js";
import { type AttemptOutcome, describeError } from "./job-registry.js";
import {
  backoffDelay,
  type DeadJob,
  dueAt,
  type EnqueueItem,
  type JobDef,
  type Queue,
  type QueueCounts,
  QueueError,
} from "./queue.js";
import type { JobsTable, QueueTables } from "./queue.tables.js";
import { QueueCore, settledWithin } from "./queue-core.js";

type Row = Selectable<JobsTable>;

interface Log {
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface SqlQueueOptions {
  clock?: Clock;
  /** How often an idle worker looks for due jobs enqueued by other processes (default 200 ms). */
  pollIntervalMs?: number;
  /**
   * While jobs run, how long a freed slot may wait for others to free up before it is filled (default
   * 5 ms): claims then take several jobs at once.
   */
  gatherMs?: number;
  /** Lease = the job's timeoutMs + this; a job still running past it is taken back (default 30 s). */
  leaseMarginMs?: number;
  /** How often expired leases are looked for (default 1 s). */
  reapIntervalMs?: number;
  /** Random source for backoff jitter (tests pass a fixed one). */
  random?: () => number;
  log?: Log;
}

interface Active {
  row: Row;
  stop: AbortController;
  released: boolean;
  done: Promise<void>;
}

/** Rows per INSERT of enqueueMany: 8 parameters each, well under SQLite's and PostgreSQL's limits. */
const ENQUEUE_CHUNK = 500;

type Finished = Pick<Row, "id" | "locked_by">;

/** What a claim sets besides counting the attempt. */
type Claim = { status: "running"; locked_by: string; locked_until: string };

type NewRow = Omit<Row, "attempts" | "locked_by" | "locked_until" | "last_error" | "died_at">;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * The embedded queue: one Kysely table on SQLite or PostgreSQL. Jobs are claimed with one atomic
 * UPDATE … RETURNING (PostgreSQL adds FOR UPDATE SKIP LOCKED so concurrent workers never wait on each
 * other), held under a lease, deleted when done. A worker that dies leaves its lease to expire; any worker
 * then takes the job back. Enqueue wakes this process's workers at once; other processes poll.
 */
export class SqlQueue extends QueueCore implements Queue {
  readonly kind: string;
  private readonly clock: Clock;
  private readonly pollIntervalMs: number;
  private readonly gatherMs: number;
  private readonly leaseMarginMs: number;
  private readonly reapIntervalMs: number;
  private concurrency = 4;
  private readonly active = new Map<string, Active>();
  private readonly runningByName = new Map<string, number>();
  private loopDone: Promise<void> | undefined;
  private woken = false;
  private wakeSleeper: (() => void) | undefined;
  private lastReap = 0;
  /**
   * Attempts that succeeded, their rows not yet deleted: the next claim deletes them in the same statement
   * (PostgreSQL) or just before it in the same transaction (SQLite), so one commit both completes a batch
   * and takes the next one.
   */
  private finished: Finished[] = [];

  constructor(
    private readonly uow: UnitOfWork,
    private readonly opts: SqlQueueOptions = {},
  ) {
    super();
    this.kind = `sql-${uow.kind}`;
    this.clock = opts.clock ?? systemClock;
    this.pollIntervalMs = opts.pollIntervalMs ?? 200;
    this.gatherMs = opts.gatherMs ?? 5;
    this.leaseMarginMs = opts.leaseMarginMs ?? 30_000;
    this.reapIntervalMs = opts.reapIntervalMs ?? 1000;
  }

  /** The caller's transaction when there is one: jobs enqueued there commit or roll back with it. */
  private get db(): Kysely<QueueTables> {
    return this.uow.db;
  }

  /**
   * Joins the caller's unit of work: a job enqueued in a transaction exists exactly when it commits, and this
   * process's workers are woken after that commit.
   */
  protected async store<S extends TSchema>(
    job: JobDef<S>,
    items: readonly EnqueueItem<S>[],
  ): Promise<string[]> {
    const now = this.clock.now();
    const rows = items.map((item) => ({
      id: newId(now.getTime()),
      name: job.name,
      payload: JSON.stringify(item.payload),
      status: "waiting" as const,
      run_at: dueAt(now, item.opts).toISOString(),
      max_attempts: job.policy.attempts,
      idempotency_key: item.opts?.idempotencyKey ?? null,
      created_at: now.toISOString(),
    }));
    const ids =
      rows.length === 1 && !this.uow.active
        ? [await this.insertOne(job, rows[0]!)]
        : await this.uow.transaction(() => this.insertMany(job, rows));
    this.uow.afterCommit(() => this.wake());
    return ids;
  }

  private async insertOne(job: JobDef, row: NewRow): Promise<string> {
    if (row.idempotency_key === null) {
      await this.db.insertInto("jobs").values(row).execute();
      return row.id;
    }
    // Insert-or-find; the loop covers the existing job completing between the two statements.
    for (let i = 0; i < 5; i++) {
      const inserted = await this.db
        .insertInto("jobs")
        .values(row)
        .onConflict((oc) => oc.columns(["name", "idempotency_key"]).doNothing())
        .returning("id")
        .executeTakeFirst();
      if (inserted) return inserted.id;
      const existing = await this.db
        .selectFrom("jobs")
        .select("id")
        .where("name", "=", job.name)
        .where("idempotency_key", "=", row.idempotency_key)
        .executeTakeFirst();
      if (existing) return existing.id;
    }
    throw new QueueError(`enqueue of "${job.name}" with key "${row.idempotency_key}" kept racing; try again`);
  }

  /** Inside a transaction: inserts the rows, each with its key once; a key already held gives that job's id. */
  private async insertMany(job: JobDef, rows: NewRow[]): Promise<string[]> {
    const tx = this.db;
    // Job id holding each key; a key repeated in the list is inserted once.
    const held = new Map<string, string>();
    const seen = new Set<string>();
    let pending = rows.filter((r) => {
      if (r.idempotency_key === null) return true;
      if (seen.has(r.idempotency_key)) return false;
      seen.add(r.idempotency_key);
      return true;
    });
    // Insert-or-find as in enqueue; the loop covers a job completing between the two statements.
    for (let round = 0; pending.length > 0; round++) {
      if (round === 5)
        throw new QueueError(`enqueueMany of "${job.name}" kept racing on idempotency keys; try again`);
      for (let i = 0; i < pending.length; i += ENQUEUE_CHUNK) {
        const inserted = await tx
          .insertInto("jobs")
          .values(pending.slice(i, i + ENQUEUE_CHUNK))
          .onConflict((oc) => oc.columns(["name", "idempotency_key"]).doNothing())
          .returning(["id", "idempotency_key"])
          .execute();
        for (const r of inserted) if (r.idempotency_key !== null) held.set(r.idempotency_key, r.id);
      }
      const keys = pending.flatMap((r) =>
        r.idempotency_key !== null && !held.has(r.idempotency_key) ? [r.idempotency_key] : [],
      );
      for (let i = 0; i < keys.length; i += ENQUEUE_CHUNK) {
        const found = await tx
          .selectFrom("jobs")
          .select(["id", "idempotency_key"])
          .where("name", "=", job.name)
          .where("idempotency_key", "in", keys.slice(i, i + ENQUEUE_CHUNK))
          .execute();
        for (const r of found) if (r.idempotency_key !== null) held.set(r.idempotency_key, r.id);
      }
      pending = pending.filter((r) => r.idempotency_key !== null && !held.has(r.idempotency_key));
    }
    return rows.map((r) => (r.idempotency_key === null ? r.id : (held.get(r.idempotency_key) as string)));
  }

  protected async startWorkers(concurrency: number): Promise<void> {
    this.concurrency = concurrency;
    this.lastReap = 0;
    // The loop and the handlers it runs never inherit a caller's transaction.
    this.loopDone = this.uow.outside(() => this.loop());
  }

  /**
   * Runs every job that is due now, in this process, until none is left, and resolves with how many ran
   * (tests, and one-shot commands). Workers must not be started; jobs they enqueue that are due at once run
   * too, delayed ones do not.
   */
  async runDue(maxJobs = 100_000): Promise<number> {
    if (this.state !== "idle") throw new QueueError(`runDue needs idle workers (they are ${this.state})`);
    this.registry.assertComplete();
    this.state = "running";
    this.concurrency = 16;
    let total = 0;
    try {
      for (;;) {
        const claimed = await this.uow.outside(async () => {
          await this.reapExpiredLeases();
          return this.claimAndRun(this.concurrency);
        });
        await Promise.all([...this.active.values()].map((a) => a.done));
        total += claimed;
        if (claimed === 0) break;
        if (total > maxJobs)
          throw new QueueError(`runDue ran more than ${maxJobs} jobs; is a job re-enqueueing itself?`);
      }
    } finally {
      this.state = "idle";
      await this.uow.outside(() => this.deleteFinished());
    }
    return total;
  }

  /** Test hook: stops like `kill -9` — no more claims, running jobs keep their leases and nothing is written. */
  async crash(): Promise<void> {
    this.state = "crashed";
    this.wake();
    await this.loopDone;
    for (const a of this.active.values()) a.stop.abort(new Error("crashed"));
    this.active.clear();
    this.finished = [];
    this.runningByName.clear();
  }

  async close(): Promise<void> {
    await this.stop({ graceMs: 0 });
  }

  async counts(): Promise<QueueCounts> {
    const now = this.clock.now().toISOString();
    const n = (cond: ReturnType<typeof sql>) =>
      sql<number>`coalesce(sum(case when ${cond} then 1 else 0 end), 0)`;
    const r = await this.db
      .selectFrom("jobs")
      .select([
        n(sql`status = 'waiting' and run_at <= ${now}`).as("waiting"),
        n(sql`status = 'waiting' and run_at > ${now} and last_error is null`).as("delayed"),
        n(sql`status = 'running'`).as("running"),
        n(sql`status = 'waiting' and run_at > ${now} and last_error is not null`).as("failed"),
        n(sql`status = 'dead'`).as("dead"),
      ])
      .executeTakeFirstOrThrow();
    return {
      waiting: Number(r.waiting),
      delayed: Number(r.delayed),
      running: Number(r.running),
      failed: Number(r.failed),
      dead: Number(r.dead),
    };
  }

  async listDead(opts: { limit?: number } = {}): Promise<DeadJob[]> {
    const rows = await this.db
      .selectFrom("jobs")
      .selectAll()
      .where("status", "=", "dead")
      .orderBy("died_at", "desc")
      .orderBy("id", "desc")
      .limit(opts.limit ?? 100)
      .execute();
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      payload: safeParse(r.payload),
      attempts: r.attempts,
      error: r.last_error ?? "",
      diedAt: r.died_at ?? r.created_at,
    }));
  }

  async retryDead(id: string): Promise<boolean> {
    const r = await this.db
      .updateTable("jobs")
      .set({
        status: "waiting",
        attempts: 0,
        run_at: this.clock.now().toISOString(),
        last_error: null,
        died_at: null,
      })
      .where("id", "=", id)
      .where("status", "=", "dead")
      .executeTakeFirst();
    this.wake();
    return Number(r.numUpdatedRows) > 0;
  }

  async discardDead(id: string): Promise<boolean> {
    const r = await this.db
      .deleteFrom("jobs")
      .where("id", "=", id)
      .where("status", "=", "dead")
      .executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }

  // --- workers -------------------------------------------------------------------------------------------

  private wake(): void {
    this.woken = true;
    this.wakeSleeper?.();
  }

  /** Sleeps until woken (enqueue, a job finishing, stop) or the poll interval passes. */
  private idle(ms: number): Promise<void> {
    if (this.woken) {
      this.woken = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakeSleeper = undefined;
        this.woken = false;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakeSleeper = done;
    });
  }

  private async loop(): Promise<void> {
    while (this.state === "running") {
      let more = false;
      try {
        await this.reapExpiredLeases();
        const free = this.concurrency - this.active.size;
        if (free > 0) more = (await this.claimAndRun(free)) === free;
      } catch (err) {
        this.opts.log?.error({ err, queue: this.kind }, "job claim failed; retrying after the poll interval");
        await sleep(this.pollIntervalMs);
      }
      if (!more || this.active.size >= this.concurrency) {
        await this.idle(this.pollIntervalMs);
        await this.gatherFreeSlots();
      }
    }
  }

  /**
   * While other attempts run, waits (at most `gatherMs`) until a quarter of the slots are free, so that
   * one claim, and one commit, completes and takes several jobs rather than one each time one finishes.
   * The jobs the claim starts together then also share their own statements (e.g. the outbox's).
   */
  private async gatherFreeSlots(): Promise<void> {
    const want = Math.max(1, Math.floor(this.concurrency / 4));
    const until = performance.now() + this.gatherMs;
    for (;;) {
      // Attempts finishing together (the usual case for short jobs) are completed by one claim.
      await new Promise<void>((r) => setImmediate(r));
      const left = until - performance.now();
      if (this.state !== "running" || this.active.size === 0) return;
      if (this.concurrency - this.active.size >= want || left <= 0) return;
      await this.idle(left);
    }
  }

  /** Names this process may take now: every handled job whose own concurrency limit is not reached. */
  private eligibleNames(): string[] {
    return this.registry
      .all()
      .filter((d) => d.policy.concurrency === undefined || this.runningOf(d.name) < d.policy.concurrency)
      .map((d) => d.name);
  }

  private runningOf(name: string): number {
    return this.runningByName.get(name) ?? 0;
  }

  /** Deletes the rows of attempts that succeeded (outside the loop: stop, runDue; the loop's claims do it). */
  private async deleteFinished(): Promise<void> {
    const done = this.takeFinished();
    if (done.length === 0) return;
    try {
      await this.completion(done).execute();
    } catch (err) {
      this.finished.unshift(...done);
      throw err;
    }
  }

  private takeFinished(): Finished[] {
    const done = this.finished;
    this.finished = [];
    return done;
  }

  /** Deletes the rows of succeeded attempts, each only while this worker still holds its lease. */
  private completion(done: readonly Finished[]) {
    return this.db
      .deleteFrom("jobs")
      .where(
        "id",
        "in",
        done.map((r) => r.id),
      )
      .where("locked_by", "in", [...new Set(done.map((r) => r.locked_by as string))]);
  }

  /**
   * On PostgreSQL one statement, so one commit, deletes the finished rows and claims the next ones (the
   * CTE's DELETE always runs to completion and cannot touch the rows the claim picks: those are waiting,
   * finished ones are running under this worker's lease). It commits asynchronously
   * (`synchronous_commit = off` for this transaction only): PostgreSQL acknowledges before its WAL flush,
   * which it does within 3 × wal_writer_delay. A PostgreSQL crash in that window can only undo claims and
   * completions, never corrupt: those jobs are waiting again and run again, which at-least-once delivery
   * already allows. Enqueues, failures, releases and lease recovery stay synchronous.
   */
  private completeAndClaimOnPostgres(
    done: readonly Finished[],
    claim: Claim,
    pick: SelectQueryBuilder<QueueTables, "jobs", { id: string }>,
  ): Promise<Row[]> {
    const ids = done.map((r) => r.id);
    const tokens = [...new Set(done.map((r) => r.locked_by as string))];
    return this.db
      .with("async_commit", (qc) =>
        qc.selectNoFrom(sql<string>`set_config('synchronous_commit', 'off', true)`.as("setting")),
      )
      .with("done", (qc) =>
        qc
          .deleteFrom("jobs")
          .where(sql<boolean>`id = any(${ids}::text[]) and locked_by = any(${tokens}::text[])`),
      )
      .updateTable("jobs")
      .from("async_commit")
      .set({ ...claim, attempts: sql`attempts + 1` })
      .where("jobs.id", "in", pick)
      .returningAll("jobs")
      .execute();
  }

  private async claimAndRun(limit: number): Promise<number> {
    const names = this.eligibleNames();
    if (names.length === 0) {
      await this.deleteFinished();
      return 0;
    }
    const now = this.clock.now();
    const nowIso = now.toISOString();
    const maxTimeout = Math.max(...names.map((n) => this.registry.get(n)?.policy.timeoutMs ?? 0));
    const lease = new Date(now.getTime() + maxTimeout + this.leaseMarginMs).toISOString();
    const token = randomBytes(9).toString("base64url");
    let pick = this.db
      .selectFrom("jobs")
      .select("id")
      .where("status", "=", "waiting")
      .where("run_at", "<=", nowIso)
      .where("name", "in", names)
      .orderBy("run_at")
      .orderBy("id")
      .limit(limit);
    // SQLite runs the whole UPDATE under its single writer lock; PostgreSQL needs row locks that concurrent
    // claimers skip instead of waiting for.
    if (this.uow.kind === "postgres") pick = pick.forUpdate().skipLocked();
    const claim = { status: "running", locked_by: token, locked_until: lease } as const;
    const done = this.takeFinished();
    let rows: Row[];
    try {
      if (this.uow.kind === "postgres") rows = await this.completeAndClaimOnPostgres(done, claim, pick);
      else {
        const take = () =>
          this.db
            .updateTable("jobs")
            .set({ ...claim, attempts: sql`attempts + 1` })
            .where("id", "in", pick)
            .returningAll()
            .execute();
        // One transaction, so one commit, completes the batch and takes the next one.
        rows =
          done.length === 0
            ? await take()
            : await this.uow.grouped(async () => {
                await this.completion(done).execute();
                return take();
              });
      }
    } catch (err) {
      // Not deleted (or deleted already, which the retry finds harmless): the next claim tries again.
      this.finished.unshift(...done);
      throw err;
    }
    rows.sort((a, b) => (a.run_at < b.run_at ? -1 : a.run_at > b.run_at ? 1 : a.id < b.id ? -1 : 1));
    const excess: Row[] = [];
    for (const row of rows) {
      if (this.state !== "running") {
        // Stopping between claim and run: give the job straight back (a crash leaves it to its lease).
        if (this.state === "stopping") excess.push(row);
        continue;
      }
      const cap = this.registry.get(row.name)?.policy.concurrency;
      if (cap !== undefined && this.runningOf(row.name) >= cap) excess.push(row);
      else this.run(row);
    }
    for (const row of excess) await this.release(row);
    return rows.length;
  }

  private run(row: Row): void {
    const entry: Active = { row, stop: new AbortController(), released: false, done: Promise.resolve() };
    this.active.set(row.id, entry);
    this.runningByName.set(row.name, this.runningOf(row.name) + 1);
    entry.done = (async () => {
      let payload: unknown;
      let outcome: AttemptOutcome;
      try {
        payload = JSON.parse(row.payload);
        outcome = await this.registry.run(row.name, payload, {
          id: row.id,
          attempt: row.attempts,
          stop: entry.stop.signal,
        });
      } catch (err) {
        outcome = { kind: "invalid", error: `payload is not valid JSON: ${describeError(err)}` };
      }
      if (entry.released || this.state === "crashed") return;
      if (outcome.kind === "done") {
        this.finished.push(row);
        return;
      }
      try {
        await this.recordFailure(row, outcome);
      } catch (err) {
        // The lease expires and another attempt follows: at-least-once, never lost.
        this.opts.log?.error({ err, job: row.id, name: row.name }, "could not record a job outcome");
      }
    })().finally(() => {
      if (this.active.get(row.id) === entry) {
        this.active.delete(row.id);
        this.runningByName.set(row.name, Math.max(0, this.runningOf(row.name) - 1));
      }
      this.wake();
    });
  }

  private async recordFailure(row: Row, outcome: Exclude<AttemptOutcome, { kind: "done" }>): Promise<void> {
    const now = this.clock.now();
    const dead = outcome.kind === "invalid" || row.attempts >= row.max_attempts;
    const policy = this.registry.get(row.name)?.policy;
    const retryAt = new Date(
      now.getTime() + (policy ? backoffDelay(policy, row.attempts, this.opts.random) : 0),
    );
    await this.db
      .updateTable("jobs")
      .set({
        status: dead ? "dead" : "waiting",
        run_at: dead ? now.toISOString() : retryAt.toISOString(),
        died_at: dead ? now.toISOString() : null,
        last_error: outcome.error,
        locked_by: null,
        locked_until: null,
      })
      .where("id", "=", row.id)
      .where("locked_by", "=", row.locked_by)
      .execute();
  }

  /** Gives a claimed job back untouched: due now, and the attempt it was charged is returned. */
  private async release(row: Row): Promise<void> {
    await this.db
      .updateTable("jobs")
      .set({
        status: "waiting",
        attempts: sql`attempts - 1`,
        run_at: this.clock.now().toISOString(),
        locked_by: null,
        locked_until: null,
      })
      .where("id", "=", row.id)
      .where("locked_by", "=", row.locked_by)
      .execute();
  }

  /** Takes back jobs whose worker vanished; a job that used its last attempt this way is dead. */
  private async reapExpiredLeases(): Promise<void> {
    const now = this.clock.now();
    if (now.getTime() - this.lastReap < this.reapIntervalMs) return;
    this.lastReap = now.getTime();
    const nowIso = now.toISOString();
    const lost = sql<string>`cast(${"lease expired: the worker stopped without finishing attempt "} as text) || cast(attempts as text)`;
    const expired = this.db
      .updateTable("jobs")
      .set({ last_error: lost, run_at: nowIso, locked_by: null, locked_until: null })
      .where("status", "=", "running")
      .where("locked_until", "<=", nowIso);
    // Two statements rather than CASE: PostgreSQL cannot type a parameter inside CASE for a timestamptz column.
    await expired
      .set({ status: "dead", died_at: nowIso })
      .where(sql<boolean>`attempts >= max_attempts`)
      .execute();
    await expired.set({ status: "waiting" }).execute();
  }

  protected async drainWorkers(graceMs: number): Promise<void> {
    this.wake();
    await this.loopDone;
    await settledWithin(
      [...this.active.values()].map((a) => a.done),
      graceMs,
    );
    for (const a of [...this.active.values()]) {
      a.released = true;
      a.stop.abort(new Error("worker stopping"));
      try {
        await this.release(a.row);
      } catch (err) {
        this.opts.log?.warn({ err, job: a.row.id }, "could not release a job on stop; its lease will expire");
      }
    }
    this.active.clear();
    this.runningByName.clear();
    try {
      await this.uow.outside(() => this.deleteFinished());
    } catch (err) {
      // Their leases expire and they run again: at-least-once.
      this.opts.log?.warn({ err, queue: this.kind }, "could not complete finished jobs on stop");
    }
  }
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
