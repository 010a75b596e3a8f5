import type { Static, TSchema } from "@sinclair/typebox";

/**
 * The Queue port: durable background jobs, at-least-once. Handlers must be idempotent (anything with an
 * outside effect goes through the outbox with its own idempotency key), because a job may run again after a
 * crash, a lost lease or a timeout.
 */

/** How a job is retried and bounded. */
export interface JobPolicy {
  /** Total attempts including the first (≥ 1); after the last failure the job is dead. */
  attempts: number;
  /** Exponential backoff with full jitter: delay = random(0, min(maxMs, baseMs · 2^(attempt-1))). */
  backoff: { baseMs: number; maxMs: number };
  /** One attempt may run this long; past it the attempt counts as failed and its signal is aborted. */
  timeoutMs: number;
  /** Most attempts of this job that run at once in one process (default: the worker's concurrency). */
  concurrency?: number;
}

/** A job type, declared once in `<area>.jobs.ts`; its handler is registered separately. */
export interface JobDef<S extends TSchema = TSchema> {
  readonly name: string;
  readonly payload: S;
  readonly policy: JobPolicy;
}

/** What a handler gets besides its payload. */
export interface JobContext {
  /** The job's id, stable across attempts (use it, or a key derived from the payload, for idempotency). */
  id: string;
  /** 1-based number of this attempt. */
  attempt: number;
  /** Aborted on timeout and when the worker stops before the handler finishes. */
  signal: AbortSignal;
}

export type JobHandler<S extends TSchema = TSchema> = (payload: Static<S>, ctx: JobContext) => Promise<void>;

export interface EnqueueOptions {
  /** Run no earlier than this many milliseconds from now. */
  delayMs?: number;
  /** Run no earlier than this instant (wins over delayMs). */
  runAt?: Date;
  /** While a job of the same name with this key exists (not yet completed, or dead), enqueue returns its id. */
  idempotencyKey?: string;
}

/** One job of an `enqueueMany` call. */
export interface EnqueueItem<S extends TSchema = TSchema> {
  payload: Static<S>;
  opts?: EnqueueOptions;
}

export interface QueueCounts {
  /** Due now, waiting for a worker. */
  waiting: number;
  /** Enqueued for later (delayMs/runAt), not yet due. */
  delayed: number;
  /** Taken by a worker. */
  running: number;
  /** Failed at least once; the retry is scheduled but not yet due. */
  failed: number;
  /** Out of attempts (or with an invalid payload); kept until retried or discarded. */
  dead: number;
}

export interface DeadJob {
  id: string;
  name: string;
  payload: unknown;
  attempts: number;
  /** The last error (or the payload validation failure). */
  error: string;
  /** When the job died (RFC 3339). */
  diedAt: string;
}

export interface StartOptions {
  /** Most attempts that run at once in this process, over all job types (default 4). */
  concurrency?: number;
}

export interface StopOptions {
  /** How long running attempts may take to finish before they are released back to the queue (default 10 s). */
  graceMs?: number;
}

/** The port. Adapters: SqlQueue (Kysely table, embedded) and BullMqQueue (Redis, or BullMQ's PostgreSQL backend). */
export interface Queue {
  /** Which adapter this is, for logs ("sql-sqlite", "sql-postgres", "bullmq-redis", …). */
  readonly kind: string;
  /** Declares job types this process may enqueue or run; enqueueing an undeclared job throws. */
  declare(...jobs: JobDef[]): void;
  /** Registers the handler of a job type (declaring it if needed); a second handler for the same name throws. */
  handle<S extends TSchema>(job: JobDef<S>, handler: JobHandler<S>): void;
  /**
   * Stores a job durably and returns its id; with an idempotency key already present, returns that job's id.
   * Inside a unit of work's transaction the job joins it: it exists exactly when that transaction commits
   * (SQL queue: a row in the same transaction; BullMQ: handed over after the commit), and workers are woken
   * after the commit.
   */
  enqueue<S extends TSchema>(job: JobDef<S>, payload: Static<S>, opts?: EnqueueOptions): Promise<string>;
  /**
   * Stores several jobs of one type in one write (SQL: one transaction, or the caller's; BullMQ: one addBulk)
   * and returns their ids in order; each behaves like `enqueue` (a key already present, or repeated in the
   * list, gives that job's id). Every payload is checked first; outside a transaction, if the write fails,
   * some jobs may be stored, so callers that try again should give keys.
   */
  enqueueMany<S extends TSchema>(job: JobDef<S>, items: readonly EnqueueItem<S>[]): Promise<string[]>;
  /** Starts taking jobs; rejects when a declared job has no handler or workers are already started. */
  start(opts?: StartOptions): Promise<void>;
  /** Stops taking jobs; running attempts finish within graceMs or are released back to the queue. Idempotent. */
  stop(opts?: StopOptions): Promise<void>;
  /** Number of jobs in each state. */
  counts(): Promise<QueueCounts>;
  /** Dead jobs, most recent first. */
  listDead(opts?: { limit?: number }): Promise<DeadJob[]>;
  /** Moves a dead job back to waiting with a fresh set of attempts; false when no dead job has this id. */
  retryDead(id: string): Promise<boolean>;
  /** Deletes a dead job for good; false when no dead job has this id. */
  discardDead(id: string): Promise<boolean>;
  /** Stops workers (graceMs 0) and releases connections the adapter owns. Idempotent. */
  close(): Promise<void>;
}

export class QueueError extends Error {
  override name = "QueueError";
}

const JOB_NAME = /^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)*$/;

/** Declares a job type; checks the name and the policy once, at import time. */
export function defineJob<S extends TSchema>(def: {
  name: string;
  payload: S;
  policy: JobPolicy;
}): JobDef<S> {
  const { name, policy } = def;
  const bad = (rule: string) => new QueueError(`job "${name}": ${rule}`);
  if (!JOB_NAME.test(name)) throw bad("name must be lowercase words separated by dots, e.g. reminders.send");
  if (!Number.isInteger(policy.attempts) || policy.attempts < 1) throw bad("policy.attempts must be ≥ 1");
  if (!(policy.backoff.baseMs >= 1 && policy.backoff.maxMs >= policy.backoff.baseMs))
    throw bad("policy.backoff needs 1 ≤ baseMs ≤ maxMs");
  if (!(policy.timeoutMs >= 1)) throw bad("policy.timeoutMs must be ≥ 1");
  if (policy.concurrency !== undefined && !(Number.isInteger(policy.concurrency) && policy.concurrency >= 1))
    throw bad("policy.concurrency must be a whole number ≥ 1");
  return Object.freeze({ name, payload: def.payload, policy: Object.freeze({ ...policy }) });
}

/** Delay before the next attempt after `attempt` (1-based) failed: exponential, capped, full jitter. */
export function backoffDelay(policy: JobPolicy, attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.backoff.maxMs, policy.backoff.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * ceiling);
}

/** When a job enqueued now with these options becomes due. */
export function dueAt(now: Date, opts: EnqueueOptions = {}): Date {
  if (opts.runAt) return opts.runAt;
  return new Date(now.getTime() + Math.max(0, opts.delayMs ?? 0));
}
