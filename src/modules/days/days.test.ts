import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appWithAdmin, type Client, newUser, type TestApp } from "../../../test/support/app.js";
import { progress, readingBook } from "../../../test/support/books.js";
import { ENGINES } from "../../../test/support/engines.js";

describe.each(ENGINES)("day-wise memory (%s)", (engine) => {
  let t: TestApp;
  let ny: Client;
  let bob: Client;
  let dune: { id: string };
  let hobbit: { id: string };

  beforeAll(async () => {
    let admin: Client;
    ({ t, admin } = await appWithAdmin(engine));
    ny = await newUser(t, { admin, timezone: "America/New_York" });
    bob = await newUser(t, { admin });
    t.clock.set("2026-03-07T15:00:00Z");
    dune = await readingBook(ny, { title: "Dune", totalPages: 600 });
    hobbit = await readingBook(ny, { title: "The Hobbit", totalPages: 300 });
    await progress(ny, dune.id, { page: 20 }); // 7 March
    t.clock.set("2026-03-08T04:30:00Z"); // still 7 March, 23:30 EST
    await progress(ny, hobbit.id, { page: 15 });
    t.clock.set("2026-03-08T16:00:00Z"); // 8 March (EDT from 02:00)
    await progress(ny, dune.id, { page: 50 });
    t.clock.set("2026-03-08T17:00:00Z");
    await progress(ny, dune.id, { page: 45, correction: true }); // back on 8 March: -5
    t.clock.set("2026-03-10T12:00:00Z");
    await progress(ny, dune.id, { page: 70, date: "2026-03-09" }); // backfilled
    await progress(ny, hobbit.id, { page: 40 });
    await progress(bob, (await readingBook(bob)).id, { page: 99, date: "2026-03-07" });
  });
  afterAll(() => t.close());

  it("lists every entry of a day and the pages per book", async () => {
    const r = await ny.request({ method: "GET", url: "/api/days/2026-03-07" });
    expect(r.statusCode).toBe(200);
    const day = r.json();
    expect(day.pages).toBe(35);
    expect(day.books).toEqual([
      { bookId: dune.id, title: "Dune", pages: 20, entries: 1 },
      { bookId: hobbit.id, title: "The Hobbit", pages: 15, entries: 1 },
    ]);
    expect(day.entries.map((e: { page: number; title: string }) => [e.title, e.page])).toEqual([
      ["Dune", 20],
      ["The Hobbit", 15],
    ]);
    const eighth = (await ny.request({ method: "GET", url: "/api/days/2026-03-08" })).json();
    expect(eighth.pages).toBe(25);
    expect(eighth.entries.map((e: { pagesDelta: number }) => e.pagesDelta)).toEqual([30, -5]);
    const empty = (await ny.request({ method: "GET", url: "/api/days/2026-01-01" })).json();
    expect(empty).toEqual({ date: "2026-01-01", pages: 0, books: [], entries: [] });
  });

  it("gives pages per day over a range, days with entries only", async () => {
    const r = await ny.request({ method: "GET", url: "/api/days?from=2026-03-01&to=2026-03-31" });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toEqual({
      from: "2026-03-01",
      to: "2026-03-31",
      pages: 110,
      days: [
        { date: "2026-03-07", pages: 35, entries: 2 },
        { date: "2026-03-08", pages: 25, entries: 2 },
        { date: "2026-03-09", pages: 25, entries: 1 },
        { date: "2026-03-10", pages: 25, entries: 1 },
      ],
    });
  });

  it("validates dates and the range", async () => {
    const ask = (url: string) => ny.request({ method: "GET", url });
    const bad = await ask("/api/days/2026-02-30");
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].field).toBe("/params/date");
    expect((await ask("/api/days/yesterday")).statusCode).toBe(400);
    const missing = await ask("/api/days?from=2026-01-01");
    expect(missing.statusCode).toBe(400);
    expect(missing.json().errors[0].field).toBe("/querystring/to");
    const reversed = await ask("/api/days?from=2026-02-01&to=2026-01-01");
    expect(reversed.json().errors[0]).toMatchObject({ field: "/querystring/to", rule: "after-from" });
    const tooLong = await ask("/api/days?from=2025-01-01&to=2026-01-02");
    expect(tooLong.json().errors[0]).toMatchObject({ field: "/querystring/to", rule: "max-range" });
    expect((await ask("/api/days?from=2024-01-01&to=2024-12-31")).statusCode).toBe(200); // 366 days, leap year
  });

  it("forgets a deleted book's pages", async () => {
    t.clock.set("2026-03-10T12:00:00Z");
    const extra = await readingBook(ny, { title: "Gone" });
    await progress(ny, extra.id, { page: 300, date: "2026-03-09" });
    const calendar = () => ny.request({ method: "GET", url: "/api/days?from=2026-03-09&to=2026-03-09" });
    expect((await calendar()).json().pages).toBe(325);
    expect((await ny.request({ method: "DELETE", url: `/api/books/${extra.id}` })).statusCode).toBe(204);
    expect((await calendar()).json().pages).toBe(25);
    expect((await ny.request({ method: "GET", url: "/api/days/2026-03-09" })).json().pages).toBe(25);
  });

  it("shows nobody else's entries", async () => {
    const day = (await bob.request({ method: "GET", url: "/api/days/2026-03-07" })).json();
    expect(day.pages).toBe(99);
    expect(day.books).toHaveLength(1);
  });
});
