import type { Kysely } from "kysely";
import { columnTypes } from "../../../platform/db/column-types.js";
import type { DbKind } from "../../../platform/db/database.js";

// Reminder schedules (DESIGN.md §4, §6) and the lease that lets one scheduler act at a time.
// biome-ignore lint/suspicious/noExplicitAny: migrations describe past schemas, not the current one
export async function up(db: Kysely<any>, kind: DbKind): Promise<void> {
  const t = columnTypes(kind);
  await db.schema
    .createTable("schedules")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("owner_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("what", "text", (c) => c.notNull())
    // JSON: { daily } | { weekdays, at } | { rrule }.
    .addColumn("when_rule", "text", (c) => c.notNull())
    .addColumn("timezone", "text", (c) => c.notNull())
    // JSON array of channel kinds, or null for every linked channel.
    .addColumn("channels", "text")
    .addColumn("quiet_from", "text")
    .addColumn("quiet_to", "text")
    // JSON array of book ids this schedule never asks about.
    .addColumn("exclude_book_ids", "text", (c) => c.notNull())
    .addColumn("paused_until", t.instant)
    // The nominal slot that fires next, and when it is delivered (later inside quiet hours).
    .addColumn("next_slot_at", t.instant)
    .addColumn("next_fire_at", t.instant)
    .addColumn("last_slot_at", t.instant)
    .addColumn("created_at", t.instant, (c) => c.notNull())
    .addColumn("updated_at", t.instant, (c) => c.notNull())
    .execute();
  await db.schema.createIndex("schedules_owner_idx").on("schedules").columns(["owner_id", "id"]).execute();
  await db.schema.createIndex("schedules_due_idx").on("schedules").columns(["next_fire_at"]).execute();

  await db.schema
    .createTable("leases")
    .addColumn("name", "text", (c) => c.primaryKey())
    .addColumn("holder", "text", (c) => c.notNull())
    .addColumn("expires_at", t.instant, (c) => c.notNull())
    .execute();
}
