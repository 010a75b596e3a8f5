import { Readable } from "node:stream";
import type { LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PUBLIC_BODY_LIMIT } from "../../src/modules/auth/auth.routes.js";
import { MAX_LISTED_ERRORS } from "../../src/platform/errors.js";
import type { TestApp } from "../support/app.js";
import { appWithAdmin, type Client } from "../support/app.js";

/** Issue 11, item 1: the largest answer any request may get (figures of cost are in `npm run bench -- hardening`). */
const ANSWER_MAX = 64 * 1024;

function expectSmallProblem(r: LightMyRequestResponse, status = 400) {
  expect(r.statusCode, r.body.slice(0, 300)).toBe(status);
  expect(r.headers["content-type"]).toContain("application/problem+json");
  expect(r.rawPayload.length).toBeLessThan(ANSWER_MAX);
  const problem = r.json();
  expect(problem.errors?.length ?? 0).toBeLessThanOrEqual(MAX_LISTED_ERRORS);
  return problem;
}

/** A JSON array text of `n` copies of `item`, built without an n-element array in memory twice. */
const repeated = (item: string, n: number) => `[${`${item},`.repeat(n - 1)}${item}]`;

describe("validation answers are bounded whatever the body", () => {
  let t: TestApp;
  let user: Client;
  beforeAll(async () => {
    ({ t, admin: user } = await appWithAdmin());
  });
  afterAll(() => t.close());

  it("600,000 empty books rows to POST /api/import: a small 400 naming the first 20 failing fields", async () => {
    const body =
      `{"format":"readlog-export","version":1,"exportedAt":"2026-01-01T00:00:00Z",` +
      `"user":{"id":"u","email":"a@example.com","name":"A","timezone":"UTC","createdAt":"2026-01-01T00:00:00Z"},` +
      `"books":${repeated("{}", 600_000)}}`;
    expect(body.length).toBeGreaterThan(1_200_000);
    const r = await user.request({
      method: "POST",
      url: "/api/import",
      headers: { "content-type": "application/json" },
      payload: body,
    });
    const problem = expectSmallProblem(r);
    // Read row by row as it arrives: the first two rows' missing fields, then reading stops.
    expect(problem.errors).toHaveLength(MAX_LISTED_ERRORS);
    expect(problem.errors[0]).toEqual({
      field: "/body/books/0/id",
      rule: "required",
      message: "is required",
    });
    expect(problem.errors.at(-1).field).toMatch(/^\/body\/books\/1\//);
    expect(problem.errorsOmitted).toBeGreaterThan(0);
    expect(problem.detail).toContain(`checking stopped after the first ${MAX_LISTED_ERRORS} failing fields`);
  });

  it("81,000 unknown keys to POST /api/auth/login (no credentials needed): refused unread, a 413 naming the limit", async () => {
    const keys = Array.from({ length: 81_000 }, (_, i) => `"k${i}":0`).join(",");
    const body = `{"email":"a@example.com","password":"x",${keys}}`;
    const limitProblem = {
      status: 413,
      detail: `The body is larger than this route's limit of ${PUBLIC_BODY_LIMIT} bytes`,
      errors: [{ field: "/body", rule: "maxBytes", message: `must be at most ${PUBLIC_BODY_LIMIT} bytes` }],
    };
    const r = await t.app.inject({
      method: "POST",
      url: "/api/auth/login",
      headers: { "content-type": "application/json" },
      payload: body,
    });
    expect(expectSmallProblem(r, 413)).toMatchObject(limitProblem);
    // Without a Content-Length (chunked), reading stops once the limit is passed: the same answer.
    const chunked = await t.app.inject({
      method: "POST",
      url: "/api/auth/login",
      headers: { "content-type": "application/json" },
      payload: Readable.from([body.slice(0, 500_000), body.slice(500_000)]),
    });
    expect(expectSmallProblem(chunked, 413)).toMatchObject(limitProblem);
    const small = await t.app.inject({
      method: "POST",
      url: "/api/auth/login",
      payload: {
        email: "a@example.com",
        password: "x",
        ...Object.fromEntries(keys.split(",", 100).map((k) => [k.slice(1, -3), 0])),
      },
    });
    const problem = expectSmallProblem(small);
    expect(problem.errors[0]).toMatchObject({ rule: "additionalProperties" });
  });

  it("240,000 empty authors to POST /api/books: a small 400", async () => {
    const r = await user.request({
      method: "POST",
      url: "/api/books",
      headers: { "content-type": "application/json" },
      payload: `{"title":"Dune","authors":${repeated('""', 240_000)}}`,
    });
    const problem = expectSmallProblem(r);
    expect(problem.errors[0].field).toMatch(/^\/body\/authors/);
  });

  it("a small body hears of every failing field: the first 20 listed, the rest counted", async () => {
    const unknown = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`extra${i}`, 1]));
    const r = await user.request({
      method: "POST",
      url: "/api/books",
      payload: { title: "Dune", ...unknown },
    });
    const problem = expectSmallProblem(r);
    expect(problem.errors).toHaveLength(MAX_LISTED_ERRORS);
    expect(problem.errorsOmitted).toBe(30 - MAX_LISTED_ERRORS);
    expect(problem.detail).toContain("and 10 more");
    expect(problem.detail).not.toContain("first failing field");
  });

  it("a field name as long as the body is cut short in the answer", async () => {
    const r = await user.request({
      method: "POST",
      url: "/api/books",
      headers: { "content-type": "application/json" },
      payload: `{"title":"Dune","${"k".repeat(1_000_000)}":1}`,
    });
    const problem = expectSmallProblem(r);
    expect(problem.errors[0].field.length).toBeLessThanOrEqual(200);
  });

  it("every route with a body answers a small problem to hostile bodies as large as the body limit", {
    timeout: 300_000,
  }, async () => {
    const limit = t.config.bodyLimit;
    const fill = (make: (n: number) => string) => {
      let n = 1;
      while (make(n * 2).length <= limit) n *= 2;
      return make(n);
    };
    const shapes: Record<string, string> = {
      "empty objects": fill((n) => repeated("{}", n)),
      "unknown keys": fill((n) => `{${Array.from({ length: n }, (_, i) => `"k${i}":[]`).join(",")}}`),
      "one long string": fill((n) => `{"title":"${"x".repeat(n)}","name":"${"x".repeat(n)}"}`),
      "deep nesting": fill((n) => `${"[".repeat(n)}${"]".repeat(n)}`),
      "many nulls": fill((n) => `{"authors":${repeated("null", n)},"scopes":${repeated("null", n)}}`),
    };
    let sent = 0;
    for (const route of t.app.routeTable) {
      const method = String(route.method);
      const body = (route.schema as { body?: { format?: string } } | undefined)?.body;
      // A raw file (format binary) is read as a stream by its importer, not parsed as JSON: the import
      // tests and the fuzzer send those files.
      if (!body || body.format === "binary") continue;
      const url = route.url.replace(/:(\w+)/g, (_, p: string) => (p === "year" ? "2026" : "does-not-exist"));
      for (const [shape, payload] of Object.entries(shapes)) {
        const r = await user.request({
          method,
          url,
          headers: { "content-type": "application/json" },
          payload,
        });
        expect(r.statusCode, `${method} ${url} ${shape}: ${r.body.slice(0, 200)}`).toBeGreaterThanOrEqual(
          400,
        );
        expect(r.statusCode, `${method} ${url} ${shape}`).toBeLessThan(500);
        expect(r.headers["content-type"], `${method} ${url} ${shape}`).toContain("application/problem+json");
        expect(r.rawPayload.length, `${method} ${url} ${shape}`).toBeLessThan(ANSWER_MAX);
        sent++;
      }
    }
    expect(sent).toBeGreaterThan(100);
    // Five 1 MB bodies for each of ~50 routes: about a second per route on a loaded 2-core machine.
  });
});
