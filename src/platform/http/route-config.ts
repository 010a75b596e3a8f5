import type { Scope } from "../access/actor.js";

declare module "fastify" {
  interface FastifyContextConfig {
    /** "public": no credentials needed; a scope: the credential must carry it (default: read for GET, write otherwise). */
    auth?: "public" | Scope;
    /**
     * For routes whose path names an object: the kind of object (or "self" for routes keyed by a day or
     * a year, which only ever read the caller's own rows). The access matrix walks the route table and
     * proves every such route answers another user exactly as it answers a missing object.
     */
    owns?: string;
  }
}
