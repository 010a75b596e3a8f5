import type { Actor } from "../../platform/access/actor.js";
import type { Relation, ResourcePolicy } from "../../platform/access/policy.js";
import type { ClubsRepo } from "./clubs.repo.js";

const ANY_MEMBER = ["owner", "moderator", "member"] as const;
const MODERATORS = ["owner", "moderator"] as const;

/**
 * Who may do what to a club: membership is the relation (the member's role), read from club_members for
 * a whole set of clubs in one query. A stranger has none: every club of theirs answers 404 as a missing one.
 */
export function clubPolicy(repo: ClubsRepo): ResourcePolicy {
  return {
    resource: "club",
    label: "Club",
    actions: {
      "club.read": { relations: ANY_MEMBER, scope: "read" },
      /** Chat, react, mark read, change one's own membership settings, leave. */
      "club.participate": { relations: ANY_MEMBER, scope: "write" },
      "club.update": { relations: MODERATORS, scope: "write" },
      "club.invite": { relations: MODERATORS, scope: "write" },
      "club.list-invites": { relations: MODERATORS, scope: "read" },
      /** Remove members, delete anyone's messages. */
      "club.moderate": { relations: MODERATORS, scope: "write" },
      /** Change roles, hand the club over, delete it. */
      "club.manage": { relations: ["owner"], scope: "write" },
    },
    async relations(actor: Actor, ids: readonly string[]) {
      const roles = await repo.rolesOf(actor.userId, ids);
      return new Map<string, Relation[]>([...roles].map(([id, role]) => [id, [role]]));
    },
  };
}
