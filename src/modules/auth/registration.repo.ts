import type { Kysely, Selectable } from "kysely";
import type { DbScope } from "../../platform/db/unit-of-work.js";
import { type EnumValue, enumeration } from "../../platform/enum.js";
import type { AuthTables, InvitesTable } from "./auth.tables.js";

/** How new accounts come to be (after the first, which always can). */
export const REGISTRATION_MODES = enumeration(["open", "closed", "invite"]);
export type RegistrationMode = EnumValue<typeof REGISTRATION_MODES>;
export type InviteRow = Selectable<InvitesTable>;

/** SQL for the registration setting and invitation codes. */
export class RegistrationRepo {
  constructor(private readonly scope: DbScope) {}

  private get db(): Kysely<AuthTables> {
    return this.scope.db;
  }

  /** The current mode; "bootstrap" until the first account exists. */
  async mode(): Promise<RegistrationMode | "bootstrap"> {
    const r = await this.db
      .selectFrom("settings")
      .select("value")
      .where("key", "=", "registration")
      .executeTakeFirst();
    return (r?.value as RegistrationMode | "bootstrap" | undefined) ?? "closed";
  }

  /** Atomically ends bootstrap mode; true for exactly one caller, who becomes the first admin. */
  async claimBootstrap(): Promise<boolean> {
    const r = await this.db
      .updateTable("settings")
      .set({ value: "closed" })
      .where("key", "=", "registration")
      .where("value", "=", "bootstrap")
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  /** Sets the mode (only once bootstrap has ended). */
  async setMode(mode: RegistrationMode): Promise<void> {
    await this.db
      .updateTable("settings")
      .set({ value: mode })
      .where("key", "=", "registration")
      .where("value", "!=", "bootstrap")
      .execute();
  }

  /** Stores a new invite. */
  async insertInvite(row: InviteRow): Promise<void> {
    await this.db.insertInto("invites").values(row).execute();
  }

  /** Invites, newest first. */
  listInvites(limit: number, cursor?: string): Promise<InviteRow[]> {
    let q = this.db.selectFrom("invites").selectAll().orderBy("id", "desc").limit(limit);
    if (cursor) q = q.where("id", "<", cursor);
    return q.execute();
  }

  /** Marks the unused, unexpired invite with this code hash as used by `userId`; false when none matches. */
  async consumeInvite(codeHash: string, userId: string, now: string): Promise<boolean> {
    const r = await this.db
      .updateTable("invites")
      .set({ used_at: now, used_by: userId })
      .where("code_hash", "=", codeHash)
      .where("used_at", "is", null)
      .where("expires_at", ">", now)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  /** True when an unused, unexpired invite has this code hash. */
  async inviteUsable(codeHash: string, now: string): Promise<boolean> {
    const r = await this.db
      .selectFrom("invites")
      .select("id")
      .where("code_hash", "=", codeHash)
      .where("used_at", "is", null)
      .where("expires_at", ">", now)
      .executeTakeFirst();
    return r !== undefined;
  }

  /** Deletes an invite; false when absent. */
  async deleteInvite(id: string): Promise<boolean> {
    const r = await this.db.deleteFrom("invites").where("id", "=", id).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }
}
