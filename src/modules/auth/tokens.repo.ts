import type { Kysely, Selectable } from "kysely";
import { precompiledOn } from "../../platform/db/precompile.js";
import type { DbScope } from "../../platform/db/unit-of-work.js";
import { USER_JOIN_COLUMNS, type UserProfile, userFromJoin } from "../users/users.repo.js";
import type { ApiTokensTable, AuthTables } from "./auth.tables.js";

export type TokenRow = Selectable<ApiTokensTable>;

// The per-request authentication lookup, compiled once.
const liveQuery = precompiledOn((db: Kysely<AuthTables>, p: { hash: string; now: string }) =>
  db
    .selectFrom("api_tokens as t")
    .innerJoin("users as u", "u.id", "t.user_id")
    .select([
      "t.id as token_id",
      "t.name as token_name",
      "t.token_hash",
      "t.prefix",
      "t.scopes",
      "t.created_at as token_created_at",
      "t.last_used_at",
      "t.expires_at",
      "t.revoked_at",
      ...USER_JOIN_COLUMNS,
    ])
    .where("t.token_hash", "=", p.hash)
    .where("t.revoked_at", "is", null)
    .where((eb) => eb.or([eb("t.expires_at", "is", null), eb("t.expires_at", ">", p.now)])),
);

/** SQL for personal API tokens. Tokens are found by the SHA-256 of their secret. */
export class TokensRepo {
  constructor(private readonly scope: DbScope) {}

  private get db(): Kysely<AuthTables> {
    return this.scope.db;
  }

  /** Stores a new token. */
  async insert(row: TokenRow): Promise<void> {
    await this.db.insertInto("api_tokens").values(row).execute();
  }

  /** A user's tokens (revoked ones included), newest first, before `cursor` when given. */
  list(userId: string, limit: number, cursor?: string): Promise<TokenRow[]> {
    let q = this.db
      .selectFrom("api_tokens")
      .selectAll()
      .where("user_id", "=", userId)
      .orderBy("id", "desc")
      .limit(limit);
    if (cursor) q = q.where("id", "<", cursor);
    return q.execute();
  }

  /** The live (unrevoked, unexpired) token with this hash and its user, or undefined. */
  async findLive(
    tokenHash: string,
    now: string,
  ): Promise<{ token: TokenRow; user: UserProfile } | undefined> {
    const [r] = await liveQuery(this.db, { hash: tokenHash, now });
    if (!r) return undefined;
    return {
      token: {
        id: r.token_id,
        user_id: r.u_id,
        name: r.token_name,
        token_hash: r.token_hash,
        prefix: r.prefix,
        scopes: r.scopes,
        created_at: r.token_created_at,
        last_used_at: r.last_used_at,
        expires_at: r.expires_at,
        revoked_at: r.revoked_at,
      },
      user: userFromJoin(r),
    };
  }

  /** Records use of a token. */
  async touch(id: string, at: string): Promise<void> {
    await this.db.updateTable("api_tokens").set({ last_used_at: at }).where("id", "=", id).execute();
  }

  /** Revokes the user's token with this id; false when there is no such live token of theirs. */
  async revoke(userId: string, id: string, at: string): Promise<boolean> {
    const r = await this.db
      .updateTable("api_tokens")
      .set({ revoked_at: at })
      .where("id", "=", id)
      .where("user_id", "=", userId)
      .where("revoked_at", "is", null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  /** True when the user owns a token with this id (revoked or not). */
  async exists(userId: string, id: string): Promise<boolean> {
    const r = await this.db
      .selectFrom("api_tokens")
      .select("id")
      .where("id", "=", id)
      .where("user_id", "=", userId)
      .executeTakeFirst();
    return r !== undefined;
  }

  /** Revokes every live token of a user. */
  async revokeAllForUser(userId: string, at: string): Promise<void> {
    await this.db
      .updateTable("api_tokens")
      .set({ revoked_at: at })
      .where("user_id", "=", userId)
      .where("revoked_at", "is", null)
      .execute();
  }
}
