import type { IncomingHttpHeaders } from "node:http";
import { Type } from "@sinclair/typebox";
import { TypeCompiler } from "@sinclair/typebox/compiler";
import type { Socket } from "socket.io";
import { AppError, forbidden, invalidField } from "../../platform/errors.js";
import { type PresentedCredentials, SESSION_COOKIE } from "../auth/auth.hook.js";

/** What a client may send in its handshake's `auth` (Socket.IO's `io(url, { auth })`). */
export const HandshakeAuth = Type.Object(
  {
    /** A personal API token (browsers cannot set headers on a WebSocket); else the header or the cookie. */
    token: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    /** The id of the last event the client received: the events after it are replayed first. */
    lastEventId: Type.Optional(Type.String({ minLength: 1, maxLength: 64, pattern: "^[0-9a-f-]+$" })),
  },
  { additionalProperties: false },
);
const checkAuth = TypeCompiler.Compile(HandshakeAuth);

export interface HandshakeCredentials {
  credentials: PresentedCredentials;
  lastEventId: string | undefined;
}

/** The credentials a Socket.IO handshake presents (a token in `auth`, else as `upgradeCredentials`). */
export function handshakeCredentials(h: Socket["handshake"]): HandshakeCredentials {
  const auth = h.auth ?? {};
  if (!checkAuth.Check(auth)) {
    const first = [...checkAuth.Errors(auth)][0];
    throw invalidField(
      `auth${first?.path.replaceAll("/", ".") ?? ""}`,
      "schema",
      first?.message ?? "invalid",
    );
  }
  return { credentials: upgradeCredentials(auth.token, h.headers), lastEventId: auth.lastEventId };
}

/**
 * The credentials a WebSocket upgrade presents (Socket.IO's, the collab server's), in the API's order: a
 * token the client sent in the protocol, else the Authorization header, else the session cookie. A
 * cookie-authenticated upgrade must come from this server's own origin (a WebSocket is not subject to
 * CORS: without this check any site could open one with the visitor's cookie).
 */
export function upgradeCredentials(
  token: string | undefined,
  headers: IncomingHttpHeaders,
): PresentedCredentials {
  if (token !== undefined) return { authorization: `Bearer ${token}` };
  if (headers.authorization !== undefined) return { authorization: headers.authorization };
  const cookie = cookieNamed(headers.cookie, SESSION_COOKIE);
  if (cookie !== undefined) {
    const origin = headers.origin;
    if (origin !== undefined && !sameHost(origin, headers.host))
      throw forbidden("A cookie-authenticated connection must come from this server's own pages");
  }
  return { sessionCookie: cookie };
}

/** One cookie's value from a Cookie header (the first of that name, as browsers send the most specific first). */
function cookieNamed(header: string | undefined, name: string): string | undefined {
  for (const part of header?.split(";") ?? []) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      const raw = part.slice(eq + 1).trim();
      try {
        return decodeURIComponent(raw);
      } catch {
        return raw;
      }
    }
  }
  return undefined;
}

function sameHost(origin: string, host: string | undefined): boolean {
  try {
    return host !== undefined && new URL(origin).host === host;
  } catch {
    return false;
  }
}

/** An error as the client's `connect_error` carries it: the message, and `data` naming status and code. */
export function connectError(err: unknown): Error & { data: { status: number; code: string } } {
  const app =
    err instanceof AppError ? err : new AppError(500, "internal", "Internal error", "Internal error");
  return Object.assign(new Error(app.message), { data: { status: app.status, code: app.code } });
}
