import type { UserRole } from "../../platform/access/actor.js";

/** Instants are ISO-8601 UTC strings on both engines (timestamptz on PostgreSQL, TEXT on SQLite). */
export type Instant = string;

export interface UsersTable {
  id: string;
  email: string;
  name: string;
  password_hash: string;
  role: UserRole;
  timezone: string;
  created_at: Instant;
  disabled_at: Instant | null;
}

export interface UsersTables {
  users: UsersTable;
}
