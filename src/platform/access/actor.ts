import { type EnumValue, enumeration } from "../enum.js";
import { forbidden } from "../errors.js";

/** What a credential may do: read, write, administer. */
export const SCOPES = enumeration(["read", "write", "admin"]);
export type Scope = EnumValue<typeof SCOPES>;

/** An account's role. */
export const USER_ROLES = enumeration(["admin", "member"]);
export type UserRole = EnumValue<typeof USER_ROLES>;

/**
 * Who a use case acts for: the user, their role, what the credential in use allows, and the zone their
 * days are in. Services receive this and nothing more (never a user row, which holds the password hash).
 */
export interface Actor {
  readonly userId: string;
  readonly role: UserRole;
  readonly scopes: readonly Scope[];
  /** IANA time zone: which local day the actor's writes belong to. */
  readonly timezone: string;
  /**
   * Share-link secrets presented with this one request (e.g. `?link=` on a note): policies give the
   * relation "link" on the objects a valid one opens. Absent on every actor unless a route adds them.
   */
  readonly links?: readonly string[];
}

/** The actor presenting these share-link secrets with one request (none: the actor as it is). */
export function withLinks(actor: Actor, links: readonly (string | undefined)[]): Actor {
  const given = links.filter((l): l is string => typeof l === "string" && l.length > 0);
  if (given.length === 0) return actor;
  return Object.freeze({ ...actor, links: Object.freeze([...new Set(given)]) });
}

/** Every scope a role permits: what the user's own login session carries. */
export function roleScopes(role: UserRole): Scope[] {
  return role === "admin" ? ["read", "write", "admin"] : ["read", "write"];
}

/** The actor of a user with the given scopes (default: everything the role permits), frozen. */
export function actorOf(
  user: { id: string; role: UserRole; timezone: string },
  scopes: readonly Scope[] = roleScopes(user.role),
): Actor {
  return Object.freeze({
    userId: user.id,
    role: user.role,
    scopes: Object.freeze([...scopes]),
    timezone: user.timezone,
  });
}

/** Throws a 403 unless the actor's credential carries `scope` (for actions on no existing object, e.g. creating one). */
export function requireScope(actor: Actor, scope: Scope): void {
  if (!actor.scopes.includes(scope)) throw forbidden(`This credential lacks the "${scope}" scope`);
}
