import { randomUUID } from "node:crypto";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type RouteOptions } from "fastify";
import { AppError } from "../errors.js";
import { registerJsonBodyParser } from "./json-body.js";
import {
  clientErrorProblem,
  frameworkErrorProblem,
  Problem,
  registerProblemHandlers,
  sendProblem,
} from "./problem.js";
import { registerSecurityHeaders } from "./security-headers.js";
import { schemaController } from "./serializers.js";
import { validatorCompiler } from "./validation.js";
import "./route-config.js";
import "./actor.js";

declare module "fastify" {
  interface FastifyInstance {
    /** Every route registered, in order (the access matrix walks it). */
    routeTable: RouteOptions[];
    /** The shared schemas ($id → schema) each route can refer to (test/e2e/schemas.test.ts compiles them). */
    routeSchemas: WeakMap<RouteOptions, Record<string, unknown>>;
  }
}

const REQUEST_ID = /^[\w.:-]{1,128}$/;

export interface HttpServerOptions {
  logLevel: string;
  bodyLimit: number;
  trustProxy: boolean;
  /** Called for every answer (metrics): method, route pattern ("unmatched" for 404s), status, seconds. */
  onAnswered?(method: string, route: string, status: number, seconds: number): void;
  /** A logger to use instead of a new pino instance. */
  logger?: FastifyBaseLogger;
}

export type HttpServer = FastifyInstance;

/**
 * The HTTP primitives every Readlog server shares, with no routes: JSON logs with redacted credentials, a
 * request id per request (a valid incoming `x-request-id` is kept), strict body validation compiled on
 * first use, problem+json for every error, a route table, and connections told to close while draining.
 */
export function createHttpServer(opts: HttpServerOptions): FastifyInstance {
  const app = Fastify({
    ...(opts.logger
      ? { loggerInstance: opts.logger }
      : {
          logger: {
            level: opts.logLevel,
            redact: [
              "req.headers.authorization",
              "req.headers.cookie",
              'req.headers["x-readlog-link"]',
              'res.headers["set-cookie"]',
            ],
          },
        }),
    bodyLimit: opts.bodyLimit,
    trustProxy: opts.trustProxy,
    requestIdHeader: false,
    genReqId: (req) => {
      const given = req.headers["x-request-id"];
      return typeof given === "string" && REQUEST_ID.test(given) ? given : randomUUID();
    },
    forceCloseConnections: "idle",
    schemaController,
    // Every answer with an error status is a problem document, also those sent before any route runs:
    // while draining (onRequest below), router errors, and what Node's parser refuses.
    return503OnClosing: false,
    frameworkErrors: (error, _request, reply) => sendProblem(reply, frameworkErrorProblem(error)),
    clientErrorHandler: (err: NodeJS.ErrnoException, socket) => {
      if (err.code === "ECONNRESET" || socket.destroyed) return;
      if (socket.writable) socket.write(clientErrorProblem(err).raw);
      socket.destroy(err);
    },
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
  registerJsonBodyParser(app);
  // While draining (SIGTERM), answers in flight close their connection so keep-alive clients let go.
  let closing = false;
  app.addHook("preClose", async () => {
    closing = true;
  });
  // Hooks on every request are callback-style: an async hook costs a promise per request.
  app.addHook("onRequest", (request, reply, done) => {
    reply.header("x-request-id", request.id);
    if (!closing) return done();
    reply.header("connection", "close");
    sendProblem(
      reply,
      new AppError(503, "shutting-down", "Service unavailable", "The server is shutting down"),
    );
  });
  app.addHook("onSend", (_request, reply, payload, done) => {
    if (closing) reply.header("connection", "close");
    done(null, payload);
  });
  const answered = opts.onAnswered;
  if (answered)
    app.addHook("onResponse", (request, reply, done) => {
      answered(
        request.method,
        request.routeOptions.url ?? "unmatched",
        reply.statusCode,
        reply.elapsedTime / 1000,
      );
      done();
    });
  registerProblemHandlers(app);
  registerSecurityHeaders(app);
  app.addSchema(Problem);
  return app;
}
