import type { Generated } from "kysely";

/** The embedded queue's table (src/platform/queue/sql-queue.ts). Instants are ISO-8601 UTC strings. */
export interface JobsTable {
  id: string;
  name: string;
  /** The payload as JSON text. */
  payload: string;
  status: "waiting" | "running" | "dead";
  /** When a waiting job becomes due. */
  run_at: string;
  /** Attempts started so far (a claim counts one; a release on graceful stop gives it back). */
  attempts: Generated<number>;
  max_attempts: number;
  idempotency_key: string | null;
  /** The claim token of the worker that holds the job. */
  locked_by: string | null;
  /** The lease: past this instant a running job is taken back from its (presumed dead) worker. */
  locked_until: string | null;
  last_error: string | null;
  created_at: string;
  died_at: string | null;
}

/** Jobs enqueued for BullMQ inside a transaction: handed to BullMQ once that transaction commits. */
export interface QueueOutboxTable {
  id: string;
  name: string;
  payload: string;
  /** JSON: { jobId, delayMs }. */
  opts: string;
  created_at: string;
}

export interface QueueTables {
  jobs: JobsTable;
  queue_outbox: QueueOutboxTable;
}
