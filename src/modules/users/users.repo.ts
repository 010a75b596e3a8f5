import type { Kysely, Selectable } from "kysely";
import { type Actor, actorOf } from "../../platform/access/actor.js";
import { precompiledOn } from "../../platform/db/precompile.js";
import type { DbScope } from "../../platform/db/unit-of-work.js";
import type { UsersTable, UsersTables } from "./users.tables.js";

export type UserRow = Selectable<UsersTable>;
/** A user as everything but authentication sees them: no password hash. */
export type UserProfile = Omit<UserRow, "password_hash">;

const PROFILE_COLUMNS = ["id", "email", "name", "role", "timezone", "created_at", "disabled_at"] as const;

/** Every profile column as `u_<column>`, for queries that join `users as u` and return the user beside another row. */
export const USER_JOIN_COLUMNS = [
  "u.id as u_id",
  "u.email as u_email",
  "u.name as u_name",
  "u.role as u_role",
  "u.timezone as u_timezone",
  "u.created_at as u_created_at",
  "u.disabled_at as u_disabled_at",
] as const;

/** The profile of a row selected with USER_JOIN_COLUMNS. */
export function userFromJoin(r: { [K in keyof UserProfile as `u_${K}`]: UserProfile[K] }): UserProfile {
  return {
    id: r.u_id,
    email: r.u_email,
    name: r.u_name,
    role: r.u_role,
    timezone: r.u_timezone,
    created_at: r.u_created_at,
    disabled_at: r.u_disabled_at,
  };
}

const profileById = precompiledOn((db: Kysely<UsersTables>, p: { id: string }) =>
  db.selectFrom("users").select(PROFILE_COLUMNS).where("id", "=", p.id),
);

/** SQL for the users table; runs in the caller's unit of work. */
export class UsersRepo {
  constructor(private readonly scope: DbScope) {}

  private get db(): Kysely<UsersTables> {
    return this.scope.db;
  }

  /** The user with this id, or undefined. */
  async byId(id: string): Promise<UserProfile | undefined> {
    return (await profileById(this.db, { id }))[0];
  }

  /** The actor a user's own writes run as (every scope their role has), or undefined when absent or disabled. */
  async actor(id: string): Promise<Actor | undefined> {
    const user = await this.byId(id);
    return user && !user.disabled_at ? actorOf(user) : undefined;
  }

  /** The user with this (already normalised) email, with the password hash (for login only), or undefined. */
  withSecretByEmail(email: string): Promise<UserRow | undefined> {
    return this.db.selectFrom("users").selectAll().where("email", "=", email).executeTakeFirst();
  }

  /** The password hash of a user, or undefined. */
  async passwordHash(id: string): Promise<string | undefined> {
    const r = await this.db
      .selectFrom("users")
      .select("password_hash")
      .where("id", "=", id)
      .executeTakeFirst();
    return r?.password_hash;
  }

  /** Inserts a user; a duplicate email throws the engine's unique violation. */
  async insert(row: UserRow): Promise<void> {
    await this.db.insertInto("users").values(row).execute();
  }

  /** Applies a partial update; returns the updated profile or undefined when absent. */
  async update(
    id: string,
    patch: Partial<Pick<UserRow, "name" | "timezone" | "role" | "disabled_at" | "password_hash">>,
  ): Promise<UserProfile | undefined> {
    if (Object.keys(patch).length > 0)
      await this.db.updateTable("users").set(patch).where("id", "=", id).execute();
    return this.byId(id);
  }

  /** Users ordered by id, after `cursor` when given. */
  list(limit: number, cursor?: string): Promise<UserProfile[]> {
    let q = this.db.selectFrom("users").select(PROFILE_COLUMNS).orderBy("id").limit(limit);
    if (cursor) q = q.where("id", ">", cursor);
    return q.execute();
  }

  /** How many enabled admins exist. */
  async countActiveAdmins(): Promise<number> {
    const r = await this.db
      .selectFrom("users")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("role", "=", "admin")
      .where("disabled_at", "is", null)
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }
}
