import cookie from "@fastify/cookie";
import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import type { FastifyInstance } from "fastify";
import { SESSION_COOKIE } from "../modules/auth/auth.hook.js";
import { createHttpServer } from "../platform/http/http-server.js";
import type { Assembly } from "./assemble.js";
import { WEB_DIST, webAssets } from "./web-assets.js";

export const API_INFO = {
  title: "Readlog API",
  version: "0.1.0",
  description:
    "Everything Readlog keeps, through one REST API. Authenticate with a personal token " +
    "(`Authorization: Bearer rl_…`) or a session cookie from `POST /api/auth/login` (cookie-authenticated " +
    "writes also need the `x-csrf-token` header). Errors are `application/problem+json` (RFC 9457).",
};

/**
 * The HTTP application of the `api` role: the platform's server primitives, OpenAPI and its docs UI, then
 * every module's hooks and routes in module order. Listening is the caller's business.
 */
export async function buildHttpApp(
  app: Assembly,
  options: {
    /** The built web app's folder (the bench serves two builds side by side). */ webRoot?: string;
  } = {},
): Promise<FastifyInstance> {
  const http = createHttpServer({
    logLevel: app.config.logLevel,
    bodyLimit: app.config.bodyLimit,
    trustProxy: app.config.trustProxy,
    onAnswered: (method, route, status, seconds) => app.metrics.httpAnswered(method, route, status, seconds),
  });
  for (const m of app.modules) for (const schema of m.schemas ?? []) http.addSchema(schema);

  await http.register(swagger, {
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
  await http.register(swaggerUi, { routePrefix: "/api/docs", staticCSP: true });
  await http.register(cookie);
  http.get("/api/openapi.json", { config: { auth: "public" }, schema: { hide: true } }, async () =>
    http.swagger(),
  );

  for (const m of app.modules) m.httpHooks?.(http);
  for (const m of app.modules) if (m.routes) await http.register(m.routes);
  // Last: its catch-all (client routes fall back to index.html) must not shadow the API.
  await http.register(webAssets, { root: options.webRoot ?? WEB_DIST });
  return http;
}
