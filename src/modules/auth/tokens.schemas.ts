import { Type } from "@sinclair/typebox";
import { SCOPES, type Scope } from "../../platform/access/actor.js";
import { Instant } from "../../platform/http/responses.js";
import type { TokenRow } from "./tokens.repo.js";

export const ScopeSchema = SCOPES.schema({
  description: "read: GET requests; write: changes; admin: the admin API (administrators only)",
});

export const CreateTokenBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    scopes: Type.Array(ScopeSchema, { minItems: 1, maxItems: 3, uniqueItems: true }),
    expiresInDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 3650 })),
  },
  { additionalProperties: false },
);

export const Token = Type.Object({
  id: Type.String(),
  name: Type.String(),
  prefix: Type.String({ description: "The first characters of the token, to recognise it" }),
  scopes: Type.Array(ScopeSchema),
  createdAt: Instant,
  lastUsedAt: Type.Union([Instant, Type.Null()]),
  expiresAt: Type.Union([Instant, Type.Null()]),
  revokedAt: Type.Union([Instant, Type.Null()]),
});

export const CreatedToken = Type.Composite([
  Token,
  Type.Object({ token: Type.String({ description: "The secret, shown only in this response" }) }),
]);

export function toToken(row: TokenRow) {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    scopes: row.scopes.split(" ").filter((s): s is Scope => SCOPES.is(s)),
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
  };
}
