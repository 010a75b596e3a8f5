import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeOpenLibrary } from "../../../test/fakes/openlibrary.js";
import { appWithAdmin, type Client, newUser, type TestApp } from "../../../test/support/app.js";
import { addBook, move } from "../../../test/support/books.js";
import { ENGINES } from "../../../test/support/engines.js";
import { actorOf } from "../../platform/access/actor.js";

describe.each(ENGINES)("books (%s)", (engine) => {
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

  it("creates a book on the wishlist with normalised ISBNs", async () => {
    const b = await addBook(alice, { isbn: "0-306-40615-2", coverUrl: "https://example.com/c.jpg" });
    expect(b).toMatchObject({
      title: "Dune",
      authors: ["Frank Herbert"],
      isbn10: "0306406152",
      isbn13: "9780306406157",
      totalPages: 412,
      status: "wishlist",
      metadataSource: null,
      lookup: "skipped",
    });
    expect(b.currentReadingId).toEqual(expect.any(String));
    const got = await alice.request({ method: "GET", url: `/api/books/${b.id}` });
    expect(got.statusCode).toBe(200);
    expect(got.json()).toMatchObject({ id: b.id, isbn13: "9780306406157", status: "wishlist" });
  });

  it("accepts an ISBN-13 with spaces and derives the ISBN-10", async () => {
    const b = await addBook(alice, { isbn13: "978 0 306 40615 7" });
    expect(b).toMatchObject({ isbn10: "0306406152", isbn13: "9780306406157" });
  });

  it.each([
    [{ isbn: "0-306-40615-3" }, "/body/isbn"],
    [{ isbn10: "9780306406157" }, "/body/isbn10"],
    [{ isbn13: "978030640615" }, "/body/isbn13"],
    [{ isbn10: "0306406152", isbn13: "9780804429573" }, "/body/isbn13"],
  ])("refuses a malformed ISBN %j naming the field", async (body, field) => {
    const r = await alice.request({ method: "POST", url: "/api/books", payload: { title: "X", ...body } });
    expect(r.statusCode).toBe(400);
    expect(r.headers["content-type"]).toContain("application/problem+json");
    expect(r.json().errors[0].field).toBe(field);
  });

  it("validates the body strictly", async () => {
    const r = await alice.request({
      method: "POST",
      url: "/api/books",
      payload: { title: "X", totalPages: 0, colour: "red", coverUrl: "javascript:alert(1)" },
    });
    expect(r.statusCode).toBe(400);
    const fields = r.json().errors.map((e: { field: string }) => e.field);
    expect(fields).toEqual(expect.arrayContaining(["/body/totalPages", "/body/colour", "/body/coverUrl"]));
    const none = await alice.request({ method: "POST", url: "/api/books", payload: {} });
    expect(none.statusCode).toBe(400);
    expect(none.json().errors[0].field).toBe("/body/title");
  });

  it("lists books newest first with cursor pagination, shelf filter and title search", async () => {
    const c = await newUser(t, { admin });
    const ids: string[] = [];
    for (const title of ["The Hobbit", "Dune Messiah", "Children of Dune", "100% Pure"]) {
      t.clock.advance(1000); // ids are time-ordered; the fake clock only moves when told
      ids.push((await addBook(c, { title })).id);
    }
    await move(c, ids[1]!, "reading");
    const page1 = await c.request({ method: "GET", url: "/api/books?limit=3" });
    expect(page1.statusCode).toBe(200);
    expect(page1.json().items.map((b: { id: string }) => b.id)).toEqual([ids[3], ids[2], ids[1]]);
    const page2 = await c.request({
      method: "GET",
      url: `/api/books?limit=3&cursor=${page1.json().nextCursor}`,
    });
    expect(page2.json()).toEqual({ items: [expect.objectContaining({ id: ids[0] })], nextCursor: null });

    const reading = await c.request({ method: "GET", url: "/api/books?status=reading" });
    expect(reading.json().items.map((b: { title: string }) => b.title)).toEqual(["Dune Messiah"]);
    const dune = await c.request({ method: "GET", url: "/api/books?q=dUNE" });
    expect(dune.json().items.map((b: { title: string }) => b.title)).toEqual([
      "Children of Dune",
      "Dune Messiah",
    ]);
    const pct = await c.request({ method: "GET", url: "/api/books?q=%25" });
    expect(pct.json().items.map((b: { title: string }) => b.title)).toEqual(["100% Pure"]);
    const bad = await c.request({ method: "GET", url: "/api/books?status=lost" });
    expect(bad.statusCode).toBe(400);
  });

  it("changes details; null clears total pages and cover", async () => {
    const b = await addBook(alice, { coverUrl: "https://example.com/c.jpg" });
    const r = await alice.request({
      method: "PATCH",
      url: `/api/books/${b.id}`,
      payload: {
        title: "Dune (2nd ed.)",
        authors: ["F. Herbert"],
        totalPages: null,
        coverUrl: null,
        isbn10: "080442957X",
      },
    });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toMatchObject({
      title: "Dune (2nd ed.)",
      authors: ["F. Herbert"],
      totalPages: null,
      coverUrl: null,
      isbn13: "9780804429573",
    });
    const empty = await alice.request({ method: "PATCH", url: `/api/books/${b.id}`, payload: {} });
    expect(empty.statusCode).toBe(400);
  });

  it("answers 404 for another user's book and for unknown ids, on every verb", async () => {
    const b = await addBook(alice);
    for (const id of [b.id, "00000000-0000-7000-8000-000000000000"]) {
      for (const [method, payload] of [
        ["GET", undefined],
        ["PATCH", { title: "Mine now" }],
        ["DELETE", undefined],
      ] as const) {
        const r = await bob.request({ method, url: `/api/books/${id}`, ...(payload ? { payload } : {}) });
        expect(r.statusCode, `${method} ${id}`).toBe(404);
      }
    }
    const still = await alice.request({ method: "GET", url: `/api/books/${b.id}` });
    expect(still.json().title).toBe("Dune");
  });

  it("createMany writes what create writes for each book: read-through, shelf move, events", async () => {
    const services = t.services;
    const actor = actorOf({ id: alice.userId, role: "member", timezone: "Europe/Berlin" });
    const reading = { status: "finished" as const, finishedOn: "2024-05-01" };
    const one = (await services.books.create(actor, { title: "One by one", authors: ["A"] }, { reading }))
      .book;
    const [bulk, second] = await services.books.createMany(
      actor,
      [
        { input: { title: " In bulk ", authors: ["A", " "], isbn: "0-306-40615-2" }, reading },
        { input: { title: "Second" }, reading: { status: "wishlist" } },
      ],
      { metadataSource: "kindle" },
    );
    expect(bulk).toMatchObject({
      title: "In bulk",
      authors: '["A"]',
      isbn13: "9780306406157",
      status: "finished",
    });
    expect(second).toMatchObject({ status: "wishlist", metadata_source: "kindle" });
    const shape = async (bookId: string) => {
      const book = await services.db
        .selectFrom("books")
        .selectAll()
        .where("id", "=", bookId)
        .executeTakeFirstOrThrow();
      const readings = await services.db
        .selectFrom("readings")
        .select(["id", "status", "finished_on"])
        .where("book_id", "=", bookId)
        .execute();
      const changes = await services.db
        .selectFrom("status_changes")
        .select(["from_status", "to_status", "local_date"])
        .where("reading_id", "=", readings[0]!.id)
        .execute();
      const events = await services.db
        .selectFrom("events")
        .select("name")
        .where("aggregate_id", "=", bookId)
        .orderBy("id")
        .execute();
      return {
        current: book.current_reading_id === readings[0]!.id,
        status: book.status,
        readings: readings.map(({ id: _id, ...r }) => r),
        changes,
        events: events.map((e) => e.name),
      };
    };
    expect(await shape(bulk!.id)).toEqual(await shape(one.id));
    expect((await shape(second!.id)).events).toEqual(["book.created", "book.shelved"]);
    const got = await alice.request({ method: "GET", url: `/api/books/${bulk!.id}` });
    expect(got.json()).toMatchObject({ title: "In bulk", status: "finished" });
    await expect(
      services.books.createMany(actor, [
        { input: { title: "ok" }, reading },
        { input: { title: " " }, reading },
      ]),
    ).rejects.toThrow(/title/i);
  });

  it("deletes a book with its history", async () => {
    const b = await addBook(alice, { status: "reading" });
    await move(alice, b.id, "finished");
    const del = await alice.request({ method: "DELETE", url: `/api/books/${b.id}` });
    expect(del.statusCode).toBe(204);
    expect((await alice.request({ method: "GET", url: `/api/books/${b.id}` })).statusCode).toBe(404);
    const db = t.services.db;
    expect(await db.selectFrom("readings").select("id").where("book_id", "=", b.id).execute()).toEqual([]);
    expect(
      await db.selectFrom("progress_entries").select("id").where("book_id", "=", b.id).execute(),
    ).toEqual([]);
  });
});

