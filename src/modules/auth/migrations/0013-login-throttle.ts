import type { Kysely } from "kysely";
import { columnTypes } from "../../../platform/db/column-types.js";
import type { DbKind } from "../../../platform/db/database.js";

// Login throttling that is counted before the password is checked and delays rather than locks
// (ADR 0401): attempts per key in a window, the earliest instant the next one is admitted (epoch ms, so
// both engines compute it in one statement), and the devices an account logged in from before.
// biome-ignore lint/suspicious/noExplicitAny: migrations describe past schemas, not the current one
export async function up(db: Kysely<any>, kind: DbKind): Promise<void> {
  const t = columnTypes(kind);
  await db.schema.dropTable("login_throttle").execute();
  await db.schema
    .createTable("login_attempts")
    .addColumn("key", "text", (c) => c.primaryKey())
    .addColumn("window_start_ms", "bigint", (c) => c.notNull())
    .addColumn("attempts", "integer", (c) => c.notNull())
    .addColumn("next_at_ms", "bigint", (c) => c.notNull())
    .execute();
  // Pruning deletes the rows whose window has ended.
  await db.schema
    .createIndex("login_attempts_window_idx")
    .on("login_attempts")
    .column("window_start_ms")
    .execute();
  await db.schema
    .createTable("trusted_devices")
    .addColumn("id_hash", "text", (c) => c.primaryKey())
    .addColumn("user_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("created_at", t.instant, (c) => c.notNull())
    .addColumn("last_used_at", t.instant, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("trusted_devices_used_idx")
    .on("trusted_devices")
    .column("last_used_at")
    .execute();
  await db.schema.createIndex("trusted_devices_user_idx").on("trusted_devices").column("user_id").execute();
}
