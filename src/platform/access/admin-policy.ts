import type { Kysely } from "kysely";
import type { DbScope } from "../db/unit-of-work.js";
import type { Actor } from "./actor.js";
import type { Relation, ResourcePolicy } from "./policy.js";

/**
 * The policy of objects that belong to the server, not to a user (accounts as administered, invites, dead
 * jobs): administrators act on any of them, everyone else on none. Readlog has one administrative role, so
 * "any id" is the rule rather than a gap: an administrator manages the whole instance. A delegated or
 * scoped administration (per club, per team) would be a new relation here, not a new check in a service.
 */
export function adminPolicy(
  scope: DbScope | undefined,
  o: {
    resource: string;
    label: string;
    /** The table holding the objects, so missing ids stay 404s; none: every id is taken as existing. */
    table?: string;
    idColumn?: string;
    actions: readonly string[];
  },
): ResourcePolicy {
  return {
    resource: o.resource,
    label: o.label,
    actions: Object.fromEntries(o.actions.map((a) => [a, { relations: ["admin"], scope: "admin" as const }])),
    async relations(actor: Actor, ids: readonly string[]) {
      const out = new Map<string, Relation[]>();
      if (actor.role !== "admin") return out;
      let existing: readonly string[] = ids;
      if (scope && o.table) {
        // biome-ignore lint/suspicious/noExplicitAny: the table is named by the policy's options
        const db = scope.db as Kysely<any>;
        const col = o.idColumn ?? "id";
        const rows: Array<{ id: string }> = await db
          .selectFrom(o.table)
          .select(`${col} as id`)
          .where(col, "in", ids)
          .execute();
        existing = rows.map((r) => r.id);
      }
      for (const id of existing) out.set(id, ["admin"]);
      return out;
    },
  };
}