describe.each(ENGINES)("book metadata lookup (%s)", (engine) => {
  let t: TestApp;
  let c: Client;
  const ol = new FakeOpenLibrary();

  beforeAll(async () => {
    await ol.start();
    ol.books.push({
      title: "The Left Hand of Darkness",
      authors: ["Ursula K. Le Guin"],
      isbn10: "0441478123",
      isbn13: "9780441478125",
      pages: 304,
      coverId: 12345,
    });
    ({ t, admin: c } = await appWithAdmin(engine, { openLibraryUrl: ol.url, openLibraryTimeoutMs: 300 }));
  });
  afterAll(async () => {
    await t.close();
    await ol.stop();
  });

  it("fills missing fields by ISBN, keeping what the client sent", async () => {
    ol.mode = "ok";
    const r = await c.request({
      method: "POST",
      url: "/api/books",
      payload: { isbn: "0441478123", totalPages: 310, lookup: true },
    });
    expect(r.statusCode, r.body).toBe(201);
    expect(r.json()).toMatchObject({
      title: "The Left Hand of Darkness",
      authors: ["Ursula K. Le Guin"],
      isbn13: "9780441478125",
      totalPages: 310,
      coverUrl: "https://covers.openlibrary.org/b/id/12345-L.jpg",
      metadataSource: "openlibrary",
      lookup: "found",
    });
    expect(ol.requests.at(-1)).toContain("bibkeys=ISBN%3A9780441478125");
  });

  it("finds by title", async () => {
    ol.mode = "ok";
    const r = await c.request({
      method: "POST",
      url: "/api/books",
      payload: { title: "left hand", lookup: true },
    });
    expect(r.json()).toMatchObject({
      title: "left hand",
      isbn13: "9780441478125",
      totalPages: 304,
      lookup: "found",
    });
  });

  it("creates the book anyway when nothing is found, the service fails or is too slow", async () => {
    ol.mode = "ok";
    const missing = await c.request({
      method: "POST",
      url: "/api/books",
      payload: { title: "Nope", lookup: true },
    });
    expect(missing.json()).toMatchObject({ title: "Nope", lookup: "not-found", metadataSource: null });
    ol.mode = "error";
    const failed = await c.request({
      method: "POST",
      url: "/api/books",
      payload: { title: "Nope", lookup: true },
    });
    expect(failed.statusCode).toBe(201);
    expect(failed.json().lookup).toBe("failed");
    // The fake answers a found book after 2 s; "failed" shows the lookup gave up at its timeout instead.
    ol.mode = { delayMs: 2000 };
    const slow = await c.request({
      method: "POST",
      url: "/api/books",
      payload: { title: "Slow", lookup: true },
    });
    expect(slow.statusCode).toBe(201);
    expect(slow.json().lookup).toBe("failed");
  });

  it("needs a title when the lookup finds none", async () => {
    ol.mode = "error";
    const r = await c.request({
      method: "POST",
      url: "/api/books",
      payload: { isbn: "0441478123", lookup: true },
    });
    expect(r.statusCode).toBe(400);
    expect(r.json().errors[0].field).toBe("/body/title");
  });

  it("makes no request unless asked", async () => {
    const before = ol.requests.length;
    await addBook(c, { title: "Offline" });
    expect(ol.requests.length).toBe(before);
  });
});
