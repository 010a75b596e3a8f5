import { Type } from "@sinclair/typebox";

const ProblemRef = Type.Ref("Problem");

const PROBLEM_TEXT: Record<number, string> = {
  400: "Invalid request: the problem names each failing field and rule",
  401: "Missing, invalid, expired or revoked credentials",
  403: "Authenticated, but not allowed (scope, role, CSRF or registration mode)",
  404: "No such object for this user",
  409: "Conflicts with the current state",
  413: "Body too large",
  429: "Too many attempts; see Retry-After",
  503: "Not ready",
};

/** Problem responses (application/problem+json) for the given status codes, for a route's `response` schema. */
export function problems(...codes: number[]) {
  return Object.fromEntries(
    codes.map((c) => [
      c,
      {
        description: PROBLEM_TEXT[c] ?? "Error",
        content: { "application/problem+json": { schema: ProblemRef } },
      },
    ]),
  );
}

/** Error responses every authenticated route can give. */
export const AUTHED = [400, 401, 403] as const;

export const Id = Type.String({ minLength: 1, maxLength: 64, description: "An opaque id" });
export const IdParams = Type.Object({ id: Id });
export const Instant = Type.String({
  format: "date-time",
  maxLength: 40,
  description: "RFC 3339 instant, UTC",
});
export const NoContent = Type.Null({ description: "No content" });
