import { Type } from "@sinclair/typebox";

const ProblemRef = Type.Ref("Problem");

/** Problem responses for the given status codes, for a route's `response` schema. */
export function problems(...codes: number[]) {
  return Object.fromEntries(codes.map((c) => [c, ProblemRef]));
}

/** Error responses every authenticated route can give. */
export const AUTHED = [400, 401, 403] as const;

export const Id = Type.String({ minLength: 1, maxLength: 64, description: "An opaque id" });
export const IdParams = Type.Object({ id: Id });
export const Instant = Type.String({ format: "date-time", description: "RFC 3339 instant, UTC" });
export const NoContent = Type.Null({ description: "No content" });
