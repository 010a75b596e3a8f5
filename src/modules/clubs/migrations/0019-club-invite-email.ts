import type { Kysely } from "kysely";

// An account invitation is addressed to an email, whether or not an account has it yet (so inviting does
// not tell whether one does); whoever has that email sees and accepts it. `user_id` is who accepted it.
// biome-ignore lint/suspicious/noExplicitAny: migrations describe past schemas, not the current one
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("club_invites").addColumn("email", "text").execute();
  await db.schema.createIndex("club_invites_email_idx").on("club_invites").columns(["email"]).execute();
}
