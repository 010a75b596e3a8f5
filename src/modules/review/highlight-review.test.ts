import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appWithAdmin, type Client, newUser, type TestApp } from "../../../test/support/app.js";
import { addBook, move } from "../../../test/support/books.js";
import { ENGINES } from "../../../test/support/engines.js";

interface Card {
  id: string;
  kind: string;
  bookId: string;
  subjectId: string;
  prompt: string;
  tune: number;
  shows: number;
  weight: number;
  retiredAt: string | null;
  lastShownOn: string | null;
}
interface Pick {
  card: Card;
  highlightIds: string[];
  answer: string | null;
}

describe.each(ENGINES)("highlights in the daily review (%s)", (engine) => {
  let t: TestApp;
  let admin: Client;

  beforeAll(async () => {
    ({ t, admin } = await appWithAdmin(engine));
  });
  afterAll(() => t.close());

  const post = (c: Client, url: string, payload: object) => c.request({ method: "POST", url, payload });
  const put = (c: Client, url: string, payload: object) => c.request({ method: "PUT", url, payload });
  async function highlight(c: Client, bookId: string, text: string) {
    const r = await post(c, "/api/highlights", { text, bookId, location: { page: { start: "3" } } });
    expect(r.statusCode, r.body).toBe(201);
    return r.json() as { id: string };
  }
  const cardsOf = (c: Client, kind?: string) => {
    let q = t.services.db.selectFrom("review_cards").selectAll().where("owner_id", "=", c.userId);
    if (kind) q = q.where("kind", "=", kind as "highlight");
    return q.orderBy("id").execute();
  };
  const picks = async (c: Client) => {
    const r = await c.request({ method: "GET", url: "/api/reviews/highlights" });
    expect(r.statusCode, r.body).toBe(200);
    return r.json().items as Pick[];
  };
  const card = async (c: Client, id: string) =>
    (await c.request({ method: "GET", url: `/api/reviews/${id}` })).json() as Card;
  const answer = (c: Client, id: string, a: string) => post(c, `/api/reviews/${id}/answer`, { answer: a });

  it("every highlight gets a card; the day's draw is the same all day and each showing lowers its weight", async () => {
    t.clock.set(new Date("2026-05-01T08:00:00Z"));
    const c = await newUser(t, { admin, timezone: "UTC" });
    const dune = await addBook(c, { title: "Dune" });
    const emma = await addBook(c, { title: "Emma" });
    for (let i = 0; i < 6; i++) await highlight(c, dune.id, `Dune quote ${i}`);
    for (let i = 0; i < 2; i++) await highlight(c, emma.id, `Emma quote ${i}`);
    await t.settle();
    expect(await cardsOf(c, "highlight")).toHaveLength(8);

    const first = await picks(c);
    expect(first).toHaveLength(5);
    expect(new Set(first.map((p) => p.card.id)).size).toBe(5);
    for (const p of first) {
      expect(p.card).toMatchObject({ kind: "highlight", shows: 1, weight: 0.5, lastShownOn: "2026-05-01" });
      expect(p.highlightIds).toEqual([p.card.subjectId]);
      expect(p.card.prompt).toMatch(/^“(Dune|Emma) quote \d” — (Dune|Emma) \(p\. 3\)$/);
    }
    // Asked again the same day: the same cards, not shown once more.
    expect((await picks(c)).map((p) => [p.card.id, p.card.shows])).toEqual(first.map((p) => [p.card.id, 1]));
    const due = (await c.request({ method: "GET", url: "/api/reviews/due" })).json();
    expect(due.highlights.map((p: Pick) => p.card.id)).toEqual(first.map((p) => p.card.id));

    // The next day, the three never shown weigh 1 against 0.5: each is drawn again only while few are left.
    t.clock.set(new Date("2026-05-02T08:00:00Z"));
    const second = await picks(c);
    expect(second).toHaveLength(5);
    const all = await cardsOf(c, "highlight");
    expect(all.reduce((n, x) => n + x.shows, 0)).toBe(10);
    const twice = all.filter((x) => x.shows === 2);
    for (const x of twice) expect((await card(c, x.id)).weight).toBeCloseTo(1 / 3);
  });

  it("master, soon and later tune a card; a second answer replaces the first; undo takes it back", async () => {
    t.clock.set(new Date("2026-06-01T08:00:00Z"));
    const c = await newUser(t, { admin, timezone: "UTC" });
    const book = await addBook(c, { title: "Kindred" });
    for (let i = 0; i < 3; i++) await highlight(c, book.id, `Kindred ${i}`);
    await t.settle();
    const [a, b, d] = (await picks(c)).map((p) => p.card);
    expect(a && b && d).toBeTruthy();

    const soon = await answer(c, a!.id, "soon");
    expect(soon.statusCode, soon.body).toBe(200);
    expect(soon.json()).toMatchObject({ answer: "soon", replaced: null, card: { tune: 2, weight: 1 } });
    // Changing one's mind the same day: from the card as it was before the first answer.
    const later = (await answer(c, a!.id, "later")).json();
    expect(later).toMatchObject({ answer: "later", replaced: "soon", card: { tune: 0.5, weight: 0.25 } });
    expect((await picks(c)).find((p) => p.card.id === a!.id)?.answer).toBe("later");

    const master = (await answer(c, b!.id, "master")).json();
    expect(master.card.retiredAt).not.toBeNull();
    const undone = await c.request({ method: "DELETE", url: `/api/reviews/${b!.id}/answer` });
    expect(undone.statusCode, undone.body).toBe(200);
    expect(undone.json()).toMatchObject({ retiredAt: null, tune: 1 });
    expect((await c.request({ method: "DELETE", url: `/api/reviews/${b!.id}/answer` })).statusCode).toBe(409);

    // Mastered: never drawn again.
    expect((await answer(c, b!.id, "master")).statusCode).toBe(200);
    for (const day of ["2026-06-02", "2026-06-03", "2026-06-04"]) {
      t.clock.set(new Date(`${day}T08:00:00Z`));
      const ids = (await picks(c)).map((p) => p.card.id);
      expect(ids).not.toContain(b!.id);
      expect(ids.sort()).toEqual([a!.id, d!.id].sort());
    }
    // Mastered on an earlier day: answering it again is a conflict.
    expect((await answer(c, b!.id, "soon")).statusCode).toBe(409);
  });

  it("bad input is answered 400 naming the field", async () => {
    t.clock.set(new Date("2026-06-10T08:00:00Z"));
    const c = await newUser(t, { admin, timezone: "UTC" });
    const book = await addBook(c, { title: "Beloved", status: "reading" });
    await highlight(c, book.id, "Something");
    await t.settle();
    const [h] = await cardsOf(c, "highlight");
    const bad = await answer(c, h!.id, "sometimes");
    expect(bad.statusCode).toBe(400);
    expect(bad.headers["content-type"]).toMatch(/application\/problem\+json/);
    expect(bad.json().errors.map((e: { field: string }) => e.field)).toContain("/body/answer");
    const settings = await put(c, "/api/reviews/settings", { highlightCards: "sometimes" });
    expect(settings.statusCode).toBe(400);
    expect(settings.json().errors.map((e: { field: string }) => e.field)).toContain("/body/highlightCards");
    const many = await put(c, "/api/reviews/settings", { dailyHighlights: 51 });
    expect(many.json().errors.map((e: { field: string }) => e.field)).toContain("/body/dailyHighlights");
    const perBook = await put(c, `/api/books/${book.id}/review-settings`, { highlightCards: 3 });
    expect(perBook.statusCode).toBe(400);
    expect(perBook.json().errors.map((e: { field: string }) => e.field)).toContain("/body/highlightCards");
    // A book card takes grades, not master/soon/later.
    expect((await move(c, book.id, "finished")).statusCode).toBe(200);
    await t.settle();
    const [bookCard] = await cardsOf(c, "book");
    const wrong = await answer(c, bookCard!.id, "soon");
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().errors[0]).toMatchObject({ field: "/body/answer", rule: "highlight-card" });
    // And a highlight card is not graded.
    expect((await post(c, `/api/reviews/${h!.id}/grade`, { grade: 3 })).statusCode).toBe(409);
    const other = await newUser(t, { admin });
    expect((await answer(other, h!.id, "soon")).statusCode).toBe(404);
    expect(
      (await other.request({ method: "GET", url: `/api/books/${book.id}/review-settings` })).statusCode,
    ).toBe(404);
  });

  it("per user and per book: one card for the book showing a few highlights, or none", async () => {
    t.clock.set(new Date("2026-07-01T08:00:00Z"));
    const c = await newUser(t, { admin, timezone: "UTC" });
    const dune = await addBook(c, { title: "Dune" });
    const emma = await addBook(c, { title: "Emma" });
    for (let i = 0; i < 5; i++) await highlight(c, dune.id, `Dune ${i}`);
    for (let i = 0; i < 2; i++) await highlight(c, emma.id, `Emma ${i}`);
    await t.settle();

    const set = await put(c, `/api/books/${dune.id}/review-settings`, { highlightCards: "book" });
    expect(set.statusCode, set.body).toBe(200);
    expect(set.json()).toEqual({ bookId: dune.id, highlightCards: "book", effective: "book" });
    const [one] = await cardsOf(c, "highlights");
    expect(one).toMatchObject({ book_id: dune.id, subject_id: dune.id });
    const today = await picks(c);
    // Dune's one card and Emma's two highlights.
    expect(today.map((p) => p.card.kind).sort()).toEqual(["highlight", "highlight", "highlights"]);
    const duneCard = today.find((p) => p.card.kind === "highlights")!;
    expect(duneCard.highlightIds).toHaveLength(3);
    expect(duneCard.card.prompt.split("\n")).toEqual([
      "Highlights from Dune:",
      "• “Dune 0” (p. 3)",
      "• “Dune 1” (p. 3)",
      "• “Dune 2” (p. 3)",
    ]);
    // The next showing shows the next few.
    t.clock.set(new Date("2026-07-02T08:00:00Z"));
    const next = (await picks(c)).find((p) => p.card.kind === "highlights")!;
    expect(next.card.prompt).toContain("“Dune 3”");
    expect(next.card.prompt).toContain("“Dune 0”");

    // Off for Emma: none of hers is drawn; the user's own choice off: nothing at all.
    await put(c, `/api/books/${emma.id}/review-settings`, { highlightCards: "off" });
    t.clock.set(new Date("2026-07-03T08:00:00Z"));
    expect((await picks(c)).map((p) => p.card.kind)).toEqual(["highlights"]);
    const off = await put(c, "/api/reviews/settings", { highlightCards: "off" });
    expect(off.json()).toMatchObject({ highlightCards: "off", desiredRetention: 0.9, dailyHighlights: 5 });
    // Dune's own choice still holds; removing it follows the user's (off).
    await put(c, `/api/books/${dune.id}/review-settings`, { highlightCards: null });
    expect((await c.request({ method: "GET", url: `/api/books/${dune.id}/review-settings` })).json()).toEqual(
      { bookId: dune.id, highlightCards: null, effective: "off" },
    );
    t.clock.set(new Date("2026-07-04T08:00:00Z"));
    expect(await picks(c)).toEqual([]);
    // Back to one card each: Dune's highlights get theirs, new highlights too.
    await put(c, "/api/reviews/settings", { highlightCards: "highlight", dailyHighlights: 10 });
    await highlight(c, dune.id, "Dune 5");
    await t.settle();
    expect((await cardsOf(c, "highlight")).filter((x) => x.book_id === dune.id)).toHaveLength(6);
    t.clock.set(new Date("2026-07-05T08:00:00Z"));
    expect((await picks(c)).map((p) => p.card.bookId).filter((b) => b === dune.id)).toHaveLength(6);
  });

  it("a deleted highlight loses its card; a book card's counts are those of now", async () => {
    t.clock.set(new Date("2026-08-01T08:00:00Z"));
    const c = await newUser(t, { admin, timezone: "UTC" });
    const book = await addBook(c, { title: "Middlemarch", status: "reading" });
    expect((await move(c, book.id, "finished")).statusCode).toBe(200);
    await t.settle();
    const [bookCard] = await cardsOf(c, "book");
    expect((await card(c, bookCard!.id)).prompt).toBe(
      "What do you remember of Middlemarch? (0 notes, 0 highlights)",
    );
    const h = await highlight(c, book.id, "A quote");
    await post(c, "/api/notes", { body: "A note", bookId: book.id });
    await t.settle();
    expect((await card(c, bookCard!.id)).prompt).toBe(
      "What do you remember of Middlemarch? (1 note, 1 highlight)",
    );
    t.clock.set(new Date("2026-08-02T09:00:00Z"));
    const due = (await c.request({ method: "GET", url: "/api/reviews/due" })).json();
    expect(due.items.map((x: Card) => x.prompt)).toEqual([
      "What do you remember of Middlemarch? (1 note, 1 highlight)",
    ]);
    expect(await cardsOf(c, "highlight")).toHaveLength(1);
    await c.request({ method: "DELETE", url: `/api/highlights/${h.id}` });
    await t.settle();
    expect(await cardsOf(c, "highlight")).toHaveLength(0);
    expect((await card(c, bookCard!.id)).prompt).toBe(
      "What do you remember of Middlemarch? (1 note, 0 highlights)",
    );
  });

  it("imported Kindle highlights follow the setting; bookmarks get no cards", async () => {
    t.clock.set(new Date("2026-09-01T08:00:00Z"));
    const c = await newUser(t, { admin, timezone: "UTC" });
    const entry = (kind: string, loc: string, text: string) =>
      `Dune (Frank Herbert)\r\n- Your ${kind} on Location ${loc} | Added on Monday, March 2, 2026 10:00:00 AM\r\n\r\n${text}\r\n==========\r\n`;
    const file =
      entry("Highlight", "10-12", "Fear is the mind-killer.") +
      entry("Bookmark", "40", "") +
      entry("Highlight", "50-52", "The spice must flow.") +
      entry("Bookmark", "60", "");
    const r = await c.request({
      method: "POST",
      url: "/api/imports/kindle",
      headers: { "content-type": "text/plain; charset=utf-8" },
      payload: file,
    });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toMatchObject({ created: 2 });
    await t.settle();
    // The import puts Dune on the finished shelf (its book card), and the two highlights get theirs.
    const cards = (await cardsOf(c)).filter((x) => x.kind !== "book");
    expect(cards.map((x) => x.kind)).toEqual(["highlight", "highlight"]);
    const highlights = (await c.request({ method: "GET", url: "/api/highlights" })).json().items;
    expect(cards.map((x) => x.subject_id).sort()).toEqual(highlights.map((h: { id: string }) => h.id).sort());

    // Per book for this user: the next import's book gets one card.
    await put(c, "/api/reviews/settings", { highlightCards: "book" });
    const other = await c.request({
      method: "POST",
      url: "/api/imports/kindle",
      headers: { "content-type": "text/plain; charset=utf-8" },
      payload: entry("Highlight", "5-6", "Call me Ishmael.").replace(
        "Dune (Frank Herbert)",
        "Moby Dick (Herman Melville)",
      ),
    });
    expect(other.statusCode, other.body).toBe(200);
    await t.settle();
    const after = await cardsOf(c);
    expect(after.filter((x) => x.kind === "highlight")).toHaveLength(2);
    expect(after.filter((x) => x.kind === "highlights")).toHaveLength(2); // Dune's (mode changed) and Moby Dick's
  });

  it("answers by text: master, soon, later after the digest's cards, and undo", async () => {
    t.clock.set(new Date("2026-10-01T08:00:00Z"));
    const c = await newUser(t, { admin, timezone: "UTC" });
    const book = await addBook(c, { title: "Persuasion", status: "reading" });
    for (let i = 0; i < 2; i++) await highlight(c, book.id, `Persuasion ${i}`);
    expect((await move(c, book.id, "finished")).statusCode).toBe(200);
    await t.settle();
    t.clock.set(new Date("2026-10-02T08:00:00Z"));
    const say = async (text: string) => {
      const r = await post(c, "/api/text", { text });
      expect(r.statusCode, r.body).toBe(200);
      return r.json().reply as string;
    };
    // The book card first, then a highlight.
    expect(await say("review")).toMatch(
      /^\(3 due\) What do you remember of Persuasion\? \(0 notes, 2 highlights\)/,
    );
    expect(await say("soon")).toMatch(/^That was a book card: Reply 1 again/);
    const h1 = await say("3");
    expect(h1).toMatch(
      /^Good — next review .*\(2 due\) “Persuasion \d” — Persuasion \(p\. 3\)\nReply master/,
    );
    expect(await say("2")).toMatch(/^That was a highlight: Reply master/);
    const shown = (await picks(c)).map((p) => p.card);
    const first = shown.find((x) => h1.includes(x.prompt))!;
    expect(await say("soon")).toMatch(/^It will come back sooner\. “Persuasion \d”/);
    expect((await card(c, first.id)).tune).toBe(2);
    expect(await say("undo")).toMatch(/^Undone/);
    expect((await card(c, first.id)).tune).toBe(1);
    expect((await picks(c)).find((p) => p.card.id === first.id)?.answer).toBeNull();
    // Undo was a command of its own: the session ended, `review` goes on with both highlights open.
    const again = await say("review");
    const now = shown.find((x) => again.includes(x.prompt))!;
    const last = shown.find((x) => x.id !== now.id)!;
    expect(await say("later")).toMatch(/^It will come back less often\. “Persuasion \d”/);
    expect((await card(c, now.id)).tune).toBe(0.5);
    expect(await say("master")).toBe("Mastered: it will not come back. That was the last card due today.");
    expect((await card(c, last.id)).retiredAt).not.toBeNull();
    expect(await say("review")).toBe("Nothing to review today.");
    const answers = await t.services.db
      .selectFrom("review_answers")
      .select(["answer", "source"])
      .where("owner_id", "=", c.userId)
      .orderBy("answer")
      .execute();
    expect(answers).toEqual([
      { answer: "later", source: "api" },
      { answer: "master", source: "api" },
    ]);
  });

  it("the export carries highlight cards, settings, draws and answers; a restore keeps them on the restored highlights", async () => {
    t.clock.set(new Date("2026-11-01T08:00:00Z"));
    const c = await newUser(t, { admin, timezone: "UTC" });
    const dune = await addBook(c, { title: "Dune" });
    const emma = await addBook(c, { title: "Emma" });
    for (let i = 0; i < 2; i++) await highlight(c, dune.id, `Dune ${i}`);
    await highlight(c, emma.id, "Emma 0");
    await t.settle();
    await put(c, `/api/books/${emma.id}/review-settings`, { highlightCards: "book" });
    await put(c, "/api/reviews/settings", { dailyHighlights: 7 });
    const drawn = await picks(c);
    expect(drawn).toHaveLength(3);
    const dunePick = drawn.find((p) => p.card.kind === "highlight")!;
    expect((await answer(c, dunePick.card.id, "soon")).statusCode).toBe(200);
    const doc = (await c.request({ method: "GET", url: "/api/export" })).json();
    expect(doc.reviewSettings[0]).toMatchObject({ highlightCards: "highlight", dailyHighlights: 7 });
    expect(doc.reviewBookSettings).toEqual([
      expect.objectContaining({ bookId: emma.id, highlightCards: "book" }),
    ]);
    expect(doc.reviewShowings).toHaveLength(3);
    expect(doc.reviewAnswers).toEqual([
      expect.objectContaining({ cardId: dunePick.card.id, answer: "soon", tuneBefore: 1 }),
    ]);

    // Restored next to the original (ids taken: all remapped), the cards name the restored highlights.
    const d = await newUser(t, { admin, timezone: "UTC" });
    const r = await d.request({ method: "POST", url: "/api/import", payload: doc });
    expect(r.statusCode, r.body).toBe(201);
    expect(r.json().idsKept).toBe(false);
    const restored = await cardsOf(d, "highlight");
    const mine = (await d.request({ method: "GET", url: "/api/highlights" })).json().items as {
      id: string;
    }[];
    // Emma's card from before her book went to one card is kept (not drawn), with the two of Dune.
    expect(restored).toHaveLength(3);
    expect(restored.map((x) => x.subject_id).sort()).toEqual(mine.map((h) => h.id).sort());
    expect(restored.map((x) => x.tune).sort()).toEqual([1, 1, 2]);
    // Today's draw is the restored one, with its answer.
    const again = await picks(d);
    expect(again.map((p) => p.answer).filter(Boolean)).toEqual(["soon"]);
    expect(again.map((p) => p.card.kind).sort()).toEqual(["highlight", "highlight", "highlights"]);
  });
});
