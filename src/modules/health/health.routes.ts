import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "@sinclair/typebox";
import { sql } from "kysely";
import type { DbScope } from "../../platform/db/unit-of-work.js";
import { AppError } from "../../platform/errors.js";
import { problems } from "../../platform/http/responses.js";

const Status = Type.Object({ status: Type.String() });

export const healthRoutes: FastifyPluginAsyncTypebox<{ scope: DbScope }> = async (app, { scope }) => {
  app.get(
    "/healthz",
    {
      config: { auth: "public" },
      logLevel: "warn",
      schema: { tags: ["health"], summary: "Liveness: the process is up", response: { 200: Status } },
    },
    async () => ({ status: "ok" }),
  );

  app.get(
    "/readyz",
    {
      config: { auth: "public" },
      schema: {
        tags: ["health"],
        summary: "Readiness: the database answers",
        response: { 200: Status, ...problems(503) },
      },
    },
    async (request) => {
      try {
        await sql`select 1`.execute(scope.db);
      } catch (err) {
        request.log.warn({ err }, "readiness check failed");
        throw new AppError(503, "not-ready", "Service unavailable", "The database is not reachable");
      }
      return { status: "ready" };
    },
  );
};
