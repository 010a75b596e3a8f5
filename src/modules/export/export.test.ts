import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GOODREADS_HEADER, generateGoodreadsCsv } from "../../../bench/support/goodreads-csv.js";
import { appWithAdmin, type Client, newUser, startTestApp, type TestApp } from "../../../test/support/app.js";
import { addBook, move, progress } from "../../../test/support/books.js";
import { ENGINES } from "../../../test/support/engines.js";
import { actorOf } from "../../platform/access/actor.js";

type Doc = Record<string, unknown> & { user: Record<string, unknown> };

/** The parts of an export that are not the account's content: when and for whom it was made. */
function content(doc: Doc): Doc {
  const { exportedAt: _a, user, ...rest } = doc;
  const { id: _i, email: _e, createdAt: _c, ...profile } = user;
  return { ...rest, user: profile };
}

/** Replaces every id by its order of first appearance, so two exports with remapped ids compare equal. */
function canonicalIds(doc: unknown): unknown {
  const ids = new Map<string, string>();
  const re = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
  return JSON.parse(JSON.stringify(doc), (_k, v) => {
    if (typeof v !== "string" || !re.test(v)) return v;
    if (!ids.has(v)) ids.set(v, `id#${ids.size}`);
    return ids.get(v);
  });
}

describe.each(ENGINES)("full export and restore (%s)", (engine) => {
  let t: TestApp;
  let admin: Client;
  let alice: Client;
  let original: Doc;

  const exportOf = async (c: Client) => {
    const r = await c.request({ method: "GET", url: "/api/export" });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.headers["content-type"]).toContain("application/json");
    return r.json() as Doc;
  };
  const restore = (c: Client, doc: object) => c.request({ method: "POST", url: "/api/import", payload: doc });
  const ok = async <R extends { statusCode: number; body: string }>(p: Promise<R>): Promise<R> => {
    const r = await p;
    expect(r.statusCode, r.body).toBeLessThan(300);
    return r;
  };

  beforeAll(async () => {
    ({ t, admin } = await appWithAdmin(engine));
    t.clock.set(new Date("2026-03-15T10:00:00Z"));
    alice = await newUser(t, { admin });
    await ok(
      alice.request({
        method: "PATCH",
        url: "/api/me",
        payload: { timezone: "Asia/Tokyo", name: "Alice Reader" },
      }),
    );
    // A book read, corrected, backfilled, finished, then re-read.
    const dune = await addBook(alice, {
      title: "Dune",
      isbn: "9780441172719",
      coverUrl: "https://example.com/dune.jpg",
    });
    await ok(move(alice, dune.id, "reading", "2026-02-28"));
    await ok(progress(alice, dune.id, { page: 40, date: "2026-03-01" }));
    await ok(progress(alice, dune.id, { page: 120, date: "2026-03-02", note: "Spice!" }));
    await ok(progress(alice, dune.id, { page: 100, correction: true }));
    await ok(progress(alice, dune.id, { percent: 55 }));
    await ok(progress(alice, dune.id, { page: 412 }));
    await ok(move(alice, dune.id, "finished", "2026-03-10"));
    await ok(move(alice, dune.id, "reading", "2026-03-12"));
    await ok(progress(alice, dune.id, { page: 30, source: "telegram" }));
    // Other shelves.
    const emma = await addBook(alice, { title: "Emma", authors: ["Jane Austen"], totalPages: 474 });
    await ok(move(alice, emma.id, "abandoned"));
    await addBook(alice, { title: "Kindred", authors: ["Octavia E. Butler"], totalPages: undefined });
    const paused = await addBook(alice, { title: "Middlemarch", status: "reading", totalPages: 880 });
    await ok(progress(alice, paused.id, { page: 80 }));
    await ok(move(alice, paused.id, "paused"));
    // Goals, and an imported library (import keys, several read-throughs, reviews with line breaks).
    await ok(alice.request({ method: "PUT", url: "/api/goals/2026", payload: { books: 24, pages: 8000 } }));
    await ok(alice.request({ method: "PUT", url: "/api/goals/2025", payload: { books: 12 } }));
    await ok(
      alice.request({
        method: "POST",
        url: "/api/imports/goodreads",
        headers: { "content-type": "text/csv" },
        payload: generateGoodreadsCsv(40, 11),
      }),
    );
    // StoryGraph re-reads (several read-throughs, a StoryGraph id), and progress by text: a correction
    // confirmed with yes, then undone (an entry superseding another).
    const sg =
      "Title,Authors,Contributors,ISBN/UID,Format,Read Status,Date Added,Last Date Read,Dates Read,Read Count,Moods,Pace,Character- or Plot-Driven?,Strong Character Development?,Loveable Characters?,Diverse Characters?,Flawed Characters?,Star Rating,Review,Content Warnings,Content Warning Description,Tags,Owned?\n" +
      'Solaris,Stanisław Lem,,sg-8812,paperback,read,2020/01/01,2025/03/01,"2019/05/01-2019/06/01, 2025/02/01-2025/03/01",2,,,,,,,,4.5,Strange.,,,,No\n';
    await ok(
      alice.request({
        method: "POST",
        url: "/api/imports/storygraph",
        headers: { "content-type": "text/csv" },
        payload: sg,
      }),
    );
    for (const text of ["start The Cyberiad", "cyberiad 50", "cyberiad 40", "yes", "cyberiad 60", "undo"])
      await ok(alice.request({ method: "POST", url: "/api/text", payload: { text } }));
    // A link saved by text.
    await ok(
      alice.request({
        method: "POST",
        url: "/api/text",
        payload: { text: "save https://example.com/essay?id=1" },
      }),
    );
    // Spaced repetition: finishing Dune made a review card; grade it once, with a retention of one's own.
    t.clock.set(new Date("2026-03-17T10:00:00Z"));
    await ok(
      alice.request({ method: "PUT", url: "/api/reviews/settings", payload: { desiredRetention: 0.85 } }),
    );
    await t.settle(); // the card made when Dune was finished
    const [card] = (await alice.request({ method: "GET", url: "/api/reviews/due" })).json().items;
    await ok(
      alice.request({ method: "POST", url: `/api/reviews/${card.id}/grade`, payload: { grade: "good" } }),
    );
    // Notes (edited: two revisions, a wikilink to the book), a highlight re-made (history), tags.
    const post = async (url: string, payload: object, method = "POST") =>
      JSON.parse((await ok(alice.request({ method: method as "POST", url, payload }))).body);
    const note = await post("/api/notes", {
      title: "Arrakis",
      body: "About [[Dune]].",
      bookId: dune.id,
      tags: ["desert"],
    });
    await post(`/api/notes/${note.id}`, { body: "All about [[Dune]]." }, "PATCH");
    const h = await post("/api/highlights", {
      text: "Fear is",
      bookId: dune.id,
      location: { page: { start: "12" } },
      tags: ["fear"],
    });
    await post(`/api/highlights/${h.id}`, { text: "Fear is the mind-killer." }, "PATCH");
    // A club she owns (a friend's messages in it are theirs), and a friend's club she is a member of.
    const friend = await newUser(t, { admin });
    const club = await post("/api/clubs", {
      name: "Desert readers",
      description: "Dune, slowly",
      reading: { title: "Dune", totalPages: 412, startsOn: "2026-03-01", pagesPerWeek: 50 },
    });
    const link = await post(`/api/clubs/${club.id}/invites`, { link: { expiresInHours: 2 } });
    const asFriend = async (url: string, payload: object) =>
      JSON.parse((await ok(friend.request({ method: "POST", url, payload }))).body);
    await asFriend("/api/club-invites/accept", { token: link.token });
    const first = await post(`/api/clubs/${club.id}/messages`, { body: "Welcome!" });
    const theirs = await asFriend(`/api/clubs/${club.id}/messages`, { body: "Thanks" });
    await post(`/api/clubs/${club.id}/messages`, { body: "Chapter 1 by Sunday", replyToId: theirs.id });
    await post(`/api/clubs/${club.id}/messages`, { body: "(see above)", replyToId: first.id });
    const gone = await post(`/api/clubs/${club.id}/messages`, { body: "typo" });
    await ok(alice.request({ method: "DELETE", url: `/api/club-messages/${gone.id}` }));
    await post(`/api/club-messages/${first.id}`, { body: "Welcome, all!" }, "PATCH");
    await post(`/api/clubs/${club.id}/membership`, { shareProgress: true, bookId: dune.id }, "PATCH");
    const other = JSON.parse(
      (await ok(friend.request({ method: "POST", url: "/api/clubs", payload: { name: "Friend's" } }))).body,
    );
    const otherLink = JSON.parse(
      (
        await ok(
          friend.request({
            method: "POST",
            url: `/api/clubs/${other.id}/invites`,
            payload: { link: { expiresInHours: 2 } },
          }),
        )
      ).body,
    );
    await post("/api/club-invites/accept", { token: otherLink.token });
    await post(`/api/clubs/${other.id}/messages`, { body: "Hello from a member" });
    original = await exportOf(alice);
  });
  afterAll(() => t.close());

  it("exports every listed table, the profile without secrets, version 1", () => {
    expect(original).toMatchObject({ format: "readlog-export", version: 1 });
    for (const table of t.services.exporter.tables())
      expect(Array.isArray(original[table.key]), table.key).toBe(true);
    expect(original.user).toMatchObject({ name: "Alice Reader", timezone: "Asia/Tokyo", email: alice.email });
    const text = JSON.stringify(original);
    expect(text).not.toMatch(/password|argon2|token_hash|tokenHash/i);
    const entries = original.progressEntries as { supersedes: string | null }[];
    expect(entries.some((e) => e.supersedes !== null)).toBe(true);
    expect((original.readings as unknown[]).length).toBeGreaterThan(44);
    expect((original.importKeys as unknown[]).length).toBeGreaterThan(30);
    // Tests resolve no names: the link waits for its fetch (a restore fetches every link again).
    expect(original.links).toMatchObject([{ url: "https://example.com/essay?id=1", status: "pending" }]);
    expect(original.reviewSettings).toMatchObject([{ desiredRetention: 0.85 }]);
    expect(original.reviewCards).toMatchObject([{ kind: "book", reps: 1, dueOn: expect.any(String) }]);
    expect(original.reviewLogs).toMatchObject([{ grade: 3, localDate: "2026-03-17", source: "api" }]);
    expect(original.notes).toMatchObject([
      { title: "Arrakis", body: "All about [[Dune]].", tags: ["desert"], version: 2 },
    ]);
    expect((original.noteRevisions as unknown[]).length).toBe(2);
    expect(original.highlights).toMatchObject([
      {
        text: "Fear is the mind-killer.",
        history: [{ text: "Fear is" }],
        location: { page: { start: "12" } },
      },
    ]);
  });

  it("exports the clubs she owns, her membership there and the messages she wrote there only", () => {
    expect(original.clubs).toMatchObject([
      { name: "Desert readers", description: "Dune, slowly", bookTitle: "Dune", pagesPerWeek: 50 },
    ]);
    const dune = (original.books as { id: string; title: string }[]).find((b) => b.title === "Dune")!;
    expect(original.clubMemberships).toMatchObject([{ shareProgress: true, bookId: dune.id }]);
    const messages = original.clubMessages as { body: string; replyToId: string | null; editedAt: string }[];
    expect(messages.map((m) => m.body)).toEqual(["Welcome, all!", "Chapter 1 by Sunday", "(see above)"]);
    // A reply to the friend's message (not exported) is kept as a plain message; one to her own keeps its link.
    expect(messages.map((m) => m.replyToId !== null)).toEqual([false, false, true]);
    expect(messages[0]!.editedAt).toEqual(expect.any(String));
  });

  it("restores her clubs with her as their only member, the history and schedule as they were", async () => {
    const ivy = await newUser(t, { admin });
    expect((await restore(ivy, original)).statusCode).toBe(201);
    const get = async (url: string) => {
      const r = await ivy.request({ method: "GET", url });
      expect(r.statusCode, r.body).toBe(200);
      return r.json();
    };
    const { items } = await get("/api/clubs");
    expect(items).toMatchObject([{ name: "Desert readers", role: "owner", unread: 0 }]);
    const detail = await get(`/api/clubs/${items[0].id}`);
    expect(detail.members.map((m: { userId: string; role: string }) => [m.userId, m.role])).toEqual([
      [ivy.userId, "owner"],
    ]);
    expect(detail.me).toMatchObject({ shareProgress: true, bookId: expect.any(String) });
    expect(detail.reading).toMatchObject({ title: "Dune", totalPages: 412, pagesPerWeek: 50 });
    const history = await get(`/api/clubs/${items[0].id}/messages`);
    expect(history.items.map((m: { body: string; authorId: string }) => [m.body, m.authorId])).toEqual(
      expect.arrayContaining([["Welcome, all!", ivy.userId]]),
    );
    expect(history.items).toHaveLength(3);
    // The club works as any other: she posts, and the restored message ids order the history.
    const r = await ivy.request({
      method: "POST",
      url: `/api/clubs/${items[0].id}/messages`,
      payload: { body: "Back again" },
    });
    expect(r.statusCode, r.body).toBe(201);
  });

  it("restores notes with their wikilinks and revisions, searchable at once", async () => {
    const gina = await newUser(t, { admin });
    expect((await restore(gina, original)).statusCode).toBe(201);
    const [note] = (await gina.request({ method: "GET", url: "/api/notes" })).json().items;
    const detail = (await gina.request({ method: "GET", url: `/api/notes/${note.id}` })).json();
    expect(detail.links[0].resolved).toMatchObject({ kind: "book", title: "Dune" });
    const revs = (await gina.request({ method: "GET", url: `/api/notes/${note.id}/revisions` })).json();
    expect(revs.items.map((r: { version: number }) => r.version)).toEqual([2, 1]);
    const saved = await gina.request({
      method: "PATCH",
      url: `/api/notes/${note.id}`,
      payload: { body: "v3" },
    });
    expect(saved.json().version).toBe(3);
    const hits = (await gina.request({ method: "GET", url: "/api/search?q=mind-killer" })).json().hits;
    expect(hits.map((x: { kind: string }) => x.kind)).toEqual(["highlight"]);
    const books = (await gina.request({ method: "GET", url: "/api/search?q=dune&kind=book" })).json().hits;
    expect(books).toHaveLength(1);
    const bad = (original.noteRevisions as Record<string, unknown>[]).map((r) => ({ ...r, version: 1 }));
    const hank = await newUser(t, { admin });
    const refused = await restore(hank, { ...original, noteRevisions: bad });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().errors[0].rule).toBe("unique");
  });

  it("round-trips into a fresh user on the same server (ids taken: remapped, links kept)", async () => {
    const bob = await newUser(t, { admin });
    const r = await restore(bob, original);
    expect(r.statusCode, r.body).toBe(201);
    expect(r.json().idsKept).toBe(false);
    expect(r.json().counts.books).toBe((original.books as unknown[]).length);
    const again = await exportOf(bob);
    expect(canonicalIds(content(again))).toEqual(canonicalIds(content(original)));
    // Derived figures (daily pages, streaks, finished per year) come out the same.
    const stats = async (c: Client) => (await c.request({ method: "GET", url: "/api/stats" })).json();
    expect(canonicalIds(await stats(bob))).toEqual(canonicalIds(await stats(alice)));
    const day = async (c: Client) => (await c.request({ method: "GET", url: "/api/days/2026-03-02" })).json();
    expect(canonicalIds(await day(bob))).toEqual(canonicalIds(await day(alice)));
  });

  it("keeps the ids on a server where they are free: the second export equals the first", async () => {
    const other = await startTestApp(engine);
    try {
      const carol = await newUser(other);
      const r = await restore(carol, original);
      expect(r.statusCode, r.body).toBe(201);
      expect(r.json().idsKept).toBe(true);
      const r2 = await carol.request({ method: "GET", url: "/api/export" });
      expect(content(r2.json())).toEqual(content(original));
    } finally {
      await other.close();
    }
  });

  it("refuses an account that has data (409), another version or broken links (400), writing nothing", async () => {
    const dave = await newUser(t, { admin });
    await addBook(dave, { title: "Mine" });
    const busy = await restore(dave, original);
    expect(busy.statusCode).toBe(409);

    const erin = await newUser(t, { admin });
    const v2 = await restore(erin, { ...original, version: 2 });
    expect(v2.statusCode).toBe(400);
    expect(v2.json().detail).toContain("version 2");
    const wrong = await restore(erin, { ...original, format: "something-else" });
    expect(wrong.statusCode).toBe(400);
    const readings = (original.readings as Record<string, unknown>[]).map((x, i) =>
      i === 0 ? { ...x, bookId: "01900000-0000-7000-8000-000000000000" } : x,
    );
    const broken = await restore(erin, { ...original, readings });
    expect(broken.statusCode).toBe(400);
    expect(broken.json().errors[0].field).toBe("/body/readings/0/bookId");
    const empty = await exportOf(erin);
    for (const table of t.services.exporter.tables()) expect(empty[table.key], table.key).toEqual([]);
    // A valid restore still works after the refusals.
    expect((await restore(erin, original)).statusCode).toBe(201);
  });

  it("streams a large export in chunks", async () => {
    const frank = await newUser(t, { admin });
    const csv = generateGoodreadsCsv(1500, 5);
    expect(csv.startsWith(GOODREADS_HEADER)).toBe(true);
    await ok(
      frank.request({
        method: "POST",
        url: "/api/imports/goodreads",
        headers: { "content-type": "text/csv" },
        payload: csv,
      }),
    );
    const profile = (await t.services.users.byId(frank.userId))!;
    const stream = t.services.exporter.exportStream(actorOf(profile), profile);
    const chunks: Buffer[] = [];
    for await (const c of stream) chunks.push(Buffer.from(c));
    expect(chunks.length).toBeGreaterThan(10);
    const doc = JSON.parse(Buffer.concat(chunks).toString("utf8"));
    expect(doc.books.length).toBeGreaterThan(1400);
  });
});
