import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/app.js";
import { requestSchemas, resolver, unboundedPlaces } from "../support/schema-walk.js";

/**
 * Issue 11, item 1: whatever a client sends, the validator's work and its answer are bounded. That needs
 * every string of every request schema to have a maxLength, every array a maxItems, and every object open
 * to unknown keys a maxProperties. This walks the route table (not a list kept by hand), so a new route
 * with an unbounded field fails here.
 */
describe("every request schema of every route is bounded", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it("strings have maxLength, arrays maxItems, open objects maxProperties", () => {
    const faults: string[] = [];
    let parts = 0;
    for (const route of t.app.routeTable) {
      const resolve = resolver(t.app.routeSchemas.get(route) ?? {});
      for (const [part, schema] of Object.entries(requestSchemas(route))) {
        parts++;
        for (const place of unboundedPlaces(schema, resolve, part === "body" || part === "querystring"))
          faults.push(`${String(route.method)} ${route.url} ${part}${place}`);
      }
    }
    expect(parts).toBeGreaterThan(50);
    expect(faults).toEqual([]);
  });
});
