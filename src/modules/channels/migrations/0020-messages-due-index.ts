import type { Kysely } from "kysely";

// `messages_due_idx` (status, next_attempt_at) served the outbox's own polling loop, gone since outbound
// messages became `channels.send` jobs. Unused, it cost a write on every status change, and SQLite picked
// it for the send jobs' batched claim (`status = 'queued'` among the ids) and walked every queued message.
// biome-ignore lint/suspicious/noExplicitAny: migrations describe past schemas, not the current one
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("messages_due_idx").ifExists().execute();
}
