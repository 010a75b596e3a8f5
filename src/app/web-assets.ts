import { existsSync, readdirSync, statSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";
import fastifyStatic from "@fastify/static";
import type { FastifyPluginAsync, FastifyReply } from "fastify";

/** Where `npm run build:web` (run by `npm install`) puts the built app: web/dist beside src/ and dist/. */
export const WEB_DIST = fileURLToPath(new URL("../../web/dist/", import.meta.url));

export interface WebAssetsOptions {
  /** The built app's folder (index.html, assets/, manifest, icons). */
  root: string;
}

/**
 * The app's Content-Security-Policy: scripts and styles only from this origin (no inline script, no eval),
 * API calls only to this origin, covers from any https image host (Open Library's, or a cover URL the user
 * typed), and no framing.
 */
export const WEB_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: https:",
  "connect-src 'self'",
  "font-src 'self'",
  "manifest-src 'self'",
  "worker-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

const IMMUTABLE = "public, max-age=31536000, immutable";
const COMPRESSED_COPY = /\.(br|gz)$/;

/** Every file of the build, as URL paths ("/assets/index-3f2a.js"), leaving out the .br/.gz copies. */
function builtFiles(root: string): Set<string> {
  const out = new Set<string>();
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (!COMPRESSED_COPY.test(name)) out.add(`/${relative(root, path).split(sep).join("/")}`);
    }
  };
  walk(root);
  return out;
}

function isApiPath(path: string): boolean {
  return path === "/api" || path.startsWith("/api/");
}

const NOT_BUILT = `<!doctype html>
<html lang="en"><meta charset="utf-8"><title>Readlog: the web app is not built</title>
<body style="font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem">
<h1>The web app is not built yet</h1>
<p>The API is running (see <a href="/api/docs">/api/docs</a>), but this checkout has no built web app in
<code>web/dist</code>.</p>
<p>Build it once with <code>npm run build:web</code> (<code>npm install</code> does it too), then reload
this page. While working on the app, <code>npm run dev</code> serves it with hot reload.</p>
</body></html>
`;

/**
 * Serves the web app at `/`: content-hashed files under /assets/ are cached for a year (immutable), every
 * other file and index.html are revalidated (`no-cache`); brotli or gzip copies made at build time are sent
 * when the client accepts them; a path that is no file is a client route and gets index.html, unless it is
 * under /api/ or looks like a file (it has an extension), which stay 404 problem documents. Routes of this
 * plugin are public (no session needed) and carry a strict CSP.
 */
export const webAssets: FastifyPluginAsync<WebAssetsOptions> = async (app, { root }) => {
  app.addHook("onRoute", (route) => {
    route.config = { ...route.config, auth: "public" };
    route.schema = { ...route.schema, hide: true };
  });

  if (!existsSync(join(root, "index.html"))) {
    app.get("/*", (request, reply) => {
      if (isApiPath(request.url.split("?")[0] ?? "")) return reply.callNotFound();
      return reply
        .code(503)
        .header("cache-control", "no-store")
        .type("text/html; charset=utf-8")
        .send(NOT_BUILT);
    });
    return;
  }

  const files = builtFiles(root);
  await app.register(fastifyStatic, {
    root,
    serve: false,
    preCompressed: true,
    cacheControl: false,
    etag: true,
    lastModified: true,
    setHeaders(res, path) {
      const isAsset = relative(root, path).split(sep)[0] === "assets";
      res.setHeader("cache-control", isAsset ? IMMUTABLE : "no-cache");
      // The body depends on Accept-Encoding (a .br or .gz copy, or the file): shared caches must know.
      res.setHeader("vary", "Accept-Encoding");
    },
  });

  app.addHook("onSend", (_request, reply, payload, done) => {
    reply.header("content-security-policy", WEB_CSP);
    reply.header("x-content-type-options", "nosniff");
    reply.header("referrer-policy", "same-origin");
    reply.header("cross-origin-opener-policy", "same-origin");
    done(null, payload);
  });

  const sendIndex = (reply: FastifyReply) => reply.sendFile("index.html");

  app.get("/", (_request, reply) => sendIndex(reply));
  app.get("/*", (request, reply) => {
    let path: string;
    try {
      path = decodeURIComponent(request.url.split("?")[0] ?? "/");
    } catch {
      return reply.callNotFound(); // malformed %-escapes name no file and no client route
    }
    if (files.has(path)) return reply.sendFile(path.slice(1));
    // /api/… keeps the API's problem+json 404; a missing file (old hashed asset) is a 404 too, not the app.
    if (isApiPath(path) || /\.[^/]*$/.test(path)) return reply.callNotFound();
    return sendIndex(reply);
  });
};
