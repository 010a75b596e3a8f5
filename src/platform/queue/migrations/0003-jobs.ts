import { type Kysely, sql } from "kysely";
import { columnTypes } from "../../db/column-types.js";
import type { DbKind } from "../../db/database.js";

// biome-ignore lint/suspicious/noExplicitAny: migrations describe past schemas, not the current one
export async function up(db: Kysely<any>, kind: DbKind): Promise<void> {
  const t = columnTypes(kind);
  // The embedded queue (src/platform/queue/sql-queue.ts). A row lives from enqueue until it completes
  // (deleted) or is discarded from dead.
  await db.schema
    .createTable("jobs")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("payload", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull().check(sql`status in ('waiting', 'running', 'dead')`))
    .addColumn("run_at", t.instant, (c) => c.notNull())
    .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("max_attempts", "integer", (c) => c.notNull())
    .addColumn("idempotency_key", "text")
    .addColumn("locked_by", "text")
    .addColumn("locked_until", t.instant)
    .addColumn("last_error", "text")
    .addColumn("created_at", t.instant, (c) => c.notNull())
    .addColumn("died_at", t.instant)
    .execute();
  // The claim: due waiting jobs in (run_at, id) order, read straight off the index — no sort of the backlog.
  await db.schema.createIndex("jobs_claim_idx").on("jobs").columns(["status", "run_at", "id"]).execute();
  // Lease recovery: running jobs whose lease has expired.
  await db.schema.createIndex("jobs_lease_idx").on("jobs").columns(["status", "locked_until"]).execute();
  // Idempotent enqueue; NULL keys are distinct on both engines.
  await db.schema
    .createIndex("jobs_idempotency_idx")
    .on("jobs")
    .columns(["name", "idempotency_key"])
    .unique()
    .execute();
}
