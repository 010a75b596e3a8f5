import { timingSafeEqual } from "node:crypto";
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "@sinclair/typebox";
import { forbidden, unauthorized } from "../../platform/errors.js";
import { actorOf } from "../../platform/http/actor.js";
import { AUTHED, Instant, problems } from "../../platform/http/responses.js";
import type { Metrics } from "../../platform/metrics.js";
import { SESSION_COOKIE } from "../auth/auth.hook.js";
import type { AuthService } from "../auth/auth.service.js";
import type { OpsService } from "./ops.service.js";

const admin = { auth: "admin" as const };
const tags = ["admin"];

const Counts = Type.Object({
  waiting: Type.Integer(),
  delayed: Type.Integer(),
  running: Type.Integer(),
  failed: Type.Integer({ description: "Failed at least once; retry scheduled" }),
  dead: Type.Integer({ description: "Out of attempts; kept until retried or discarded" }),
});
const DeadJob = Type.Object({
  id: Type.String(),
  name: Type.String(),
  payload: Type.Unknown(),
  attempts: Type.Integer(),
  error: Type.String(),
  diedAt: Instant,
});
const JobParams = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 200, description: "A dead job's id (URL-encoded)" }),
});

const same = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/** Operations: the job queue for administrators, and Prometheus metrics. */
export const opsRoutes: FastifyPluginAsyncTypebox<{
  ops: OpsService;
  metrics: Metrics;
  auth: AuthService;
  metricsToken: string;
}> = async (app, { ops, metrics, auth, metricsToken }) => {
  app.get(
    "/api/admin/jobs",
    {
      config: admin,
      schema: {
        tags,
        summary: "Number of jobs in each state",
        response: { 200: Counts, ...problems(...AUTHED) },
      },
    },
    async (request) => ops.counts(actorOf(request)),
  );

  app.get(
    "/api/admin/jobs/dead",
    {
      config: admin,
      schema: {
        tags,
        summary: "Dead jobs, most recent first",
        querystring: Type.Object(
          { limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ items: Type.Array(DeadJob) }), ...problems(...AUTHED) },
      },
    },
    async (request) => ({ items: await ops.listDead(actorOf(request), request.query.limit) }),
  );

  app.post(
    "/api/admin/jobs/dead/:id/retry",
    {
      config: { ...admin, owns: "admin:job" },
      schema: {
        tags,
        summary: "Run a dead job again with a fresh set of attempts",
        params: JobParams,
        response: { 204: { type: "null" }, ...problems(...AUTHED, 404) },
      },
    },
    async (request, reply) => {
      await ops.retryDead(actorOf(request), request.params.id);
      return reply.code(204).send();
    },
  );

  app.delete(
    "/api/admin/jobs/dead/:id",
    {
      config: { ...admin, owns: "admin:job" },
      schema: {
        tags,
        summary: "Discard a dead job for good",
        params: JobParams,
        response: { 204: { type: "null" }, ...problems(...AUTHED, 404) },
      },
    },
    async (request, reply) => {
      await ops.discardDead(actorOf(request), request.params.id);
      return reply.code(204).send();
    },
  );

  app.get(
    "/metrics",
    {
      config: { auth: "public" },
      schema: {
        tags,
        summary: "Prometheus metrics",
        description:
          "Needs `Authorization: Bearer <METRICS_TOKEN>` (when that variable is set) or an administrator's " +
          "token or session with the admin scope.",
        security: [{ bearer: [] }, { session: [] }],
        response: { 200: { type: "string" }, ...problems(401, 403) },
      },
    },
    async (request, reply) => {
      const bearer = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? "")?.[1];
      if (!(metricsToken && bearer && same(bearer, metricsToken))) {
        const cookie = request.cookies[SESSION_COOKIE];
        const principal = bearer
          ? await auth.fromBearerToken(bearer)
          : cookie
            ? await auth.fromSessionCookie(cookie)
            : undefined;
        if (!principal) throw unauthorized();
        if (principal.actor.role !== "admin" || !principal.actor.scopes.includes("admin"))
          throw forbidden("Administrators only (or the METRICS_TOKEN)");
      }
      reply.header("content-type", metrics.registry.contentType);
      return metrics.registry.metrics();
    },
  );
};
