import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appWithAdmin, type Client, newUser, type TestApp } from "../../../test/support/app.js";
import { addBook, move, progress } from "../../../test/support/books.js";
import { ENGINES } from "../../../test/support/engines.js";

describe.each(ENGINES)("shelves and read-throughs (%s)", (engine) => {
  let t: TestApp;
  let admin: Client;
  let alice: Client;
  let bob: Client;

  beforeAll(async () => {
    ({ t, admin } = await appWithAdmin(engine));
    alice = await newUser(t, { admin, timezone: "Europe/Paris" });
    bob = await newUser(t, { admin });
  });
  afterAll(() => t.close());

  it("records every move with its local day and keeps old read-throughs", async () => {
    t.clock.set("2026-03-01T10:00:00Z");
    const b = await addBook(alice);
    t.clock.advance(1000);
    expect((await move(alice, b.id, "reading", "2026-02-20")).json()).toMatchObject({
      book: { status: "reading" },
      reading: { status: "reading", startedOn: "2026-02-20", finishedOn: null },
    });
    // Moves are ordered by their instant; the fake clock only moves when told.
    t.clock.advance(1000);
    expect((await move(alice, b.id, "paused")).statusCode).toBe(200);
    t.clock.advance(1000);
    expect((await move(alice, b.id, "reading")).json().reading.startedOn).toBe("2026-02-20");
    t.clock.advance(1000);
    const fin = await move(alice, b.id, "finished", "2026-02-28");
    expect(fin.json().reading).toMatchObject({ status: "finished", finishedOn: "2026-02-28" });
    const firstId = fin.json().reading.id;

    t.clock.set("2026-03-05T23:30:00Z"); // 00:30 on 6 March in Paris
    const again = await move(alice, b.id, "reading");
    expect(again.statusCode).toBe(200);
    expect(again.json().reading.id).not.toBe(firstId);
    expect(again.json().reading).toMatchObject({ status: "reading", startedOn: "2026-03-06" });
    expect(again.json().book.currentReadingId).toBe(again.json().reading.id);

    const list = await alice.request({ method: "GET", url: `/api/books/${b.id}/readings` });
    expect(list.statusCode).toBe(200);
    const items = list.json().items;
    expect(items).toHaveLength(2);
    expect(items[0]).toMatchObject({ id: firstId, status: "finished", current: false });
    expect(
      items[0].changes.map((c: { from: string; to: string; date: string }) => [c.from, c.to, c.date]),
    ).toEqual([
      [null, "wishlist", "2026-03-01"],
      ["wishlist", "reading", "2026-02-20"],
      ["reading", "paused", "2026-03-01"],
      ["paused", "reading", "2026-03-01"],
      ["reading", "finished", "2026-02-28"],
    ]);
    expect(items[1]).toMatchObject({ status: "reading", current: true });
    expect(items[1].changes).toEqual([
      expect.objectContaining({ from: "finished", to: "reading", date: "2026-03-06" }),
    ]);
  });

  it.each([
    ["wishlist", "finished"],
    ["wishlist", "paused"],
    ["wishlist", "wishlist"],
    ["reading", "wishlist"],
    ["reading", "reading"],
    ["finished", "abandoned"],
    ["abandoned", "finished"],
  ])("refuses %s → %s with a 409 naming both", async (from, to) => {
    t.clock.set("2026-03-01T10:00:00Z");
    const b = await addBook(alice, { status: from });
    const r = await move(alice, b.id, to);
    expect(r.statusCode).toBe(409);
    expect(r.headers["content-type"]).toContain("application/problem+json");
    expect(r.json().detail).toContain(`from ${from} to ${to}`);
  });

  it("allows every listed move", async () => {
    t.clock.set("2026-03-01T10:00:00Z");
    for (const path of [
      ["wishlist", "abandoned", "reading", "finished"],
      ["reading", "abandoned"],
      ["paused", "finished"],
      ["paused", "abandoned"],
    ]) {
      const b = await addBook(alice, { status: path[0] });
      for (const to of path.slice(1))
        expect((await move(alice, b.id, to)).statusCode, `${path} ${to}`).toBe(200);
    }
  });

  it("refuses future dates in the reader's zone, bad dates and finishing before the start", async () => {
    t.clock.set("2026-03-01T22:30:00Z"); // 23:30 in Paris: 2 March is still the future
    const b = await addBook(alice, { status: "reading" });
    const future = await move(alice, b.id, "finished", "2026-03-02");
    expect(future.statusCode).toBe(400);
    expect(future.json().errors[0]).toMatchObject({ field: "/body/date", rule: "not-future" });
    const bad = await move(alice, b.id, "finished", "2026-02-30");
    expect(bad.json().errors[0]).toMatchObject({ field: "/body/date", rule: "format" });
    const early = await move(alice, b.id, "finished", "2026-02-01");
    expect(early.statusCode).toBe(400);
    expect(early.json().errors[0].field).toBe("/body/date");
  });

  it("answers 404 for another user's book or an unknown one", async () => {
    const b = await addBook(alice);
    for (const id of [b.id, "00000000-0000-7000-8000-000000000000"]) {
      expect((await move(bob, id, "reading")).statusCode).toBe(404);
      expect((await bob.request({ method: "GET", url: `/api/books/${id}/readings` })).statusCode).toBe(404);
    }
    expect((await alice.request({ method: "GET", url: `/api/books/${b.id}` })).json().status).toBe(
      "wishlist",
    );
  });

  it("progress goes to the new read-through after a re-read", async () => {
    t.clock.set("2026-03-10T10:00:00Z");
    const b = await addBook(alice, { status: "reading" });
    expect((await progress(alice, b.id, { page: 400 })).statusCode).toBe(201);
    await move(alice, b.id, "finished");
    expect((await progress(alice, b.id, { page: 412 })).statusCode).toBe(409);
    const again = (await move(alice, b.id, "reading")).json();
    const r = await progress(alice, b.id, { page: 10 });
    expect(r.statusCode, r.body).toBe(201);
    expect(r.json().entry).toMatchObject({ readingId: again.reading.id, pagesDelta: 10 });
  });
});
