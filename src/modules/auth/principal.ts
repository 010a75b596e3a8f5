import type { UserRow } from "../users/users.repo.js";

export const SCOPES = ["read", "write", "admin"] as const;
export type Scope = (typeof SCOPES)[number];

/** Who is making a request, and what their credential allows. */
export interface Principal {
  user: UserRow;
  scopes: readonly Scope[];
  via: "session" | "token";
  /** SHA-256 of the session cookie, for session-authenticated requests. */
  sessionHash?: string;
  /** The API token's id, for token-authenticated requests. */
  tokenId?: string;
}

/** The scopes a user's own login session carries: everything their role permits. */
export function sessionScopes(user: UserRow): Scope[] {
  return user.role === "admin" ? ["read", "write", "admin"] : ["read", "write"];
}
