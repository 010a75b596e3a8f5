import type { Kysely } from "kysely";
import { columnTypes } from "../../../platform/db/column-types.js";
import type { DbKind } from "../../../platform/db/database.js";

// Messaging channels (WhatsApp, Telegram): verified links between a user and an address, one-time link
// codes, and one `messages` table for inbound deliveries and the outbox of replies.
// biome-ignore lint/suspicious/noExplicitAny: migrations describe past schemas, not the current one
export async function up(db: Kysely<any>, kind: DbKind): Promise<void> {
  const t = columnTypes(kind);
  await db.schema
    .createTable("channel_links")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("owner_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("address", "text", (c) => c.notNull())
    .addColumn("user_key", "text")
    .addColumn("display", "text")
    .addColumn("verified_at", t.instant, (c) => c.notNull())
    .addColumn("last_inbound_at", t.instant)
    .execute();
  await db.schema
    .createIndex("channel_links_address_uq")
    .on("channel_links")
    .columns(["kind", "address"])
    .unique()
    .execute();
  await db.schema.createIndex("channel_links_owner_idx").on("channel_links").columns(["owner_id"]).execute();

  await db.schema
    .createTable("channel_codes")
    .addColumn("code_hash", "text", (c) => c.primaryKey())
    .addColumn("owner_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("phone", "text")
    .addColumn("created_at", t.instant, (c) => c.notNull())
    .addColumn("expires_at", t.instant, (c) => c.notNull())
    .addColumn("used_at", t.instant)
    .execute();
  await db.schema.createIndex("channel_codes_owner_idx").on("channel_codes").columns(["owner_id"]).execute();

  await db.schema
    .createTable("messages")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("owner_id", "text", (c) => c.references("users.id").onDelete("cascade"))
    .addColumn("direction", "text", (c) => c.notNull())
    .addColumn("channel", "text", (c) => c.notNull())
    .addColumn("address", "text", (c) => c.notNull())
    .addColumn("type", "text", (c) => c.notNull())
    .addColumn("body", "text")
    .addColumn("template", "text")
    .addColumn("book_id", "text")
    .addColumn("provider_id", "text")
    .addColumn("reply_to_provider_id", "text")
    .addColumn("idempotency_key", "text")
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("next_attempt_at", t.instant)
    .addColumn("locked_until", t.instant)
    .addColumn("error_code", "text")
    .addColumn("last_error", "text")
    .addColumn("created_at", t.instant, (c) => c.notNull())
    .addColumn("updated_at", t.instant, (c) => c.notNull())
    .execute();
  // Deliveries are at least once: an inbound id (or an outbound wamid) is stored once per channel.
  await db.schema
    .createIndex("messages_provider_uq")
    .on("messages")
    .columns(["channel", "direction", "provider_id"])
    .unique()
    .execute();
  await db.schema
    .createIndex("messages_idem_uq")
    .on("messages")
    .columns(["idempotency_key"])
    .unique()
    .execute();
  await db.schema.createIndex("messages_owner_idx").on("messages").columns(["owner_id", "id"]).execute();
  await db.schema
    .createIndex("messages_due_idx")
    .on("messages")
    .columns(["status", "next_attempt_at"])
    .execute();
}
