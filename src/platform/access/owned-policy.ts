import type { Kysely } from "kysely";
import type { DbScope } from "../db/unit-of-work.js";
import type { Actor, Scope } from "./actor.js";
import type { GrantsRepo } from "./grants.js";
import type { Known, Relation, ResourcePolicy } from "./policy.js";

export interface OwnedPolicyOptions {
  resource: string;
  label: string;
  /** The table holding the objects, their id column and their owner column. */
  table: string;
  idColumn?: string;
  ownerColumn?: string;
  /** Each action: the relations that allow it (the owner is always one) and the scope it needs. */
  actions: Readonly<Record<string, { relations: readonly Relation[]; scope: Scope }>>;
  /** Shares (grants) reach this kind of object; false: only its owner ever has a relation to it. */
  shareable?: boolean;
}

/**
 * The policy of objects that have one owner and may be shared: the owner has the relation "owner"; others
 * have what grants give them. One query decides ownership for a whole set of ids (none when the caller
 * passes the rows it read), and grants are looked up only for the ids the actor does not own.
 */
export function ownedPolicy(
  scope: DbScope,
  grants: GrantsRepo | undefined,
  o: OwnedPolicyOptions,
): ResourcePolicy {
  const idColumn = o.idColumn ?? "id";
  const ownerColumn = o.ownerColumn ?? "owner_id";
  return {
    resource: o.resource,
    label: o.label,
    actions: o.actions,
    async relations(actor: Actor, ids: readonly string[], known?: readonly Known[]) {
      const out = new Map<string, Relation[]>();
      const owners = new Map<string, string>();
      for (const k of known ?? []) owners.set(k.id, k.ownerId);
      const unknown = ids.filter((id) => !owners.has(id));
      if (unknown.length > 0) {
        // biome-ignore lint/suspicious/noExplicitAny: the table is named by the policy's options
        const db = scope.db as Kysely<any>;
        const rows: Array<{ id: string; owner: string }> = await db
          .selectFrom(o.table)
          .select([`${idColumn} as id`, `${ownerColumn} as owner`])
          .where(idColumn, "in", unknown)
          .execute();
        for (const r of rows) owners.set(r.id, r.owner);
      }
      const notMine: string[] = [];
      for (const id of ids) {
        const owner = owners.get(id);
        if (owner === undefined) continue;
        if (owner === actor.userId) out.set(id, ["owner"]);
        else notMine.push(id);
      }
      if (o.shareable !== false && grants && notMine.length > 0)
        for (const [id, rels] of await grants.relations(actor, o.resource, notMine)) out.set(id, rels);
      return out;
    },
  };
}
