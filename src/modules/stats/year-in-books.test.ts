import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appWithAdmin, type Client, newUser, type TestApp } from "../../../test/support/app.js";
import { addBook, move, progress, readingBook } from "../../../test/support/books.js";
import { ENGINES } from "../../../test/support/engines.js";

describe.each(ENGINES)("pages by month and year in books (%s)", (engine) => {
  let t: TestApp;
  let c: Client;
  let bob: Client;

  beforeAll(async () => {
    let admin: Client;
    ({ t, admin } = await appWithAdmin(engine));
    c = await newUser(t, { admin, timezone: "Europe/Berlin" });
    bob = await newUser(t, { admin });
  });
  afterAll(() => t.close());

  it("sums pages per local month and lists the read-throughs finished in a year, only the caller's", async () => {
    t.clock.set("2026-03-10T10:00:00Z");
    const dune = await readingBook(c, { title: "Dune", totalPages: 400 });
    await progress(c, dune.id, { page: 30, date: "2026-01-31" });
    await progress(c, dune.id, { page: 50, date: "2026-02-01" });
    await progress(c, dune.id, { page: 80, date: "2026-02-20" });
    const old = await addBook(c, { title: "Old", totalPages: 120 });
    await move(c, old.id, "reading", "2025-12-01");
    await move(c, old.id, "finished", "2025-12-30");
    const slim = await addBook(c, { title: "Slim", totalPages: 90 });
    await move(c, slim.id, "reading", "2026-01-02");
    await move(c, slim.id, "finished", "2026-01-05");
    const other = await readingBook(bob, { title: "Bob's", totalPages: 999 });
    await progress(bob, other.id, { page: 500, date: "2026-02-02" });
    expect((await move(bob, other.id, "finished")).statusCode).toBe(200);

    const months = await c.request({ method: "GET", url: "/api/stats/pages-by-month" });
    expect(months.statusCode, months.body).toBe(200);
    expect(months.json().items).toEqual([
      { month: "2026-01", pages: 30 },
      { month: "2026-02", pages: 50 },
    ]);

    const y2026 = await c.request({ method: "GET", url: "/api/stats/years/2026" });
    expect(y2026.statusCode, y2026.body).toBe(200);
    expect(y2026.json()).toMatchObject({
      year: 2026,
      books: [
        {
          bookId: slim.id,
          title: "Slim",
          authors: ["Frank Herbert"],
          totalPages: 90,
          startedOn: "2026-01-02",
          finishedOn: "2026-01-05",
          rating: null,
        },
      ],
    });
    const y2025 = (await c.request({ method: "GET", url: "/api/stats/years/2025" })).json();
    expect(y2025.books.map((b: { title: string }) => b.title)).toEqual(["Old"]);
    expect((await c.request({ method: "GET", url: "/api/stats/years/1800" })).statusCode).toBe(400);
    // Bob sees only his own.
    const bobs = (await bob.request({ method: "GET", url: "/api/stats/years/2026" })).json();
    expect(bobs.books.map((b: { title: string }) => b.title)).toEqual(["Bob's"]);
  });

  it("asks for a session", async () => {
    expect((await t.app.inject({ method: "GET", url: "/api/stats/pages-by-month" })).statusCode).toBe(401);
    expect((await t.app.inject({ method: "GET", url: "/api/stats/years/2026" })).statusCode).toBe(401);
  });
});
