import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../../../test/support/app.js";
import { ENGINES } from "../../../test/support/engines.js";

describe.each(ENGINES)("health (%s)", (engine) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(engine);
  });
  afterAll(() => t.close());

  it("answers /healthz without credentials", async () => {
    const r = await t.app.inject({ method: "GET", url: "/healthz" });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toEqual({ status: "ok" });
  });

  it("answers /readyz when the database is reachable", async () => {
    const r = await t.app.inject({ method: "GET", url: "/readyz" });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toEqual({ status: "ready" });
  });

  it("answers /readyz with 503 when the database is gone", async () => {
    const broken = await startTestApp(engine);
    await broken.services.database.close();
    const r = await broken.app.inject({ method: "GET", url: "/readyz" });
    expect(r.statusCode).toBe(503);
    expect(r.headers["content-type"]).toContain("application/problem+json");
    await broken.app.close();
  });

  it("echoes a valid x-request-id and generates one otherwise", async () => {
    const given = await t.app.inject({
      method: "GET",
      url: "/healthz",
      headers: { "x-request-id": "abc-123" },
    });
    expect(given.headers["x-request-id"]).toBe("abc-123");
    const generated = await t.app.inject({
      method: "GET",
      url: "/healthz",
      headers: { "x-request-id": "bad id!" },
    });
    expect(generated.headers["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
  });
});
