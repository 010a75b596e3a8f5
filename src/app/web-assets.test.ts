import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from "node:zlib";
import Fastify, { type FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../../test/support/app.js";
import { registerProblemHandlers } from "../platform/http/problem.js";
import { WEB_CSP, webAssets } from "./web-assets.js";

const INDEX =
  '<!doctype html><html><head><script type="module" src="/assets/app-3f2a9c.js"></script></head></html>';
const SCRIPT = `console.log(${JSON.stringify("x".repeat(2000))});`;

async function serve(root: string): Promise<FastifyInstance> {
  const app = Fastify();
  registerProblemHandlers(app);
  app.get("/api/real", async () => ({ ok: true }));
  await app.register(webAssets, { root });
  await app.ready();
  return app;
}

describe("web assets (built app)", () => {
  let root: string;
  let app: FastifyInstance;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), "readlog-web-"));
    mkdirSync(join(root, "assets"));
    writeFileSync(join(root, "index.html"), INDEX);
    writeFileSync(join(root, "assets", "app-3f2a9c.js"), SCRIPT);
    writeFileSync(join(root, "assets", "app-3f2a9c.js.br"), brotliCompressSync(SCRIPT));
    writeFileSync(join(root, "assets", "app-3f2a9c.js.gz"), gzipSync(SCRIPT));
    writeFileSync(join(root, "manifest.webmanifest"), '{"name":"Readlog"}');
    app = await serve(root);
  });
  afterAll(async () => {
    await app.close();
    rmSync(root, { recursive: true, force: true });
  });

  it("serves index.html at / with no-cache and a strict CSP (no inline script, no eval)", async () => {
    const r = await app.inject({ method: "GET", url: "/" });
    expect(r.statusCode).toBe(200);
    expect(r.headers["content-type"]).toContain("text/html");
    expect(r.headers["cache-control"]).toBe("no-cache");
    expect(r.body).toBe(INDEX);
    const csp = String(r.headers["content-security-policy"]);
    expect(csp).toBe(WEB_CSP);
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(r.headers["x-content-type-options"]).toBe("nosniff");
  });

  it("sends hashed assets immutable, as the brotli or gzip copy the client accepts", async () => {
    const br = await app.inject({
      method: "GET",
      url: "/assets/app-3f2a9c.js",
      headers: { "accept-encoding": "gzip, deflate, br" },
    });
    expect(br.statusCode).toBe(200);
    expect(br.headers["content-encoding"]).toBe("br");
    expect(br.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
    expect(br.headers["content-type"]).toContain("javascript");
    expect(String(br.headers.vary).toLowerCase()).toContain("accept-encoding");
    expect(brotliDecompressSync(br.rawPayload).toString()).toBe(SCRIPT);

    const gz = await app.inject({
      method: "GET",
      url: "/assets/app-3f2a9c.js",
      headers: { "accept-encoding": "gzip" },
    });
    expect(gz.headers["content-encoding"]).toBe("gzip");
    expect(gunzipSync(gz.rawPayload).toString()).toBe(SCRIPT);

    const plain = await app.inject({ method: "GET", url: "/assets/app-3f2a9c.js" });
    expect(plain.headers["content-encoding"]).toBeUndefined();
    expect(plain.body).toBe(SCRIPT);
  });

  it("revalidates files outside /assets/ (the manifest) and answers conditional requests with 304", async () => {
    const r = await app.inject({ method: "GET", url: "/manifest.webmanifest" });
    expect(r.statusCode).toBe(200);
    expect(r.headers["cache-control"]).toBe("no-cache");
    const again = await app.inject({
      method: "GET",
      url: "/manifest.webmanifest",
      headers: { "if-none-match": String(r.headers.etag) },
    });
    expect(again.statusCode).toBe(304);
  });

  it("answers client routes with index.html, but keeps /api/* and missing files 404 problem documents", async () => {
    for (const url of ["/library", "/books/01ABC?tab=progress", "/calendar/2026-11"]) {
      const r = await app.inject({ method: "GET", url });
      expect(r.statusCode, url).toBe(200);
      expect(r.body).toBe(INDEX);
      expect(r.headers["cache-control"]).toBe("no-cache");
    }
    for (const url of ["/api/nope", "/api", "/api/books/x/y/z", "/assets/app-old.js", "/favicon.ico"]) {
      const r = await app.inject({ method: "GET", url });
      expect(r.statusCode, url).toBe(404);
      expect(r.headers["content-type"]).toContain("application/problem+json");
      expect(r.json().status).toBe(404);
    }
    expect((await app.inject({ method: "GET", url: "/api/real" })).json()).toEqual({ ok: true });
    // A malformed %-escape is refused by the router before any route: a 400, not the app and not a 500.
    const bad = await app.inject({ method: "GET", url: "/%E0%A4%A" });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).not.toBe(INDEX);
  });

  it("never serves a file outside the build folder", async () => {
    for (const url of ["/../package.json", "/assets/../../package.json", "/%2e%2e/package.json"]) {
      const r = await app.inject({ method: "GET", url });
      expect(r.body, url).not.toContain('"name"');
    }
  });
});

describe("web assets (app not built)", () => {
  it("says at / how to build the app, and /api/* stays a problem+json 404", async () => {
    const root = mkdtempSync(join(tmpdir(), "readlog-web-empty-"));
    const app = await serve(root);
    const r = await app.inject({ method: "GET", url: "/" });
    expect(r.statusCode).toBe(503);
    expect(r.headers["content-type"]).toContain("text/html");
    expect(r.body).toContain("npm run build:web");
    expect((await app.inject({ method: "GET", url: "/stats" })).body).toContain("npm run build:web");
    const api = await app.inject({ method: "GET", url: "/api/nope" });
    expect(api.statusCode).toBe(404);
    expect(api.headers["content-type"]).toContain("application/problem+json");
    await app.close();
    rmSync(root, { recursive: true, force: true });
  });
});

describe("web assets in the real server", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it("needs no session for the app, keeps API 404s and the API's own routes, and stays out of openapi.json", async () => {
    const home = await t.app.inject({ method: "GET", url: "/" });
    expect([200, 503]).toContain(home.statusCode);
    expect(home.headers["content-type"]).toContain("text/html");
    const route = await t.app.inject({ method: "GET", url: "/settings/tokens" });
    expect([200, 503]).toContain(route.statusCode);
    const missing = await t.app.inject({ method: "GET", url: "/api/no-such-thing" });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().detail).toBe("No route for GET /api/no-such-thing");
    expect((await t.app.inject({ method: "GET", url: "/healthz" })).statusCode).toBe(200);
    expect((await t.app.inject({ method: "GET", url: "/api/me" })).statusCode).toBe(401);
    const spec = (await t.app.inject({ method: "GET", url: "/api/openapi.json" })).json();
    expect(
      Object.keys(spec.paths).filter(
        (p) => !p.startsWith("/api/") && p !== "/healthz" && p !== "/readyz" && p !== "/metrics",
      ),
    ).toEqual([]);
  });
});
