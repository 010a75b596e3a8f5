import type { Kysely } from "kysely";
import { columnTypes } from "../../db/column-types.js";
import type { DbKind } from "../../db/database.js";

// Jobs for BullMQ enqueued inside a transaction wait here until it commits (then they are handed over).
// biome-ignore lint/suspicious/noExplicitAny: migrations describe past schemas, not the current one
export async function up(db: Kysely<any>, kind: DbKind): Promise<void> {
  const t = columnTypes(kind);
  await db.schema
    .createTable("queue_outbox")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("payload", "text", (c) => c.notNull())
    .addColumn("opts", "text", (c) => c.notNull())
    .addColumn("created_at", t.instant, (c) => c.notNull())
    .execute();
}
