import type { Kysely, Selectable } from "kysely";
import type { DbScope } from "../../platform/db/unit-of-work.js";
import type { CollabTables, NoteLinksTable } from "./collab.tables.js";

// The collab module reads names of the people a note is shared with, and the note's shares.
interface Foreign {
  users: { id: string; name: string; email: string };
  grants: {
    id: string;
    resource_type: string;
    resource_id: string;
    subject_type: string;
    subject_id: string;
    relation: string;
    granted_by: string | null;
    created_at: string;
    expires_at: string | null;
  };
}
type Db = Kysely<CollabTables & Foreign>;

/** Grants to an email (invitations of whoever has, or later gets, an account with it). */
export const EMAIL_SUBJECT = "email";

export type LinkRow = Selectable<NoteLinksTable>;

/** SQL of notes' Yjs documents and share links. */
export class CollabRepo {
  constructor(private readonly scope: DbScope) {}

  private get db(): Db {
    return this.scope.db;
  }

  async doc(noteId: string): Promise<{ state: Uint8Array; note_version: number } | undefined> {
    const row = await this.db
      .selectFrom("note_docs")
      .select(["state", "note_version"])
      .where("note_id", "=", noteId)
      .executeTakeFirst();
    return row && { state: new Uint8Array(row.state), note_version: row.note_version };
  }

  /** Keeps the first state stored (two instances seeding the same note at once keep one). */
  async insertDocIfAbsent(noteId: string, state: Uint8Array, noteVersion: number, at: string): Promise<void> {
    await this.db
      .insertInto("note_docs")
      .values({ note_id: noteId, state: Buffer.from(state), note_version: noteVersion, updated_at: at })
      .onConflict((oc) => oc.column("note_id").doNothing())
      .execute();
  }

  async saveDoc(noteId: string, state: Uint8Array, noteVersion: number, at: string): Promise<void> {
    await this.db
      .insertInto("note_docs")
      .values({ note_id: noteId, state: Buffer.from(state), note_version: noteVersion, updated_at: at })
      .onConflict((oc) =>
        oc
          .column("note_id")
          .doUpdateSet({ state: Buffer.from(state), note_version: noteVersion, updated_at: at }),
      )
      .execute();
  }

  /**
   * Marks a note version saved elsewhere as taken into the document; false when it already was (by this
   * or another process: one of them merges it, once).
   */
  async claimVersion(noteId: string, version: number): Promise<boolean> {
    const r = await this.db
      .updateTable("note_docs")
      .set({ note_version: version })
      .where("note_id", "=", noteId)
      .where("note_version", "<", version)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  async insertLink(row: LinkRow): Promise<void> {
    await this.db.insertInto("note_share_links").values(row).execute();
  }

  async linkByTokenHash(hash: string): Promise<LinkRow | undefined> {
    return this.db
      .selectFrom("note_share_links")
      .selectAll()
      .where("token_hash", "=", hash)
      .executeTakeFirst();
  }

  async links(noteId: string): Promise<LinkRow[]> {
    return this.db
      .selectFrom("note_share_links")
      .selectAll()
      .where("note_id", "=", noteId)
      .where("revoked_at", "is", null)
      .orderBy("id")
      .limit(200)
      .execute();
  }

  async revokeLink(noteId: string, linkId: string, at: string): Promise<boolean> {
    const r = await this.db
      .updateTable("note_share_links")
      .set({ revoked_at: at })
      .where("id", "=", linkId)
      .where("note_id", "=", noteId)
      .where("revoked_at", "is", null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  /** The accounts a note is shared with, with their names. */
  async shares(
    noteId: string,
  ): Promise<Array<{ user_id: string; name: string; relation: string; expires_at: string | null }>> {
    return this.db
      .selectFrom("grants")
      .innerJoin("users", "users.id", "grants.subject_id")
      .select(["users.id as user_id", "users.name", "grants.relation", "grants.expires_at"])
      .where("grants.resource_type", "=", "note")
      .where("grants.resource_id", "=", noteId)
      .where("grants.subject_type", "=", "user")
      .orderBy("users.name")
      .limit(200)
      .execute();
  }

  /**
   * Invitations by email not yet opened by whoever has the email (grants to the email): listed by the email
   * the owner typed, never joined to accounts (the list tells nothing about who has one).
   */
  async invitations(
    noteId: string,
  ): Promise<Array<{ id: string; email: string; relation: string; created_at: string }>> {
    return this.db
      .selectFrom("grants")
      .select(["id", "subject_id as email", "relation", "created_at"])
      .where("resource_type", "=", "note")
      .where("resource_id", "=", noteId)
      .where("subject_type", "=", EMAIL_SUBJECT)
      .orderBy("subject_id")
      .limit(200)
      .execute();
  }

  /** The email an invitation of this note (by its grant id) is addressed to. */
  async invitationEmail(noteId: string, inviteId: string): Promise<string | undefined> {
    const row = await this.db
      .selectFrom("grants")
      .select("subject_id")
      .where("id", "=", inviteId)
      .where("resource_type", "=", "note")
      .where("resource_id", "=", noteId)
      .where("subject_type", "=", EMAIL_SUBJECT)
      .executeTakeFirst();
    return row?.subject_id;
  }

  /** The invitation of the note to this email, if any. */
  async invitationTo(
    noteId: string,
    email: string,
  ): Promise<{ relation: string; granted_by: string | null; expires_at: string | null } | undefined> {
    return this.db
      .selectFrom("grants")
      .select(["relation", "granted_by", "expires_at"])
      .where("resource_type", "=", "note")
      .where("resource_id", "=", noteId)
      .where("subject_type", "=", EMAIL_SUBJECT)
      .where("subject_id", "=", email)
      .executeTakeFirst();
  }

  async emailOf(userId: string): Promise<string | undefined> {
    const row = await this.db.selectFrom("users").select("email").where("id", "=", userId).executeTakeFirst();
    return row?.email;
  }

  async userName(userId: string): Promise<string | undefined> {
    const row = await this.db.selectFrom("users").select("name").where("id", "=", userId).executeTakeFirst();
    return row?.name;
  }
}
