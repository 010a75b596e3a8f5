import { forbidden, notFound } from "../errors.js";
import type { Actor, Scope } from "./actor.js";

/**
 * How an actor stands to one object: its owner, or someone it was shared with (editor, viewer), or a
 * member/moderator of a group that holds it. Policies name the relations that allow each action.
 */
export type Relation = string;

/** One object as a caller already read it: enough to decide ownership without another query. */
export interface Known {
  id: string;
  ownerId: string;
}

/**
 * Who may do what to one kind of object. Actions are `<resource>.<verb>` (e.g. `book.update`); each lists
 * the relations that allow it and the credential scope it needs. `relations` is set-based: one call for
 * many ids.
 */
export interface ResourcePolicy {
  /** The kind of object, e.g. "book": the prefix of its actions. */
  readonly resource: string;
  /** The noun of its 404: "Book" → "Book not found". */
  readonly label: string;
  readonly actions: Readonly<Record<string, { relations: readonly Relation[]; scope: Scope }>>;
  /**
   * The actor's relations to each id it has any to; ids that do not exist, or that the actor has no
   * relation to, are absent (both answer the same 404). `known` are rows the caller read already.
   */
  relations(actor: Actor, ids: readonly string[], known?: readonly Known[]): Promise<Map<string, Relation[]>>;
}

/**
 * The access checks services call. Every denial of an object the actor cannot see is the same 404 as a
 * missing id (OWASP API1: nothing tells "exists but not yours" from "does not exist"); a credential lacking
 * the action's scope is a 403; an object the actor has some relation to (e.g. a viewer) but not one that
 * allows the action is a 403 too (they know it exists).
 */
export class AccessControl {
  private readonly policies = new Map<string, ResourcePolicy>();

  register(...policies: ResourcePolicy[]): void {
    for (const p of policies) {
      if (this.policies.has(p.resource)) throw new Error(`access policy "${p.resource}" is registered twice`);
      for (const action of Object.keys(p.actions))
        if (!action.startsWith(`${p.resource}.`))
          throw new Error(`action "${action}" of policy "${p.resource}" must start with "${p.resource}."`);
      this.policies.set(p.resource, p);
    }
  }

  /** Every registered policy (the access matrix test walks them). */
  all(): ResourcePolicy[] {
    return [...this.policies.values()];
  }

  private policyOf(action: string): {
    policy: ResourcePolicy;
    rule: { relations: readonly Relation[]; scope: Scope };
  } {
    const resource = action.slice(0, action.indexOf("."));
    const policy = this.policies.get(resource);
    const rule = policy?.actions[action];
    if (!policy || !rule) throw new Error(`no access policy declares the action "${action}"`);
    return { policy, rule };
  }

  /** The ids the actor may `action` (a subset of `ids`). */
  async allowed(
    actor: Actor,
    action: string,
    ids: readonly string[],
    known?: readonly Known[],
  ): Promise<Set<string>> {
    const { policy, rule } = this.policyOf(action);
    if (!actor.scopes.includes(rule.scope) || ids.length === 0) return new Set();
    const relations = await policy.relations(actor, [...new Set(ids)], known);
    const ok = new Set<string>();
    for (const [id, rels] of relations) if (rels.some((r) => rule.relations.includes(r))) ok.add(id);
    return ok;
  }

  /**
   * Throws unless the actor may `action` on every id: 403 when the credential lacks the action's scope,
   * else the policy's 404 for the first id it may not act on.
   */
  async require(
    actor: Actor,
    action: string,
    ids: string | readonly string[],
    known?: readonly Known[],
  ): Promise<void> {
    const list = typeof ids === "string" ? [ids] : ids;
    const { policy, rule } = this.policyOf(action);
    if (!actor.scopes.includes(rule.scope))
      throw forbidden(`This credential lacks the "${rule.scope}" scope`);
    if (list.length === 0) return;
    const relations = await policy.relations(actor, [...new Set(list)], known);
    for (const id of list) {
      const rels = relations.get(id);
      if (!rels || rels.length === 0) throw notFound(policy.label);
      if (!rels.some((r) => rule.relations.includes(r)))
        throw forbidden(`You may not do this to this ${policy.label.toLowerCase()} (${action})`);
    }
  }

  /** Throws a 403 unless the actor is an administrator whose credential carries the admin scope. */
  requireAdmin(actor: Actor): void {
    if (actor.role !== "admin") throw forbidden("Administrators only");
    if (!actor.scopes.includes("admin")) throw forbidden('This credential lacks the "admin" scope');
  }
}
