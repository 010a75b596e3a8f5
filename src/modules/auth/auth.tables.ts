import type { UsersTables } from "../users/users.tables.js";

type Instant = string;

export interface SessionsTable {
  /** SHA-256 of the cookie value; the cookie itself is never stored. */
  id_hash: string;
  user_id: string;
  created_at: Instant;
  expires_at: Instant;
  last_seen_at: Instant;
  user_agent: string | null;
}

export interface ApiTokensTable {
  id: string;
  user_id: string;
  name: string;
  /** SHA-256 of the secret; the secret is shown once at creation. */
  token_hash: string;
  /** First characters of the secret, to tell tokens apart in lists. */
  prefix: string;
  /** Space-separated subset of: read write admin. */
  scopes: string;
  created_at: Instant;
  last_used_at: Instant | null;
  expires_at: Instant | null;
  revoked_at: Instant | null;
}

export interface InvitesTable {
  id: string;
  code_hash: string;
  created_by: string;
  created_at: Instant;
  expires_at: Instant;
  used_at: Instant | null;
  used_by: string | null;
}

export interface SettingsTable {
  key: string;
  value: string;
}

/** Login attempts per key ("acct:<email>", "addr:<ip>", "dev:<hash>") in a one-hour window (ADR 0401). */
export interface LoginAttemptsTable {
  key: string;
  /** Epoch milliseconds. */
  window_start_ms: number;
  attempts: number;
  /** Epoch milliseconds: the next attempt is admitted from then on. */
  next_at_ms: number;
}

/** Devices (a long-lived cookie) an account logged in from: exempt from the account's delays. */
export interface TrustedDevicesTable {
  id_hash: string;
  user_id: string;
  created_at: Instant;
  last_used_at: Instant;
}

/** The auth module's tables, with the users table its lookups join. */
export interface AuthTables extends UsersTables {
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
  invites: InvitesTable;
  settings: SettingsTable;
  login_attempts: LoginAttemptsTable;
  trusted_devices: TrustedDevicesTable;
}
