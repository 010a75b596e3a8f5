import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appWithAdmin, type Client, newUser, type TestApp } from "../../../test/support/app.js";
import { addBook, move, progress, readingBook } from "../../../test/support/books.js";
import { ENGINES } from "../../../test/support/engines.js";
import { actorOf } from "../../platform/access/actor.js";

describe.each(ENGINES)("progress (%s)", (engine) => {
  let t: TestApp;
  let admin: Client;
  let alice: Client;
  let bob: Client;

  beforeAll(async () => {
    ({ t, admin } = await appWithAdmin(engine));
    alice = await newUser(t, { admin });
    bob = await newUser(t, { admin });
  });
  afterAll(() => t.close());

  it("records pages with the pages read, percent and today's total", async () => {
    t.clock.set("2026-04-01T09:00:00Z");
    const b = await readingBook(alice, { totalPages: 400 });
    const first = await progress(alice, b.id, { page: 40, source: "web", note: "good start" });
    expect(first.statusCode, first.body).toBe(201);
    expect(first.json()).toMatchObject({
      entry: {
        page: 40,
        percent: 10,
        date: "2026-04-01",
        source: "web",
        pagesDelta: 40,
        supersedes: null,
        note: "good start",
      },
      currentPage: 40,
      percent: 10,
      totalPages: 400,
      pagesToday: 40,
      pagesThatDay: 40,
    });
    t.clock.advance(3_600_000);
    const second = await progress(alice, b.id, { page: 100 });
    expect(second.json()).toMatchObject({
      entry: { page: 100, percent: 25, pagesDelta: 60, source: "api" },
      pagesToday: 100,
    });
    t.clock.set("2026-04-02T09:00:00Z");
    const third = await progress(alice, b.id, { percent: 50 });
    expect(third.json()).toMatchObject({
      entry: { page: 200, percent: 50, pagesDelta: 100 },
      pagesToday: 100,
    });
    const same = await progress(alice, b.id, { page: 200 });
    expect(same.json().entry.pagesDelta).toBe(0);

    const list = await alice.request({ method: "GET", url: `/api/books/${b.id}/progress?limit=2` });
    expect(list.statusCode).toBe(200);
    expect(list.json().items.map((e: { page: number }) => e.page)).toEqual([200, 200]);
    const rest = await alice.request({
      method: "GET",
      url: `/api/books/${b.id}/progress?limit=10&cursor=${list.json().nextCursor}`,
    });
    expect(rest.json().items.map((e: { page: number }) => e.page)).toEqual([100, 40]);
  });

  it("refuses a page beyond the total, naming /body/page", async () => {
    t.clock.set("2026-04-01T09:00:00Z");
    const b = await readingBook(alice, { totalPages: 300 });
    const r = await progress(alice, b.id, { page: 301 });
    expect(r.statusCode).toBe(400);
    expect(r.json().errors[0]).toMatchObject({ field: "/body/page", rule: "maximum" });
    expect((await progress(alice, b.id, {})).json().errors[0].field).toBe("/body/page");
    expect((await progress(alice, b.id, { page: -1 })).statusCode).toBe(400);
    expect((await progress(alice, b.id, { percent: 101 })).statusCode).toBe(400);
    expect((await progress(alice, b.id, { page: "12" })).statusCode).toBe(400);
  });

  it("needs correction: true to go back, and keeps the corrected entry", async () => {
    t.clock.set("2026-04-03T09:00:00Z");
    const b = await readingBook(alice, { totalPages: 500 });
    await progress(alice, b.id, { page: 100 });
    t.clock.set("2026-04-04T09:00:00Z");
    const typo = (await progress(alice, b.id, { page: 310 })).json().entry;
    t.clock.set("2026-04-05T09:00:00Z");
    const lower = await progress(alice, b.id, { page: 130 });
    expect(lower.statusCode).toBe(400);
    expect(lower.json().errors[0]).toMatchObject({ field: "/body/page", rule: "not-below-last" });
    const fixed = await progress(alice, b.id, { page: 130, correction: true });
    expect(fixed.statusCode).toBe(201);
    // The correction belongs to the corrected entry's day, so that day now counts 30 pages.
    expect(fixed.json()).toMatchObject({
      entry: { page: 130, supersedes: typo.id, date: "2026-04-04", pagesDelta: -180 },
      currentPage: 130,
      pagesToday: 0,
      pagesThatDay: 30,
    });
    const history = await alice.request({ method: "GET", url: `/api/books/${b.id}/progress` });
    expect(history.json().items.map((e: { page: number }) => e.page)).toEqual([130, 310, 100]);
    const next = await progress(alice, b.id, { page: 150 });
    expect(next.json().entry).toMatchObject({ pagesDelta: 20, date: "2026-04-05" });
  });

  it("converts percent to pages only when the total is known; totalPages can be set on the way", async () => {
    t.clock.set("2026-04-06T09:00:00Z");
    const b = await readingBook(alice, { totalPages: undefined, title: "No total" });
    const pct = await progress(alice, b.id, { percent: 20 });
    expect(pct.json()).toMatchObject({
      entry: { page: null, percent: 20, pagesDelta: 0 },
      currentPage: null,
    });
    expect((await progress(alice, b.id, { percent: 10 })).json().errors[0].field).toBe("/body/percent");
    const withTotal = await progress(alice, b.id, { page: 60, totalPages: 200 });
    expect(withTotal.json()).toMatchObject({
      entry: { page: 60, percent: 30, pagesDelta: 60 },
      totalPages: 200,
    });
    expect((await alice.request({ method: "GET", url: `/api/books/${b.id}` })).json().totalPages).toBe(200);
  });

  it("backfills a past day but never a future one in the reader's zone", async () => {
    const kiri = await newUser(t, { admin, timezone: "Pacific/Kiritimati" }); // UTC+14
    const ny = await newUser(t, { admin, timezone: "America/New_York" });
    t.clock.set("2026-01-15T12:00:00Z"); // 16 Jan 02:00 in Kiritimati, 15 Jan 07:00 in New York
    const kb = await readingBook(kiri);
    const nb = await readingBook(ny);
    expect((await progress(kiri, kb.id, { page: 5, date: "2026-01-16" })).statusCode).toBe(201);
    const future = await progress(ny, nb.id, { page: 5, date: "2026-01-16" });
    expect(future.statusCode).toBe(400);
    expect(future.json().errors[0]).toMatchObject({ field: "/body/date", rule: "not-future" });
    const past = await progress(ny, nb.id, { page: 30, date: "2026-01-10" });
    expect(past.json()).toMatchObject({
      entry: { date: "2026-01-10", pagesDelta: 30 },
      pagesToday: 0,
      pagesThatDay: 30,
    });
    expect((await progress(ny, nb.id, { page: 31, date: "2026-13-01" })).statusCode).toBe(400);
  });

  it("refuses progress dated before its read-through started (issue 11, item 10)", async () => {
    t.clock.set("2026-04-10T09:00:00Z");
    const b = await readingBook(alice, { totalPages: 400 }, "2026-04-05");
    const early = await progress(alice, b.id, { page: 10, date: "2026-04-04" });
    expect(early.statusCode, early.body).toBe(400);
    expect(early.json().errors[0]).toMatchObject({ field: "/body/date", rule: "after-start" });
    expect(early.json().detail).toContain("2026-04-05");
    expect((await progress(alice, b.id, { page: 10, date: "2026-04-05" })).statusCode).toBe(201);
  });

  it("keeps a book's total pages at or above the pages in effect (issue 11, item 2)", async () => {
    t.clock.set("2026-04-11T09:00:00Z");
    const b = await readingBook(alice, { totalPages: 400 });
    expect((await progress(alice, b.id, { page: 300 })).statusCode).toBe(201);
    const patch = (totalPages: number) =>
      alice.request({ method: "PATCH", url: `/api/books/${b.id}`, payload: { totalPages } });
    const low = await patch(250);
    expect(low.statusCode, low.body).toBe(400);
    expect(low.json().errors[0]).toMatchObject({ field: "/body/totalPages", rule: "not-below-progress" });
    const viaProgress = await progress(alice, b.id, { page: 310, totalPages: 250 });
    expect(viaProgress.statusCode).toBe(400);
    // Once p.300 is corrected, it is no longer in effect: the shorter edition's length is accepted.
    t.clock.advance(1000);
    const corrected = await progress(alice, b.id, { page: 200, totalPages: 250, correction: true });
    expect(corrected.statusCode, corrected.body).toBe(201);
    expect((await patch(220)).statusCode).toBe(200);
  });

  it("resumes a paused book and refuses other shelves", async () => {
    t.clock.set("2026-04-07T09:00:00Z");
    const b = await readingBook(alice);
    await move(alice, b.id, "paused");
    t.clock.advance(1000);
    const r = await progress(alice, b.id, { page: 12 });
    expect(r.statusCode).toBe(201);
    expect((await alice.request({ method: "GET", url: `/api/books/${b.id}` })).json().status).toBe("reading");
    const wish = await addBook(alice);
    const refused = await progress(alice, wish.id, { page: 1 });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().detail).toContain("wishlist");
  });

  it("records in a caller's unit of work, which commits or rolls back as a whole", async () => {
    const b = await readingBook(alice, { totalPages: 400 });
    const reader = actorOf({ id: alice.userId, role: "member", timezone: "UTC" });
    const { progress: svc, uow } = t.services;
    const rolledBack = uow.transaction(async () => {
      await svc.record(reader, b.id, { page: 30 });
      throw new Error("the caller's later write failed");
    });
    await expect(rolledBack).rejects.toThrow("later write failed");
    const list = () => alice.request({ method: "GET", url: `/api/books/${b.id}/progress` });
    expect((await list()).json().items).toEqual([]);
    await uow.transaction(() => svc.record(reader, b.id, { page: 30 }));
    expect((await list()).json().items).toMatchObject([{ page: 30, pagesDelta: 30 }]);
    // Reads passed as `prior` need the caller's unit of work.
    const book = await t.services.books.get(reader, b.id);
    const prior = { book, current: {} as never, last: undefined, lastPaged: undefined };
    await expect(svc.record(reader, b.id, { page: 40 }, { prior })).rejects.toThrow(/caller's unit of work/);
  });

  it("answers 404 for another user's book or an unknown one", async () => {
    const b = await readingBook(alice);
    for (const id of [b.id, "00000000-0000-7000-8000-000000000000"]) {
      expect((await progress(bob, id, { page: 1 })).statusCode).toBe(404);
      expect((await bob.request({ method: "GET", url: `/api/books/${id}/progress` })).statusCode).toBe(404);
    }
  });
});

