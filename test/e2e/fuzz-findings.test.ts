import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GOODREADS_HEADER } from "../../bench/support/goodreads-csv.js";
import { type Poster, WA, WhatsAppWebhookSender, waConfig } from "../fakes/whatsapp.js";
import { appWithAdmin, type Client, type TestApp } from "../support/app.js";
import { addBook } from "../support/books.js";
import { ENGINES } from "../support/engines.js";

/**
 * What the route fuzz (fuzz.test.ts) found, each pinned by a test: on PostgreSQL a U+0000 in any string
 * (path, query, body, or a chat message) and a forged page cursor answered 500, since PostgreSQL text
 * cannot hold a NUL. Both engines must answer alike.
 */
describe.each(ENGINES)("what the fuzz found (%s)", (engine) => {
  let t: TestApp;
  let admin: Client;
  beforeAll(async () => {
    ({ t, admin } = await appWithAdmin(engine, { whatsapp: waConfig("http://127.0.0.1:9") }));
  });
  afterAll(() => t.close());

  const problem = async (url: string, init: { method?: string; payload?: object } = {}) => {
    const r = await admin.request({ method: (init.method ?? "GET") as "GET", url, payload: init.payload });
    expect(r.statusCode, `${url}: ${r.body}`).toBe(400);
    expect(r.headers["content-type"]).toContain("application/problem+json");
    return r.json();
  };

  it("a NUL in a path id, a query value or a body string is a 400 naming the field", async () => {
    expect((await problem("/api/books/a%00b")).errors[0]).toMatchObject({
      field: "/params/id",
      rule: "noNul",
    });
    expect((await problem("/api/books?q=du%00ne")).errors[0]).toMatchObject({ field: "/querystring/q" });
    const body = await problem("/api/books", { method: "POST", payload: { title: "Du\u0000ne" } });
    expect(body.errors).toEqual([
      { field: "/body/title", rule: "noNul", message: "must not contain U+0000 (NUL)" },
    ]);
    await problem("/api/text", { method: "POST", payload: { text: "dune\u0000 42" } });
  });

  it("routes of a plugin with shared schemas (review cards) validate the same way: NUL refused, no coercion", async () => {
    expect((await problem("/api/reviews/a%00b")).errors[0]).toMatchObject({
      field: "/params/id",
      rule: "noNul",
    });
    const coerced = await problem("/api/reviews/x", { method: "PATCH", payload: { suspended: "true" } });
    expect(coerced.errors[0]).toMatchObject({ field: "/body/suspended", rule: "type" });
  });

  it("a cursor this server did not give out is a 400; its own cursors still page", async () => {
    for (const forged of ["y1L1AML", "AA", "_-_-"]) {
      const p = await problem(`/api/books?cursor=${forged}`);
      expect(p.errors[0]).toMatchObject({ field: "/querystring/cursor", rule: "cursor" });
    }
    for (const title of ["A", "B", "C"]) await addBook(admin, { title });
    const first = (await admin.request({ method: "GET", url: "/api/books?limit=2" })).json();
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = await admin.request({
      method: "GET",
      url: `/api/books?limit=2&cursor=${first.nextCursor}`,
    });
    expect(second.statusCode, second.body).toBe(200);
    expect(second.json().items).toHaveLength(1);
  });

  it("a CSV import row holding a NUL is a row problem naming its column; the other rows are imported", async () => {
    const row = (id: number, title: string) =>
      `${id},"${title}",Frank Herbert,"Herbert, Frank",,"=""""","=""""",0,4.2,Ace,Paperback,600,1990,1965,,2026/01/02,,,to-read,,,,0,0`;
    const csv = `${GOODREADS_HEADER}\n${row(1, "Du\u0000ne")}\n${row(2, "Emma")}\n`;
    const r = await admin.request({
      method: "POST",
      url: "/api/imports/goodreads",
      headers: { "content-type": "text/csv" },
      payload: csv,
    });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toMatchObject({ created: 1, rowsWithProblems: 1 });
    expect(r.json().problems).toEqual([
      { line: 2, field: "Title", message: "holds a NUL character (U+0000)" },
    ]);
  });

  it("a WhatsApp message holding a NUL is received (200) and kept without it", async () => {
    const post: Poster = async (url, payload, headers) => {
      const r = await t.app.inject({ method: "POST", url, payload, headers });
      return { status: r.statusCode, body: r.body };
    };
    const wa = new WhatsAppWebhookSender(post, () => t.clock.now(), WA.appSecret);
    const { res, id } = await wa.sendText("15551230000", "du\u0000ne 42", { name: "Le\u0000e" });
    expect(res.status, res.body).toBe(200);
    const row = await t.services.db
      .selectFrom("messages")
      .select("body")
      .where("provider_id", "=", id)
      .executeTakeFirstOrThrow();
    expect(row.body).toBe("dune 42");
  });
});
