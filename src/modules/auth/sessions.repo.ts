import type { Kysely, Selectable } from "kysely";
import { precompiledOn } from "../../platform/db/precompile.js";
import type { DbScope } from "../../platform/db/unit-of-work.js";
import { USER_JOIN_COLUMNS, type UserProfile, userFromJoin } from "../users/users.repo.js";
import type { AuthTables, SessionsTable } from "./auth.tables.js";

export type SessionRow = Selectable<SessionsTable>;

// The per-request authentication lookup, compiled once.
const liveQuery = precompiledOn((db: Kysely<AuthTables>, p: { hash: string; now: string }) =>
  db
    .selectFrom("sessions as s")
    .innerJoin("users as u", "u.id", "s.user_id")
    .select([
      "s.id_hash",
      "s.user_id",
      "s.created_at",
      "s.expires_at",
      "s.last_seen_at",
      "s.user_agent",
      ...USER_JOIN_COLUMNS,
    ])
    .where("s.id_hash", "=", p.hash)
    .where("s.expires_at", ">", p.now),
);

/** SQL for login sessions. Sessions are keyed by the SHA-256 of the cookie value. */
export class SessionsRepo {
  constructor(private readonly scope: DbScope) {}

  private get db(): Kysely<AuthTables> {
    return this.scope.db;
  }

  /** Stores a new session. */
  async insert(row: SessionRow): Promise<void> {
    await this.db.insertInto("sessions").values(row).execute();
  }

  /** The session and its user, when the session exists and has not expired at `now`. */
  async findLive(
    idHash: string,
    now: string,
  ): Promise<{ session: SessionRow; user: UserProfile } | undefined> {
    const [r] = await liveQuery(this.db, { hash: idHash, now });
    if (!r) return undefined;
    return {
      session: {
        id_hash: r.id_hash,
        user_id: r.user_id,
        created_at: r.created_at,
        expires_at: r.expires_at,
        last_seen_at: r.last_seen_at,
        user_agent: r.user_agent,
      },
      user: userFromJoin(r),
    };
  }

  /** Deletes one session; returns its user's id (undefined when there was none). */
  async delete(idHash: string): Promise<string | undefined> {
    const r = await this.db
      .deleteFrom("sessions")
      .where("id_hash", "=", idHash)
      .returning("user_id")
      .executeTakeFirst();
    return r?.user_id;
  }

  /** Deletes every session of a user except `keep` (when given). */
  async deleteForUser(userId: string, keep?: string): Promise<void> {
    let q = this.db.deleteFrom("sessions").where("user_id", "=", userId);
    if (keep) q = q.where("id_hash", "!=", keep);
    await q.execute();
  }

  /** Removes expired sessions; returns how many. */
  async deleteExpired(now: string): Promise<number> {
    const r = await this.db.deleteFrom("sessions").where("expires_at", "<=", now).executeTakeFirst();
    return Number(r.numDeletedRows);
  }
}
