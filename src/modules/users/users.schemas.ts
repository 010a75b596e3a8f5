import { type Static, Type } from "@sinclair/typebox";
import { USER_ROLES } from "../../platform/access/actor.js";
import { Instant } from "../../platform/http/responses.js";
import type { UserProfile } from "./users.repo.js";

export const Email = Type.String({ format: "email", maxLength: 254 });
// The policy (length counted in characters, common passwords) is checked by the service; this bounds the bytes.
/** Longest password in characters (NIST allows at least 64; argon2 hashes any length). */
export const PASSWORD_MAX = 256;
export const Password = Type.String({ minLength: 1, maxLength: PASSWORD_MAX * 4 });
export const TimeZone = Type.String({
  minLength: 1,
  maxLength: 64,
  description: "IANA time zone, e.g. Europe/Paris",
});
export const Name = Type.String({ minLength: 1, maxLength: 100 });

export const User = Type.Object(
  {
    id: Type.String(),
    email: Type.String(),
    name: Type.String(),
    role: USER_ROLES.schema(),
    timezone: Type.String(),
    createdAt: Instant,
    disabledAt: Type.Union([Instant, Type.Null()]),
  },
  { $id: "User" },
);
export type User = Static<typeof User>;

export function toUser(row: UserProfile): User {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    timezone: row.timezone,
    createdAt: row.created_at,
    disabledAt: row.disabled_at,
  };
}
