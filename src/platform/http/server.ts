import { randomUUID } from "node:crypto";
import cookie from "@fastify/cookie";
import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import Fastify, { type FastifyInstance, type RouteOptions } from "fastify";

declare module "fastify" {
  interface FastifyInstance {
    /** Every route registered, in order (the ownership test walks it). */
    routeTable: RouteOptions[];
    /** The shared schemas ($id → schema) each route can refer to (test/e2e/schemas.test.ts compiles them). */
    routeSchemas: WeakMap<RouteOptions, Record<string, unknown>>;
  }
}

import { WEB_DIST, webAssets } from "../../app/web-assets.js";
import type { Config } from "../../config.js";
import type { Services } from "../../container.js";
import { adminRoutes } from "../../modules/admin/admin.routes.js";
import { registerAuthHook, SESSION_COOKIE } from "../../modules/auth/auth.hook.js";
import { authRoutes } from "../../modules/auth/auth.routes.js";
import { booksRoutes } from "../../modules/books/books.routes.js";
import { channelsRoutes } from "../../modules/channels/channels.routes.js";
import { webhooksRoutes } from "../../modules/channels/webhooks.routes.js";
import { daysRoutes } from "../../modules/days/days.routes.js";
import { exportRoutes } from "../../modules/export/export.routes.js";
import { healthRoutes } from "../../modules/health/health.routes.js";
import { importsRoutes } from "../../modules/imports/imports.routes.js";
import { opsRoutes } from "../../modules/ops/ops.routes.js";
import { progressRoutes } from "../../modules/progress/progress.routes.js";
import { readingsRoutes } from "../../modules/readings/readings.routes.js";
import { remindersRoutes } from "../../modules/reminders/reminders.routes.js";
import { reviewRoutes } from "../../modules/review/review.routes.js";
import { statsRoutes } from "../../modules/stats/stats.routes.js";
import { textRoutes } from "../../modules/text/text.routes.js";
import { tokensRoutes } from "../../modules/tokens/tokens.routes.js";
import { meRoutes } from "../../modules/users/me.routes.js";
import { User } from "../../modules/users/users.schemas.js";
import { Problem, registerProblemHandlers } from "./problem.js";
import { schemaController } from "./serializers.js";
import { validatorCompiler } from "./validation.js";

const REQUEST_ID = /^[\w.:-]{1,128}$/;

export const API_INFO = {
  title: "Readlog API",
  version: "0.1.0",
  description:
    "Everything Readlog keeps, through one REST API. Authenticate with a personal token " +
    "(`Authorization: Bearer rl_…`) or a session cookie from `POST /api/auth/login` (cookie-authenticated " +
    "writes also need the `x-csrf-token` header). Errors are `application/problem+json` (RFC 9457).",
};

