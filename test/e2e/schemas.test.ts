import fjs from "fast-json-stringify";

type FjsSchema = Parameters<typeof fjs>[0];

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compileNow } from "../../src/platform/http/validation.js";
import { startTestApp, type TestApp } from "../support/app.js";

/**
 * Route schemas are compiled on each route's first request, not at boot (memory: most routes of a
 * running server are never called). This compiles every schema of every registered route now, so a
 * broken one still fails the build rather than a user's first request.
 */
describe("every route's schemas compile", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it("request validators (body, query string, params, headers)", () => {
    let compiled = 0;
    for (const route of t.app.routeTable) {
      const schema = route.schema as Record<string, object | undefined> | undefined;
      for (const part of ["body", "querystring", "params", "headers"]) {
        const s = schema?.[part];
        if (!s) continue;
        expect(() => compileNow(s, part), `${route.method} ${route.url} ${part}`).not.toThrow();
        compiled++;
      }
    }
    expect(compiled).toBeGreaterThan(50);
  });

  it("response serializers for every success status", () => {
    let compiled = 0;
    for (const route of t.app.routeTable) {
      const external = t.app.routeSchemas.get(route) as Record<string, FjsSchema>;
      const responses = (route.schema as { response?: Record<string, object> } | undefined)?.response ?? {};
      for (const [status, s] of Object.entries(responses)) {
        if (Number(status) >= 400) continue;
        const content = (s as { content?: Record<string, { schema: object }> }).content;
        const schemas = content ? Object.values(content).map((c) => c.schema) : [s];
        for (const one of schemas) {
          expect(
            () => fjs(one as FjsSchema, { schema: external }),
            `${route.method} ${route.url} ${status}`,
          ).not.toThrow();
          compiled++;
        }
      }
    }
    expect(compiled).toBeGreaterThan(50);
  });
});
