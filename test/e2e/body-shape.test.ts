import type { FastifySchema } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { shapeError } from "../../src/platform/http/body-shape.js";
import { SHAPE_CHECK_MIN_CHARS } from "../../src/platform/http/json-body.js";
import { validatorCompiler } from "../../src/platform/http/validation.js";
import { appWithAdmin, type Client, newUser, type TestApp } from "../support/app.js";
import { addBook } from "../support/books.js";
import { type Generator, mulberry32, valueFor } from "../support/fuzz-values.js";
import type { SchemaNode } from "../support/schema-walk.js";

const repeated = (item: string, n: number) => `[${`${item},`.repeat(n - 1)}${item}]`;

/**
 * Issue 11, item 1: a large JSON body is read as text against its route's schema before it is parsed
 * (src/platform/http/body-shape.ts). That check must never refuse a body the validator accepts, and must
 * refuse the hostile shapes (rows without their fields, unknown keys, arrays over their cap) at once.
 */
describe("the shape check of large JSON bodies", () => {
  let t: TestApp;
  let user: Client;
  beforeAll(async () => {
    ({ t, admin: user } = await appWithAdmin());
  });
  afterAll(() => t.close());

  it("refuses only what the validator refuses, on generated bodies for every route", {
    timeout: 180_000,
  }, () => {
    const rng = mulberry32(20_261_202);
    let refusedEarly = 0;
    let checked = 0;
    for (const route of t.app.routeTable) {
      const schema = (route.schema as FastifySchema | undefined)?.body as SchemaNode | undefined;
      if (!schema || (schema as { format?: string }).format === "binary") continue;
      const validate = validatorCompiler({
        schema,
        httpPart: "body",
        method: String(route.method),
        url: route.url,
      }) as (data: unknown) => boolean;
      for (let i = 0; i < 120; i++) {
        const g: Generator = { rng, hostility: [0, 0.02, 0.1, 0.3][i % 4]!, resolve: (s) => s };
        const value = valueFor(schema, g);
        if (value === undefined) continue;
        const text = i % 2 ? JSON.stringify(value) : JSON.stringify(value, null, 2);
        const error = shapeError(text, schema);
        checked++;
        if (!error) continue;
        refusedEarly++;
        expect(
          validate(JSON.parse(text)),
          `${route.method} ${route.url}: ${text.slice(0, 300)} refused early (${JSON.stringify(error)})`,
        ).toBe(false);
      }
    }
    expect(checked).toBeGreaterThan(4_000);
    // Not a check that says nothing: a good part of the hostile bodies are refused on their text.
    expect(refusedEarly).toBeGreaterThan(checked / 20);
  });

  it("names the first failing field as the validator would: required, unknown keys, caps, kinds", () => {
    const schema = {
      type: "object",
      additionalProperties: false,
      required: ["rows", "name"],
      properties: {
        name: { type: "string" },
        rows: {
          type: "array",
          maxItems: 3,
          items: {
            type: "object",
            additionalProperties: false,
            required: ["id", "mode"],
            properties: { id: { type: "integer" }, mode: { type: "string", default: "a" }, "a/b": {} },
          },
        },
      },
    };
    const at = (text: string) => {
      const e = shapeError(text, schema);
      return e && `${e.instancePath} ${e.keyword} ${JSON.stringify(e.params)}`;
    };
    expect(at('{"name":"x","rows":[{}]}')).toBe('/rows/0 required {"missingProperty":"id"}');
    expect(at('{"name":"x","rows":[{"id":1}]}')).toBeUndefined(); // mode has a default
    expect(at('{"name":"x","rows":[{"id":1,"a/b":{"deep":[[["]"]]]}}]}')).toBeUndefined();
    expect(at('{"name":"x","rows":[{"id":1,"x":1}]}')).toBe(
      '/rows/0 additionalProperties {"additionalProperty":"x"}',
    );
    expect(at('{"name":"x","rows":[{"id":1},{"id":2},{"id":3},{"id":4}]}')).toBe(
      '/rows maxItems {"limit":3}',
    );
    expect(at('{"name":"x","rows":[{"id":"1"}]}')).toBe('/rows/0/id type {"type":"integer"}');
    expect(at('{"name":{"a":1},"rows":[]}')).toBe('/name type {"type":"string"}');
    expect(at('{"n\\u0061me":"x","rows":[]}')).toBeUndefined(); // an escaped key is the key
    expect(at('{"name":"\\"}\\\\","rows":[], "zz":1}')).toBe(
      ' additionalProperties {"additionalProperty":"zz"}',
    );
    // Malformed JSON is left to the parser.
    expect(at('{"name":"x","rows":[{"id":1}')).toBeUndefined();
    expect(at('{"name":"x","rows":[{"id":1,}]}')).toBeUndefined();
  });

  it("600,000 empty books rows to POST /api/import: refused before parsing, naming the first row", async () => {
    const body =
      `{"format":"readlog-export","version":1,"exportedAt":"2026-01-01T00:00:00Z",` +
      `"user":{"id":"u","email":"a@example.com","name":"A","timezone":"UTC","createdAt":"2026-01-01T00:00:00Z"},` +
      `"books":${repeated("{}", 600_000)}}`;
    expect(body.length).toBeGreaterThan(SHAPE_CHECK_MIN_CHARS);
    const r = await user.request({
      method: "POST",
      url: "/api/import",
      headers: { "content-type": "application/json" },
      payload: body,
    });
    expect(r.statusCode).toBe(400);
    expect(r.headers["content-type"]).toContain("application/problem+json");
    // The restore reads its rows as they arrive (row-stream.ts): the first rows' fields are named.
    expect(r.json().errors[0]).toEqual({
      field: "/body/books/0/id",
      rule: "required",
      message: "is required",
    });
  });

  it("a large valid body passes it: 3,000 books restored", { timeout: 120_000 }, async () => {
    const source = await newUser(t, { admin: user });
    await addBook(source, { title: "Dune", authors: ["Frank Herbert"], totalPages: 412 });
    const doc = (await source.request({ method: "GET", url: "/api/export" })).json();
    const [book] = doc.books;
    const [reading] = doc.readings;
    const [change] = doc.statusChanges;
    const id = (of: string, i: number) => `${of.slice(0, -6)}${String(i).padStart(6, "0")}`;
    const copies = Array.from({ length: 3_000 }, (_, i) => i);
    doc.books = copies.map((i) => ({
      ...book,
      id: id(book.id, i),
      title: `Book ${i}`,
      currentReadingId: id(reading.id, i),
    }));
    doc.readings = copies.map((i) => ({ ...reading, id: id(reading.id, i), bookId: id(book.id, i) }));
    doc.statusChanges = copies.map((i) => ({
      ...change,
      id: id(change.id, i),
      readingId: id(reading.id, i),
    }));
    const body = JSON.stringify(doc);
    expect(body.length).toBeGreaterThan(SHAPE_CHECK_MIN_CHARS);
    expect(
      shapeError(body, t.app.routeTable.find((r) => r.url === "/api/import")?.schema?.body),
    ).toBeUndefined();
    const target = await newUser(t, { admin: user });
    const r = await target.request({
      method: "POST",
      url: "/api/import",
      headers: { "content-type": "application/json" },
      payload: body,
    });
    expect(r.statusCode, r.body.slice(0, 500)).toBe(201);
    expect(r.json().counts.books).toBe(3_000);
  });
});