describe.each(ENGINES)("local days and time zones (%s)", (engine) => {
  let t: TestApp;
  let ny: Client;

  beforeAll(async () => {
    let admin: Client;
    ({ t, admin } = await appWithAdmin(engine));
    ny = await newUser(t, { admin, timezone: "America/New_York" });
  });
  afterAll(() => t.close());

  it("puts 23:30 local on that local day, on both sides of the DST change", async () => {
    const b = await readingBook(ny, { totalPages: 1000 });
    t.clock.set("2026-03-08T04:30:00Z"); // Sat 7 March 23:30 EST (UTC-5)
    expect((await progress(ny, b.id, { page: 10 })).json().entry.date).toBe("2026-03-07");
    t.clock.set("2026-03-08T06:59:00Z"); // Sun 8 March 01:59 EST; clocks then jump to 03:00 EDT
    expect((await progress(ny, b.id, { page: 20 })).json().entry.date).toBe("2026-03-08");
    t.clock.set("2026-03-09T03:30:00Z"); // Sun 8 March 23:30 EDT (UTC-4)
    expect((await progress(ny, b.id, { page: 30 })).json().entry.date).toBe("2026-03-08");
    t.clock.set("2026-03-09T04:00:00Z"); // Mon 9 March 00:00 EDT
    expect((await progress(ny, b.id, { page: 40 })).json().entry.date).toBe("2026-03-09");
    t.clock.set("2026-11-01T05:30:00Z"); // Sun 1 Nov 01:30 EDT, first pass; 06:30Z is the second (EST)
    expect((await progress(ny, b.id, { page: 50 })).json().entry.date).toBe("2026-11-01");
    t.clock.set("2026-11-02T04:30:00Z"); // Sun 1 Nov 23:30 EST
    expect((await progress(ny, b.id, { page: 60 })).json().entry.date).toBe("2026-11-01");
  });

  it("keeps recorded days when the time zone changes", async () => {
    const b = await readingBook(ny, { totalPages: 1000 });
    t.clock.set("2026-05-10T03:30:00Z"); // 9 May 23:30 in New York
    const before = (await progress(ny, b.id, { page: 10 })).json().entry;
    expect(before.date).toBe("2026-05-09");
    const tz = await ny.request({ method: "PATCH", url: "/api/me", payload: { timezone: "Asia/Tokyo" } });
    expect(tz.statusCode).toBe(200);
    t.clock.set("2026-05-10T03:31:00Z"); // 10 May 12:31 in Tokyo
    expect((await progress(ny, b.id, { page: 20 })).json().entry.date).toBe("2026-05-10");
    const list = (await ny.request({ method: "GET", url: `/api/books/${b.id}/progress` })).json().items;
    expect(list.map((e: { date: string }) => e.date)).toEqual(["2026-05-10", "2026-05-09"]);
    await ny.request({ method: "PATCH", url: "/api/me", payload: { timezone: "America/New_York" } });
  });
});
