import type { Actor } from "../../platform/access/actor.js";
import type { Credential } from "../../platform/http/actor.js";
import type { UserProfile } from "../users/users.repo.js";

/**
 * Who is making a request: the actor services receive, the user's profile (for `/api/me`; no password
 * hash), and the credential presented. Frozen: a cached principal is shared by every request that
 * presents the same credential.
 */
export interface Principal {
  readonly actor: Actor;
  readonly user: Readonly<UserProfile>;
  readonly credential: Readonly<Credential>;
}
