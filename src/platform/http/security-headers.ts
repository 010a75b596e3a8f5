import type { FastifyInstance } from "fastify";

/**
 * Headers every answer carries: `X-Content-Type-Options: nosniff` (a browser never guesses a type from
 * the bytes, e.g. runs an error body as HTML), and `Cache-Control: no-store` unless the route set its own
 * caching (the docs' static files): answers hold a user's data, sessions and CSRF tokens, which no shared
 * or browser cache may keep.
 */
export function registerSecurityHeaders(app: FastifyInstance): void {
  app.addHook("onSend", (_request, reply, payload, done) => {
    reply.header("x-content-type-options", "nosniff");
    if (!reply.hasHeader("cache-control")) reply.header("cache-control", "no-store");
    done(null, payload);
  });
}
