import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Scope } from "../../platform/access/actor.js";
import { forbidden, unauthorized } from "../../platform/errors.js";
import { safeEqual } from "../../platform/secrets.js";
import type { UserProfile } from "../users/users.repo.js";
import { type AuthService, csrfTokenFor } from "./auth.service.js";
import type { Principal } from "./principal.js";

export const SESSION_COOKIE = "readlog_session";
export const CSRF_COOKIE = "readlog_csrf";
export const CSRF_HEADER = "x-csrf-token";
/** Marks a device its account logged in from before (ADR 0401); sent to /api/auth only. */
export const DEVICE_COOKIE = "readlog_device";

/** Throws 403 unless a cookie-authenticated write carries the session's CSRF token. */
export function checkCsrf(request: FastifyRequest, sessionCookie: string): void {
  const sent = request.headers[CSRF_HEADER];
  if (typeof sent !== "string" || !safeEqual(sent, csrfTokenFor(sessionCookie)))
    throw forbidden(`Missing or wrong ${CSRF_HEADER} header (cookie-authenticated writes need it)`);
}

declare module "fastify" {
  interface FastifyRequest {
    /** The authenticated user's profile (beside `actor` and `credential`, set by the hook below). */
    profile?: Readonly<UserProfile>;
  }
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** The profile of the authenticated user of a route that requires one. */
export function profileOf(request: FastifyRequest): Readonly<UserProfile> {
  if (!request.profile) throw unauthorized();
  return request.profile;
}

function isPublic(request: FastifyRequest): boolean {
  const url = request.routeOptions.url;
  return url === undefined || request.routeOptions.config.auth === "public" || url.startsWith("/api/docs");
}

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/**
 * Authenticates every request before its body is read: a Bearer token, else the session cookie.
 * Checks the scope the route needs and, for cookie-authenticated writes, the CSRF token. A token whose
 * principal is cached is admitted without a promise or a trip through the event loop (most API calls);
 * everything else takes the asynchronous path.
 */
export function registerAuthHook(app: FastifyInstance, auth: AuthService): void {
  app.addHook("onRequest", (request, reply, done) => {
    if (isPublic(request)) return done();
    const header = request.headers.authorization;
    const cached = header === undefined ? undefined : auth.cachedBearer(BEARER.exec(header)?.[1]);
    if (cached) {
      try {
        admit(request, cached);
      } catch (err) {
        return done(err as Error);
      }
      return done();
    }
    authenticate(auth, request, reply).then(() => done(), done);
  });
}

/** The credentials a request or a WebSocket handshake presents: an Authorization header, a session cookie. */
export interface PresentedCredentials {
  authorization?: string | undefined;
  sessionCookie?: string | undefined;
}

/**
 * The one authenticator of every entry point (HTTP requests, Socket.IO handshakes, later the collab
 * server): a Bearer token if an Authorization header is present, else the session cookie. Resolves to the
 * principal or throws the 401 the API answers (its `wwwAuthenticate` is the header HTTP sends with it).
 */
export async function authenticateCredentials(
  auth: AuthService,
  presented: PresentedCredentials,
): Promise<Principal> {
  const header = presented.authorization;
  if (header !== undefined) {
    const m = BEARER.exec(header);
    if (!m) throw unauthorized("The Authorization header must be: Bearer <token>");
    const principal = auth.cachedBearer(m[1]) ?? (await auth.fromBearerToken(m[1]!));
    if (!principal)
      throw withChallenge(
        unauthorized("The token is invalid, expired or revoked"),
        'Bearer error="invalid_token"',
      );
    return principal;
  }
  const cookie = presented.sessionCookie;
  const principal = cookie ? await auth.fromSessionCookie(cookie) : undefined;
  if (!principal)
    throw withChallenge(
      unauthorized(cookie ? "The session has ended; log in again" : "Authentication required"),
      "Bearer",
    );
  return principal;
}

function withChallenge<E extends Error>(err: E, challenge: string): E & { wwwAuthenticate: string } {
  return Object.assign(err, { wwwAuthenticate: challenge });
}

async function authenticate(auth: AuthService, request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const sessionCookie =
    request.headers.authorization === undefined ? request.cookies[SESSION_COOKIE] : undefined;
  try {
    const principal = await authenticateCredentials(auth, {
      authorization: request.headers.authorization,
      sessionCookie,
    });
    admit(request, principal, sessionCookie);
  } catch (err) {
    const challenge = (err as { wwwAuthenticate?: string }).wwwAuthenticate;
    if (challenge) reply.header("www-authenticate", challenge);
    throw err;
  }
}

/** Checks the scope the route needs (and the CSRF token of cookie writes), then sets request.principal. */
function admit(request: FastifyRequest, principal: Principal, sessionCookie?: string): void {
  const needed: Scope =
    (request.routeOptions.config.auth as Scope | undefined) ??
    (SAFE_METHODS.has(request.method) ? "read" : "write");
  if (needed === "admin" && principal.actor.role !== "admin") throw forbidden("Administrators only");
  if (!principal.actor.scopes.includes(needed)) throw forbidden(`This token lacks the "${needed}" scope`);

  if (sessionCookie && !SAFE_METHODS.has(request.method)) checkCsrf(request, sessionCookie);
  request.actor = principal.actor;
  request.credential = principal.credential;
  request.profile = principal.user;
}
