import type { Selectable } from "kysely";
import type { Db } from "../../platform/db/database.js";
import { precompiledOn } from "../../platform/db/precompile.js";
import type { UsersTable } from "../../platform/db/schema.js";

export type UserRow = Selectable<UsersTable>;

/** Every users column as `u_<column>`, for queries that join `users as u` and return the user beside another row. */
export const USER_JOIN_COLUMNS = [
  "u.id as u_id",
  "u.email as u_email",
  "u.name as u_name",
  "u.password_hash as u_password_hash",
  "u.role as u_role",
  "u.timezone as u_timezone",
  "u.created_at as u_created_at",
  "u.disabled_at as u_disabled_at",
] as const;

/** The user of a row selected with USER_JOIN_COLUMNS. */
export function userFromJoin(r: { [K in keyof UserRow as `u_${K}`]: UserRow[K] }): UserRow {
  return {
    id: r.u_id,
    email: r.u_email,
    name: r.u_name,
    password_hash: r.u_password_hash,
    role: r.u_role,
    timezone: r.u_timezone,
    created_at: r.u_created_at,
    disabled_at: r.u_disabled_at,
  };
}

const userById = precompiledOn((db: Db, p: { id: string }) =>
  db.selectFrom("users").selectAll().where("id", "=", p.id),
);

/** SQL for the users table. */
export class UsersRepo {
  constructor(private readonly db: Db) {}

  /** The user with this id, or undefined. */
  async byId(id: string): Promise<UserRow | undefined> {
    return (await userById(this.db, { id }))[0];
  }

  /** The user with this (already normalised) email, or undefined. */
  byEmail(email: string): Promise<UserRow | undefined> {
    return this.db.selectFrom("users").selectAll().where("email", "=", email).executeTakeFirst();
  }

  /** Inserts a user; a duplicate email throws the engine's unique violation. */
  async insert(db: Db, row: UserRow): Promise<void> {
    await db.insertInto("users").values(row).execute();
  }

  /** Applies a partial update; returns the updated row or undefined when absent. */
  async update(
    id: string,
    patch: Partial<Pick<UserRow, "name" | "timezone" | "role" | "disabled_at" | "password_hash">>,
  ) {
    if (Object.keys(patch).length > 0)
      await this.db.updateTable("users").set(patch).where("id", "=", id).execute();
    return this.byId(id);
  }

  /** Users ordered by id, after `cursor` when given. */
  list(limit: number, cursor?: string): Promise<UserRow[]> {
    let q = this.db.selectFrom("users").selectAll().orderBy("id").limit(limit);
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
