import { type Insertable, type Kysely, type Selectable, sql, type Updateable } from "kysely";
import { precompiledOn } from "../../platform/db/precompile.js";
import type { DbScope } from "../../platform/db/unit-of-work.js";
import type {
  ClubInvitesTable,
  ClubMembersTable,
  ClubRole,
  ClubsTable,
  ClubsTables,
} from "./clubs.tables.js";

// The clubs module reads the members' names and their progress on their copy of the club's book.
interface Foreign {
  users: { id: string; name: string; email: string };
  books: { id: string; owner_id: string; total_pages: number | null; current_reading_id: string | null };
  progress_entries: { id: string; reading_id: string; page: number | null };
}
type Db = Kysely<ClubsTables & Foreign>;

// Once per chat message (the access check and the author's read mark): compiled once.
const roleIn = precompiledOn((db: Db, p: { userId: string; clubId: string }) =>
  db
    .selectFrom("club_members")
    .select(["club_id", "role"])
    .where("user_id", "=", p.userId)
    .where("club_id", "=", p.clubId),
);
const setLastRead = precompiledOn((db: Db, p: { clubId: string; userId: string; lastReadId: string }) =>
  db
    .updateTable("club_members")
    .set({ last_read_id: p.lastReadId })
    .where("club_id", "=", p.clubId)
    .where("user_id", "=", p.userId),
);

export type ClubRow = Selectable<ClubsTable>;
export type MemberRow = Selectable<ClubMembersTable>;
export type InviteRow = Selectable<ClubInvitesTable>;

/** A club as one of its members lists it. */
export type MyClubRow = ClubRow & { role: ClubRole; unread: number };
/** A member with their name and, when they share it, the last page they logged of their copy. */
export type MemberView = MemberRow & { name: string; page: number | null; total_pages: number | null };

/** SQL of clubs, their members and invitations. */
export class ClubsRepo {
  constructor(private readonly scope: DbScope) {}

  private get db(): Db {
    return this.scope.db;
  }

  async insertClub(row: Insertable<ClubsTable>): Promise<void> {
    await this.db.insertInto("clubs").values(row).execute();
  }

  async updateClub(id: string, set: Updateable<ClubsTable>): Promise<void> {
    await this.db.updateTable("clubs").set(set).where("id", "=", id).execute();
  }

  async deleteClub(id: string): Promise<void> {
    await this.db.deleteFrom("clubs").where("id", "=", id).execute();
  }

  byId(id: string): Promise<ClubRow | undefined> {
    return this.db.selectFrom("clubs").selectAll().where("id", "=", id).executeTakeFirst();
  }

  /** The user's clubs with their role and how many messages of others they have not read. */
  clubsOf(userId: string, limit: number): Promise<MyClubRow[]> {
    return this.db
      .selectFrom("club_members as m")
      .innerJoin("clubs as c", "c.id", "m.club_id")
      .selectAll("c")
      .select((eb) => [
        "m.role",
        eb
          .selectFrom("club_messages as x")
          .select(sql<number>`count(*)`.as("n"))
          .whereRef("x.club_id", "=", "m.club_id")
          .where("x.deleted_at", "is", null)
          .where((w) => w.or([w("x.author_id", "is", null), w("x.author_id", "!=", userId)]))
          .where((w) => w.or([w("m.last_read_id", "is", null), w("x.id", ">", w.ref("m.last_read_id"))]))
          .as("unread"),
      ])
      .where("m.user_id", "=", userId)
      .orderBy("c.id")
      .limit(limit)
      .execute() as Promise<MyClubRow[]>;
  }

  /** The actor's role in each of these clubs it is a member of. */
  async rolesOf(userId: string, clubIds: readonly string[]): Promise<Map<string, ClubRole>> {
    const rows =
      clubIds.length === 1
        ? await roleIn(this.db, { userId, clubId: clubIds[0]! })
        : await this.db
            .selectFrom("club_members")
            .select(["club_id", "role"])
            .where("user_id", "=", userId)
            .where("club_id", "in", clubIds)
            .execute();
    return new Map(rows.map((r) => [r.club_id, r.role]));
  }

  member(clubId: string, userId: string): Promise<MemberRow | undefined> {
    return this.db
      .selectFrom("club_members")
      .selectAll()
      .where("club_id", "=", clubId)
      .where("user_id", "=", userId)
      .executeTakeFirst();
  }