/** Builds the HTTP application around already-composed services. Listening is the caller's business. */
export async function buildServer(
  config: Pick<
    Config,
    "logLevel" | "bodyLimit" | "trustProxy" | "importMaxBytes" | "whatsapp" | "telegram" | "metricsToken"
  >,
  services: Services,
): Promise<FastifyInstance> {
  const app = Fastify({
    logger: {
      level: config.logLevel,
      redact: ["req.headers.authorization", "req.headers.cookie", 'res.headers["set-cookie"]'],
    },
    bodyLimit: config.bodyLimit,
    trustProxy: config.trustProxy,
    requestIdHeader: false,
    genReqId: (req) => {
      const given = req.headers["x-request-id"];
      return typeof given === "string" && REQUEST_ID.test(given) ? given : randomUUID();
    },
    forceCloseConnections: "idle",
    schemaController,
    return503OnClosing: true,
  }).withTypeProvider<TypeBoxTypeProvider>();

  const routeTable: RouteOptions[] = [];
  const routeSchemas = new WeakMap<RouteOptions, Record<string, unknown>>();
  app.addHook("onRoute", function (route) {
    routeTable.push(route);
    routeSchemas.set(route, this.getSchemas());
  });
  app.decorate("routeTable", routeTable);
  app.decorate("routeSchemas", routeSchemas);
  app.setValidatorCompiler(validatorCompiler);
  // While draining (SIGTERM), answers in flight close their connection so keep-alive clients let go.
  let closing = false;
  app.addHook("preClose", async () => {
    closing = true;
  });
  // Hooks on every request are callback-style: an async hook costs a promise per request.
  app.addHook("onRequest", (request, reply, done) => {
    reply.header("x-request-id", request.id);
    done();
  });
  app.addHook("onSend", (_request, reply, payload, done) => {
    if (closing) reply.header("connection", "close");
    done(null, payload);
  });
  app.addHook("onResponse", (request, reply, done) => {
    const route = request.routeOptions.url ?? "unmatched";
    services.metrics.httpAnswered(request.method, route, reply.statusCode, reply.elapsedTime / 1000);
    done();
  });
  registerProblemHandlers(app);
  app.addSchema(Problem);
  app.addSchema(User);

  await app.register(swagger, {
    openapi: {
      openapi: "3.1.0",
      info: API_INFO,
      components: {
        securitySchemes: {
          bearer: { type: "http", scheme: "bearer", description: "A personal API token (rl_…)" },
          session: { type: "apiKey", in: "cookie", name: SESSION_COOKIE },
        },
      },
      security: [{ bearer: [] }, { session: [] }],
    },
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => String(json.$id ?? `def-${i}`) },
    transform: ({ schema, url, route }) => {
      const transformed = { schema, url } as { schema: Record<string, unknown>; url: string };
      if (route.config?.auth === "public") transformed.schema = { ...schema, security: [] };
      return transformed as never;
    },
  });
  await app.register(swaggerUi, { routePrefix: "/api/docs", staticCSP: true });
  await app.register(cookie);

  registerAuthHook(app, services.auth);
  app.addHook("onReady", async () => services.principals.start());
  app.addHook("onClose", async () => services.principals.stop());
  app.get("/api/openapi.json", { config: { auth: "public" }, schema: { hide: true } }, async () =>
    app.swagger(),
  );
  await app.register(healthRoutes, { db: services.db });
  await app.register(authRoutes, { auth: services.auth });
  await app.register(meRoutes, { auth: services.auth });
  await app.register(tokensRoutes, { tokens: services.tokens });
  await app.register(adminRoutes, { admin: services.admin });
  await app.register(booksRoutes, { books: services.books });
  await app.register(readingsRoutes, { readings: services.readings });
  await app.register(progressRoutes, { progress: services.progress });
  await app.register(daysRoutes, { days: services.days });
  await app.register(statsRoutes, { stats: services.stats });
  await app.register(importsRoutes, { imports: services.imports, maxBytes: config.importMaxBytes });
  await app.register(exportRoutes, { exporter: services.exporter, maxBytes: config.importMaxBytes });
  await app.register(channelsRoutes, { channels: services.channels, repo: services.channelsRepo });
  await app.register(webhooksRoutes, {
    inbound: services.inbound,
    whatsapp: config.whatsapp,
    telegram: config.telegram,
  });
  // Replies queued by webhooks are delivered from this process; retries are polled for.
  app.addHook("onReady", async () => services.outbox.start());
  app.addHook("onClose", async () => services.outbox.stop());
  await app.register(textRoutes, { text: services.text });
  await app.register(remindersRoutes, { reminders: services.reminders });
  await app.register(reviewRoutes, { review: services.review });
  await app.register(opsRoutes, {
    queue: services.queue,
    metrics: services.metrics,
    auth: services.auth,
    metricsToken: config.metricsToken,
  });
  // The web app at / (last: its catch-all route must not shadow an API route).
  await app.register(webAssets, { root: WEB_DIST });
  return app;
}
