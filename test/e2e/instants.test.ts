import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compileNow, validatorCompiler } from "../../src/platform/http/validation.js";
import { LOCAL_DATE_PATTERN } from "../../src/platform/local-date.js";
import { appWithAdmin, type Client, newUser, type TestApp } from "../support/app.js";

type Schema = Record<string, unknown>;

/** Every string subschema of a route schema, with the property name it sits under (when it has one). */
function* strings(schema: unknown, name = ""): Generator<{ name: string; schema: Schema }> {
  if (!schema || typeof schema !== "object") return;
  const s = schema as Schema;
  if (s.type === "string") yield { name, schema: s };
  for (const [k, v] of Object.entries((s.properties ?? {}) as Record<string, unknown>)) yield* strings(v, k);
  if (s.items) yield* strings(s.items, name);
  for (const key of ["anyOf", "oneOf", "allOf"])
    for (const v of (s[key] ?? []) as unknown[]) yield* strings(v, name);
}

const valid = (schema: Schema, value: string) => {
  const validate = validatorCompiler({ schema, httpPart: "body", method: "POST", url: "/" }) as (
    v: unknown,
  ) => boolean;
  return validate(value);
};

/**
 * Issue 11, item 3: `2030-12-31T23:59:60Z` passed the date-time format and failed later (500). The audit:
 * every date-time and date field of every route refuses what does not parse, and every field that holds an
 * instant or a day declares its format.
 */
describe("instants and days are validated so that every accepted value parses", () => {
  let t: TestApp;
  let alice: Client;
  beforeAll(async () => {
    let admin: Client;
    ({ t, admin } = await appWithAdmin());
    alice = await newUser(t, { admin });
  });
  afterAll(() => t.close());

  it("audits every request field of every route", () => {
    let instants = 0;
    let days = 0;
    for (const route of t.app.routeTable) {
      const parts = (route.schema ?? {}) as Record<string, unknown>;
      for (const part of ["body", "querystring", "params"]) {
        if (!parts[part]) continue;
        compileNow(parts[part] as object, part);
        for (const { name, schema } of strings(parts[part])) {
          const where = `${route.method} ${route.url} ${part} ${name}`;
          if (schema.format === "date-time") {
            instants++;
            expect(valid(schema, "2026-11-25T12:00:00Z"), where).toBe(true);
            for (const bad of ["2030-12-31T23:59:60Z", "2026-02-30T00:00:00Z", "2026-11-25T12:00:00"])
              expect(valid(schema, bad), `${where} ${bad}`).toBe(false);
          } else if (schema.format === "date") {
            days++;
            expect(valid(schema, "2024-02-29"), where).toBe(true);
            for (const bad of ["2026-02-30", "9999-99-99", "2026-1-1"])
              expect(valid(schema, bad), `${where} ${bad}`).toBe(false);
          } else {
            // A day or an instant without its format would accept what the calendar refuses.
            expect(schema.pattern, `${where} has the day pattern but no format`).not.toBe(LOCAL_DATE_PATTERN);
            expect(
              /(?:At|Until|^until|^date|Date|On)$/.test(name),
              `${where} looks like a day or instant`,
            ).toBe(false);
          }
        }
      }
    }
    expect(instants).toBeGreaterThan(3);
    expect(days).toBeGreaterThan(3);
  });

  it("refuses a leap second on POST/PATCH /api/schedules and POST /api/schedules/{id}/pause (was 500)", async () => {
    const leap = "2030-12-31T23:59:60Z";
    const created = await alice.request({
      method: "POST",
      url: "/api/schedules",
      payload: { when: { daily: "20:30" }, pausedUntil: leap },
    });
    expect(created.statusCode, created.body).toBe(400);
    expect(created.json().errors[0]).toMatchObject({ field: "/body/pausedUntil", rule: "format" });
    const ok = await alice.request({
      method: "POST",
      url: "/api/schedules",
      payload: { when: { daily: "20:30" } },
    });
    const id = ok.json().id;
    const patched = await alice.request({
      method: "PATCH",
      url: `/api/schedules/${id}`,
      payload: { pausedUntil: leap },
    });
    expect(patched.statusCode, patched.body).toBe(400);
    const paused = await alice.request({
      method: "POST",
      url: `/api/schedules/${id}/pause`,
      payload: { until: leap },
    });
    expect(paused.statusCode, paused.body).toBe(400);
    expect(paused.json().errors[0]).toMatchObject({ field: "/body/until", rule: "format" });
  });

  it("refuses impossible days on every route that takes one", async () => {
    const book = (
      await alice.request({
        method: "POST",
        url: "/api/books",
        payload: { title: "Dune", status: "reading" },
      })
    ).json();
    for (const [url, payload] of [
      [`/api/books/${book.id}/progress`, { page: 3, date: "2026-02-30" }],
      [`/api/books/${book.id}/status`, { status: "paused", date: "9999-99-99" }],
    ] as const) {
      const r = await alice.request({ method: "POST", url, payload });
      expect(r.statusCode, `${url} ${r.body}`).toBe(400);
      expect(r.json().errors[0].field).toBe("/body/date");
    }
    expect((await alice.request({ method: "GET", url: "/api/days/2026-02-30" })).statusCode).toBe(400);
  });
});
