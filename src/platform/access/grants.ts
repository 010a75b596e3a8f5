import type { Kysely } from "kysely";
import type { Clock } from "../clock.js";
import type { DbScope } from "../db/unit-of-work.js";
import { newId } from "../ids.js";
import type { Actor } from "./actor.js";
import type { Relation } from "./policy.js";

/** Instants are ISO-8601 UTC strings on both engines. */
export interface GrantsTable {
  id: string;
  resource_type: string;
  resource_id: string;
  subject_type: string;
  subject_id: string;
  relation: string;
  granted_by: string | null;
  created_at: string;
  expires_at: string | null;
}
export interface AccessTables {
  grants: GrantsTable;
}

/** The groups (of one kind, e.g. "club") a user belongs to; registered by the module that owns the groups. */
export type GroupMembership = (userId: string) => Promise<string[]>;

/**
 * The ids (among `ids`) that one of the share-link secrets opens; registered by the module that makes the
 * links of a kind of object.
 */
export type LinkResolver = (ids: readonly string[], secrets: readonly string[]) => Promise<Set<string>>;

/** The relation a valid share link gives on the object it opens (policies list it where a link may act). */
export const LINK_RELATION = "link";

/**
 * Shares of objects: `relation` on one object for a user or for every member of a group. The set-based
 * lookup is what policies of shareable objects call for the ids the actor does not own.
 */
export class GrantsRepo {
  private readonly groups = new Map<string, GroupMembership>();
  private readonly linkResolvers = new Map<string, LinkResolver>();

  constructor(
    private readonly scope: DbScope,
    private readonly clock: Clock,
  ) {}

  private get db(): Kysely<AccessTables> {
    return this.scope.db;
  }

  /** Lets grants to groups of `kind` reach their members. */
  registerGroups(kind: string, membership: GroupMembership): void {
    if (kind === "user") throw new Error('"user" is not a group kind');
    this.groups.set(kind, membership);
  }

  /** Lets share links of `resourceType` (secrets an actor presents) give the relation "link". */
  registerLinks(resourceType: string, resolve: LinkResolver): void {
    if (this.linkResolvers.has(resourceType))
      throw new Error(`links of "${resourceType}" are registered twice`);
    this.linkResolvers.set(resourceType, resolve);
  }

  /** Gives `subject` the relation on the object (replacing the relation it had). */
  async grant(g: {
    resourceType: string;
    resourceId: string;
    subjectType: string;
    subjectId: string;
    relation: Relation;
    grantedBy?: string;
    expiresAt?: string | null;
  }): Promise<void> {
    const row = {
      id: newId(this.clock.now().getTime()),
      resource_type: g.resourceType,
      resource_id: g.resourceId,
      subject_type: g.subjectType,
      subject_id: g.subjectId,
      relation: g.relation,
      granted_by: g.grantedBy ?? null,
      created_at: this.clock.now().toISOString(),
      expires_at: g.expiresAt ?? null,
    };
    await this.db
      .insertInto("grants")
      .values(row)
      .onConflict((oc) =>
        oc
          .columns(["resource_type", "resource_id", "subject_type", "subject_id"])
          .doUpdateSet({ relation: row.relation, expires_at: row.expires_at, granted_by: row.granted_by }),
      )
      .execute();
  }

  async revoke(
    resourceType: string,
    resourceId: string,
    subjectType: string,
    subjectId: string,
  ): Promise<boolean> {
    const r = await this.db
      .deleteFrom("grants")
      .where("resource_type", "=", resourceType)
      .where("resource_id", "=", resourceId)
      .where("subject_type", "=", subjectType)
      .where("subject_id", "=", subjectId)
      .executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }

  /**
   * Removes the subject's grant on the object and answers what it was, in one statement: a grant given
   * again meanwhile is either the one taken or stays (never removed unseen by a taker that read it before).
   */
  async take(
    resourceType: string,
    resourceId: string,
    subjectType: string,
    subjectId: string,
  ): Promise<Pick<GrantsTable, "relation" | "granted_by" | "expires_at"> | undefined> {
    return this.db
      .deleteFrom("grants")
      .where("resource_type", "=", resourceType)
      .where("resource_id", "=", resourceId)
      .where("subject_type", "=", subjectType)
      .where("subject_id", "=", subjectId)
      .returning(["relation", "granted_by", "expires_at"])
      .executeTakeFirst();
  }

  /** Removes every share of these objects (when they are deleted). */
  async revokeAll(resourceType: string, resourceIds: readonly string[]): Promise<void> {
    if (resourceIds.length === 0) return;
    await this.db
      .deleteFrom("grants")
      .where("resource_type", "=", resourceType)
      .where("resource_id", "in", resourceIds)
      .execute();
  }

  /**
   * Ids of objects of `resourceType` shared with the actor (to them or their groups, unexpired), highest id
   * first, below `before` when given: the candidates of a "shared with me" list, which the resource's
   * policy then confirms.
   */
  async sharedIds(
    actor: Actor,
    resourceType: string,
    o: { before?: string; limit: number },
  ): Promise<string[]> {
    const subjects = await this.subjects(actor);
    const now = this.clock.now().toISOString();
    let q = this.db
      .selectFrom("grants")
      .select("resource_id")
      .distinct()
      .where("resource_type", "=", resourceType)
      .where((eb) =>
        eb.or(subjects.map((s) => eb.and([eb("subject_type", "=", s.type), eb("subject_id", "=", s.id)]))),
      )
      .where((eb) => eb.or([eb("expires_at", "is", null), eb("expires_at", ">", now)]));
    if (o.before !== undefined) q = q.where("resource_id", "<", o.before);
    const rows = await q.orderBy("resource_id", "desc").limit(o.limit).execute();
    return rows.map((r) => r.resource_id);
  }

  /** The actor and the groups they belong to, as grant subjects. */
  private async subjects(actor: Actor): Promise<Array<{ type: string; id: string }>> {
    const subjects: Array<{ type: string; id: string }> = [{ type: "user", id: actor.userId }];
    for (const [kind, membership] of this.groups)
      for (const id of await membership(actor.userId)) subjects.push({ type: kind, id });
    return subjects;
  }

  /** The actor's unexpired relations to each of these objects through shares (to them or their groups). */
  async relations(
    actor: Actor,
    resourceType: string,
    ids: readonly string[],
  ): Promise<Map<string, Relation[]>> {
    const out = new Map<string, Relation[]>();
    if (ids.length === 0) return out;
    const subjects = await this.subjects(actor);
    const now = this.clock.now().toISOString();
    const rows = await this.db
      .selectFrom("grants")
      .select(["resource_id", "relation"])
      .where("resource_type", "=", resourceType)
      .where("resource_id", "in", ids)
      .where((eb) =>
        eb.or(subjects.map((s) => eb.and([eb("subject_type", "=", s.type), eb("subject_id", "=", s.id)]))),
      )
      .where((eb) => eb.or([eb("expires_at", "is", null), eb("expires_at", ">", now)]))
      .execute();
    for (const r of rows) out.set(r.resource_id, [...(out.get(r.resource_id) ?? []), r.relation]);
    const resolve = this.linkResolvers.get(resourceType);
    if (resolve && actor.links && actor.links.length > 0)
      for (const id of await resolve(ids, actor.links)) out.set(id, [...(out.get(id) ?? []), LINK_RELATION]);
    return out;
  }
}
