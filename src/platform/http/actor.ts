import type { FastifyRequest } from "fastify";
import type { Actor } from "../access/actor.js";
import { unauthorized } from "../errors.js";

/** How the request was authenticated (set by the authentication hook with the actor). */
export interface Credential {
  via: "session" | "token";
  /** SHA-256 of the session cookie, for session-authenticated requests. */
  sessionHash?: string;
  /** The API token's id, for token-authenticated requests. */
  tokenId?: string;
}

declare module "fastify" {
  interface FastifyRequest {
    /** Who the request acts for; set by the authentication hook on every non-public route. */
    actor?: Actor;
    credential?: Credential;
  }
}

/** The actor of a route that requires authentication (401 if there is none). */
export function actorOf(request: FastifyRequest): Actor {
  if (!request.actor) throw unauthorized();
  return request.actor;
}

/** The credential of an authenticated request (401 if there is none). */
export function credentialOf(request: FastifyRequest): Credential {
  if (!request.credential) throw unauthorized();
  return request.credential;
}