  /** Every member with their name; `page` only for those who share their progress. */
  members(clubId: string): Promise<MemberView[]> {
    return this.db
      .selectFrom("club_members as m")
      .innerJoin("users as u", "u.id", "m.user_id")
      .leftJoin("books as b", (j) => j.onRef("b.id", "=", "m.book_id").onRef("b.owner_id", "=", "m.user_id"))
      .selectAll("m")
      .select((eb) => [
        "u.name",
        eb
          .case()
          .when("m.share_progress", "=", 1)
          .then(eb.ref("b.total_pages"))
          .else(null)
          .end()
          .as("total_pages"),
        eb
          .case()
          .when("m.share_progress", "=", 1)
          .then(
            eb
              .selectFrom("progress_entries as pe")
              .select("pe.page")
              .whereRef("pe.reading_id", "=", "b.current_reading_id")
              .where("pe.page", "is not", null)
              .orderBy("pe.id", "desc")
              .limit(1),
          )
          .else(null)
          .end()
          .as("page"),
      ])
      .where("m.club_id", "=", clubId)
      .orderBy("m.joined_at")
      .execute() as Promise<MemberView[]>;
  }

  /** The ids of the club's members (fan-out of its messages). */
  async memberIds(clubId: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom("club_members")
      .select("user_id")
      .where("club_id", "=", clubId)
      .execute();
    return rows.map((r) => r.user_id);
  }

  async countMembers(clubId: string): Promise<number> {
    const r = await this.db
      .selectFrom("club_members")
      .select(sql<number>`count(*)`.as("n"))
      .where("club_id", "=", clubId)
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }

  /** Adds a member; false when they are one already. */
  async insertMember(row: Insertable<ClubMembersTable>): Promise<boolean> {
    const r = await this.db
      .insertInto("club_members")
      .values(row)
      .onConflict((oc) => oc.columns(["club_id", "user_id"]).doNothing())
      .executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  /** Moves the member's read mark to `lastReadId`. */
  async setLastRead(clubId: string, userId: string, lastReadId: string): Promise<void> {
    await setLastRead(this.db, { clubId, userId, lastReadId });
  }

  async updateMember(clubId: string, userId: string, set: Updateable<ClubMembersTable>): Promise<void> {
    await this.db
      .updateTable("club_members")
      .set(set)
      .where("club_id", "=", clubId)
      .where("user_id", "=", userId)
      .execute();
  }

  async deleteMember(clubId: string, userId: string): Promise<void> {
    await this.db
      .deleteFrom("club_members")
      .where("club_id", "=", clubId)
      .where("user_id", "=", userId)
      .execute();
  }

  /** Members who have chat delivered to their channels (everyone but `except`). */
  deliveredTo(clubId: string, except: string | null): Promise<Pick<MemberRow, "user_id" | "deliver_chat">[]> {
    let q = this.db
      .selectFrom("club_members")
      .select(["user_id", "deliver_chat"])
      .where("club_id", "=", clubId)
      .where("deliver_chat", "is not", null);
    if (except) q = q.where("user_id", "!=", except);
    return q.execute();
  }

  /** The club whose chat reached the user's channels last (what a bare `club: …` answers). */
  async lastDelivered(userId: string): Promise<string | undefined> {
    const r = await this.db
      .selectFrom("club_members")
      .select("club_id")
      .where("user_id", "=", userId)
      .where("delivered_at", "is not", null)
      .orderBy("delivered_at", "desc")
      .limit(1)
      .executeTakeFirst();
    return r?.club_id;
  }

  async emailOf(userId: string): Promise<string | undefined> {
    return (await this.db.selectFrom("users").select("email").where("id", "=", userId).executeTakeFirst())
      ?.email;
  }

  async insertInvite(row: Insertable<ClubInvitesTable>): Promise<void> {
    await this.db.insertInto("club_invites").values(row).execute();
  }

  inviteById(id: string): Promise<InviteRow | undefined> {
    return this.db.selectFrom("club_invites").selectAll().where("id", "=", id).executeTakeFirst();
  }

  inviteByTokenHash(hash: string): Promise<InviteRow | undefined> {
    return this.db.selectFrom("club_invites").selectAll().where("token_hash", "=", hash).executeTakeFirst();
  }

  invitesOfClub(clubId: string, limit: number): Promise<InviteRow[]> {
    return this.db
      .selectFrom("club_invites")
      .selectAll()
      .where("club_id", "=", clubId)
      .orderBy("id", "desc")
      .limit(limit)
      .execute();
  }

  /** Account invitations to the user (to their email, or older ones to their account) still open at `now`. */
  invitesFor(userId: string, now: string, limit: number): Promise<(InviteRow & { club_name: string })[]> {
    return this.db
      .selectFrom("club_invites as i")
      .innerJoin("clubs as c", "c.id", "i.club_id")
      .selectAll("i")
      .select("c.name as club_name")
      .where((w) =>
        w.or([
          w("i.user_id", "=", userId),
          w("i.email", "=", w.selectFrom("users").select("email").where("id", "=", userId)),
        ]),
      )
      .where("i.revoked_at", "is", null)
      .where((w) => w.or([w("i.expires_at", "is", null), w("i.expires_at", ">", now)]))
      .orderBy("i.id", "desc")
      .limit(limit)
      .execute();
  }

  async updateInvite(id: string, set: Updateable<ClubInvitesTable>): Promise<void> {
    await this.db.updateTable("club_invites").set(set).where("id", "=", id).execute();
  }
}
