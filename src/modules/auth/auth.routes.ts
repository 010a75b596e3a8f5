import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import type { FastifyReply, FastifyRequest } from "fastify";
import { problems } from "../../platform/http/responses.js";
import { toUser } from "../users/users.schemas.js";
import { CSRF_COOKIE, checkCsrf, DEVICE_COOKIE, SESSION_COOKIE } from "./auth.hook.js";
import { LoginBody, LoginResult, RegisterBody, RegisterResult, RegistrationInfo } from "./auth.schemas.js";
import type { AuthService, NewSession } from "./auth.service.js";
import { DEVICE_TTL_MS } from "./login-throttle.repo.js";

function setSessionCookies(request: FastifyRequest, reply: FastifyReply, s: NewSession): void {
  const common = {
    path: "/",
    sameSite: "lax" as const,
    secure: request.protocol === "https",
    expires: s.expiresAt,
  };
  reply.setCookie(SESSION_COOKIE, s.cookie, { ...common, httpOnly: true });
  // Readable by the web app so it can echo it in the x-csrf-token header.
  reply.setCookie(CSRF_COOKIE, s.csrfToken, { ...common, httpOnly: false });
  // Outlives sessions and logouts: it is what lets the owner in while strangers are being throttled.
  reply.setCookie(DEVICE_COOKIE, s.deviceCookie, {
    path: "/api/auth",
    sameSite: "strict",
    secure: request.protocol === "https",
    httpOnly: true,
    maxAge: DEVICE_TTL_MS / 1000,
  });
}

/**
 * Bodies of the routes anyone may call without credentials (register, login): the largest valid one is
 * under 2 KB, so a stranger's megabyte is refused before it is read, let alone parsed (issue 11, item 1).
 */
export const PUBLIC_BODY_LIMIT = 16 * 1024;

export const authRoutes: FastifyPluginAsyncTypebox<{ auth: AuthService }> = async (app, { auth }) => {
  app.get(
    "/api/auth/registration",
    {
      config: { auth: "public" },
      schema: {
        tags: ["auth"],
        summary: "How registration works on this server",
        description: "Lets a sign-up page say whether it is open, needs an invitation or is closed.",
        response: { 200: RegistrationInfo },
      },
    },
    async () => ({ mode: await auth.registrationMode() }),
  );

  app.post(
    "/api/auth/register",
    {
      bodyLimit: PUBLIC_BODY_LIMIT,
      config: { auth: "public" },
      schema: {
        tags: ["auth"],
        summary: "Create an account",
        description:
          "The first account becomes the administrator. Afterwards registration is open, closed or " +
          "invite-only as the administrator sets it. The answer is the same whether or not the email was " +
          "already registered (no account discovery); log in to continue.",
        body: RegisterBody,
        response: { 202: RegisterResult, ...problems(400, 403, 413) },
      },
    },
    async (request, reply) => {
      await auth.register(request.body);
      return reply.code(202).send({
        status: "accepted",
        message: "If this email address could be registered, its account now exists. Log in to continue.",
      });
    },
  );

  app.post(
    "/api/auth/login",
    {
      bodyLimit: PUBLIC_BODY_LIMIT,
      config: { auth: "public" },
      schema: {
        tags: ["auth"],
        summary: "Log in and receive a session cookie",
        description:
          "Failed logins are throttled per account and per client address with growing delays (429 with " +
          "Retry-After), never a lock: a device that logged in to the account before (the `readlog_device` " +
          "cookie) is counted on its own, so its owner gets in while strangers guess. A disabled account " +
          "answers as a wrong password does.",
        body: LoginBody,
        response: { 200: LoginResult, ...problems(400, 401, 403, 413, 429) },
      },
    },
    async (request, reply) => {
      const session = await auth.login({
        ...request.body,
        address: request.ip,
        userAgent: request.headers["user-agent"],
        previousCookie: request.cookies[SESSION_COOKIE],
        deviceCookie: request.cookies[DEVICE_COOKIE],
      });
      setSessionCookies(request, reply, session);
      return {
        user: toUser(session.user),
        csrfToken: session.csrfToken,
        expiresAt: session.expiresAt.toISOString(),
      };
    },
  );

  app.post(
    "/api/auth/logout",
    {
      bodyLimit: PUBLIC_BODY_LIMIT,
      config: { auth: "public" },
      schema: {
        tags: ["auth"],
        summary: "End the current session",
        description:
          "With a session cookie this is a cookie-authenticated write: it needs the x-csrf-token header.",
        response: { 204: { type: "null" }, ...problems(403, 413) },
      },
    },
    async (request, reply) => {
      const cookie = request.cookies[SESSION_COOKIE];
      if (cookie) {
        // Else any page could log its visitors out (a cross-site form post carries the cookie).
        checkCsrf(request, cookie);
        await auth.logout(cookie);
      }
      reply.clearCookie(SESSION_COOKIE, { path: "/" }).clearCookie(CSRF_COOKIE, { path: "/" });
      return reply.code(204).send();
    },
  );
};
