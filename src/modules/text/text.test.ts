import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeOpenLibrary } from "../../../test/fakes/openlibrary.js";
import { appWithAdmin, type Client, newUser, type TestApp } from "../../../test/support/app.js";
import { addBook, readingBook } from "../../../test/support/books.js";
import { ENGINES } from "../../../test/support/engines.js";
import { newId } from "../../platform/ids.js";

describe.each(ENGINES)("text commands through POST /api/text (%s)", (engine) => {
  let t: TestApp;
  let admin: Client;

  beforeAll(async () => {
    ({ t, admin } = await appWithAdmin(engine));
    t.clock.set("2026-11-25T12:00:00Z");
  });
  afterAll(() => t.close());

  const user = () => newUser(t, { admin });
  async function say(c: Client, text: string): Promise<{ reply: string; bookId?: string }> {
    const r = await c.request({ method: "POST", url: "/api/text", payload: { text } });
    expect(r.statusCode, r.body).toBe(200);
    return r.json();
  }
  async function entries(c: Client, bookId: string) {
    const r = await c.request({ method: "GET", url: `/api/books/${bookId}/progress?limit=100` });
    expect(r.statusCode, r.body).toBe(200);
    return (r.json().items as { page: number | null; date: string; source: string; note: string | null }[])
      .slice()
      .reverse();
  }
  const book = async (c: Client, id: string) =>
    (await c.request({ method: "GET", url: `/api/books/${id}` })).json();

  it("records pages in every documented form, with the short reply", async () => {
    const c = await user();
    const dune = await readingBook(c, { title: "Dune", totalPages: 412 });
    const first = await say(c, "dune 120");
    expect(first).toEqual({
      reply: "Dune: p.120 (+120 today, 29%). At this pace you finish on 30 Dec.",
      bookId: dune.id,
    });
    expect((await say(c, "142 dune")).reply).toMatch(/^Dune: p\.142 \(\+142 today, 34%\)\. At this pace/);
    expect((await say(c, "dune p150")).reply).toMatch(/^Dune: p\.150 /);
    expect((await say(c, "dune: p. 160")).reply).toMatch(/^Dune: p\.160 /);
    expect((await say(c, "+20 dune")).reply).toMatch(/^Dune: p\.180 \(\+180 today, 43%\)/);
    expect((await say(c, "dune 55%")).reply).toMatch(/^Dune: p\.227 \(\+227 today, 55%\)/);
    const list = await entries(c, dune.id);
    expect(list.map((e) => e.page)).toEqual([120, 142, 150, 160, 180, 227]);
    expect(new Set(list.map((e) => e.source))).toEqual(new Set(["api"]));
  });

  it("sets total pages with `dune 142/412` and backfills past days", async () => {
    const c = await user();
    const dune = await readingBook(c, { title: "Dune", totalPages: undefined });
    expect((await say(c, "2026-11-20 dune 100")).reply).toBe("Dune: p.100 on 20 Nov (+100 that day).");
    expect((await say(c, "yesterday dune 120")).reply).toBe("Dune: p.120 on 24 Nov (+20 that day).");
    expect((await say(c, "dune 142/412")).reply).toMatch(/^Dune: p\.142 \(\+22 today, 34%\)/);
    expect((await book(c, dune.id)).totalPages).toBe(412);
    expect((await entries(c, dune.id)).map((e) => [e.date, e.page])).toEqual([
      ["2026-11-20", 100],
      ["2026-11-24", 120],
      ["2026-11-25", 142],
    ]);
    // A future day is refused, politely.
    expect((await say(c, "2026-12-20 dune 150")).reply).not.toMatch(/^Dune: p/);
    expect(await entries(c, dune.id)).toHaveLength(3);
  });

  it("moves books between shelves, creating them on start/want", async () => {
    const c = await user();
    // Without a lookup the title is kept as typed, and the reply makes up no length.
    const typed = await say(c, "start the left hand of darkness");
    expect(typed.reply).toBe(
      "Started the left hand of darkness (new book). Send `the left hand of darkness 10` as you read; `the left hand of darkness 10/N` also sets its length to N pages.",
    );
    expect((await book(c, typed.bookId!)).title).toBe("the left hand of darkness");
    const want = await say(c, "want The Hobbit");
    expect(want.reply).toBe("Added The Hobbit to your want-to-read list.");
    expect((await book(c, want.bookId!)).status).toBe("wishlist");
    expect((await say(c, "start hobbit")).reply).toMatch(/^Started The Hobbit\./);
    expect((await book(c, want.bookId!)).status).toBe("reading");
    expect((await say(c, "pause hobbit")).reply).toMatch(/^Paused The Hobbit\./);
    expect((await book(c, want.bookId!)).status).toBe("paused");
    expect((await say(c, "resume hobbit")).reply).toMatch(/^Started The Hobbit/);
    expect((await say(c, "finished hobbit")).reply).toBe("Finished The Hobbit. Well done!");
    expect((await book(c, want.bookId!)).status).toBe("finished");
    const dune = await readingBook(c, { title: "Dune" });
    expect((await say(c, "drop dune")).reply).toBe("Dropped Dune.");
    expect((await book(c, dune.id)).status).toBe("abandoned");
    expect((await say(c, "pause the silmarillion")).reply).toMatch(/no book matching/);
  });

  it("never lowers a page without the correction word or a yes, and changes nothing until then", async () => {
    const c = await user();
    const dune = await readingBook(c, { title: "Dune", totalPages: 412 });
    const pages = async () => (await entries(c, dune.id)).map((e) => e.page);
    await say(c, "dune 100");
    expect(await say(c, "dune 90")).toEqual({
      reply: "Dune is on p.100 — is 90 a correction? reply yes",
      bookId: dune.id,
    });
    expect(await pages()).toEqual([100]);
    expect((await say(c, "yes")).reply).toMatch(/^Dune: p\.90 .*\(corrected from p\.100\)$/);
    expect(await pages()).toEqual([100, 90]);
    const [first, second] = (await c.request({ method: "GET", url: `/api/books/${dune.id}/progress` })).json()
      .items as { id: string; supersedes: string | null }[];
    expect(first!.supersedes).toBe(second!.id);
    // `no`, or any other message, drops the question; a late `yes` then confirms nothing.
    expect((await say(c, "dune 80")).reply).toBe("Dune is on p.90 — is 80 a correction? reply yes");
    expect((await say(c, "no")).reply).toBe("OK, nothing changed.");
    expect((await say(c, "dune 70")).reply).toMatch(/is 70 a correction\?/);
    expect((await say(c, "dune 95")).reply).toMatch(/^Dune: p\.95 /);
    expect((await say(c, "yes")).reply).toBe("Nothing is waiting for a yes or no.");
    expect(await pages()).toEqual([100, 90, 95]);
    // The correction word records at once; so does a percent below the last one after a yes.
    expect((await say(c, "correct dune 85")).reply).toMatch(/^Dune: p\.85 .*\(corrected from p\.95\)$/);
    expect((await say(c, "dune 10%")).reply).toBe("Dune is on p.85 — is 10% a correction? reply yes");
    expect((await say(c, "yes")).reply).toMatch(/^Dune: p\.41 .*\(corrected from p\.85\)$/);
    expect(await pages()).toEqual([100, 90, 95, 85, 41]);
    // A yes answers the question as asked: when the page moved meanwhile, it asks again.
    expect((await say(c, "dune 30")).reply).toMatch(/is 30 a correction\?/);
    await t.services.text.handle(
      { userId: c.userId, channel: "telegram", conversationKey: "telegram:8" },
      "dune 120",
    );
    expect((await say(c, "yes")).reply).toBe("Dune is on p.120 — is 30 a correction? reply yes");
    expect(await pages()).toEqual([100, 90, 95, 85, 41, 120]);
    // A past day below the last page is refused, pointing at the correction word.
    expect((await say(c, "yesterday dune 20")).reply).toMatch(
      /log past days in order, or send `correct Dune 20`/,
    );
    expect(await pages()).toEqual([100, 90, 95, 85, 41, 120]);
  });

  it("asks before progress takes a book off the paused shelf", async () => {
    const c = await user();
    const dune = await readingBook(c, { title: "Dune", totalPages: 412 });
    await say(c, "dune 50");
    await say(c, "pause dune");
    expect(await say(c, "dune 60")).toEqual({
      reply: "Dune is paused — log p.60 and put it back on your reading shelf? reply yes",
      bookId: dune.id,
    });
    expect((await book(c, dune.id)).status).toBe("paused");
    expect((await say(c, "yes")).reply).toMatch(/^Dune: p\.60 .*Back on your reading shelf\.$/);
    expect((await book(c, dune.id)).status).toBe("reading");
    expect((await entries(c, dune.id)).map((e) => e.page)).toEqual([50, 60]);
  });

  it("reads `review 3` and `review banana` as review answers, never as pages or titles", async () => {
    const c = await user();
    const dune = await readingBook(c, { title: "Dune", totalPages: 412 });
    await say(c, "dune 50");
    expect(await say(c, "review 3")).toEqual({ reply: "No review is running: send `review` to start one." });
    expect((await say(c, "review banana")).reply).toMatch(/^`review` takes 1–4/);
    expect((await entries(c, dune.id)).map((e) => e.page)).toEqual([50]);
  });

  it("answers numbered choices for an ambiguous title, and `2` resolves it", async () => {
    const c = await user();
    const truth = await readingBook(c, { title: "Wind and Truth", totalPages: 1300 });
    const name = await readingBook(c, { title: "The Name of the Wind", totalPages: 660 });
    const ask = await say(c, "wind 50");
    expect(ask.reply).toBe("Which book? 1) Wind and Truth 2) The Name of the Wind — reply with the number");
    expect(ask.bookId).toBeUndefined();
    const two = await say(c, "2");
    expect(two.bookId).toBe(name.id);
    expect(two.reply).toMatch(/^The Name of the Wind: p\.50 /);
    expect(await entries(c, truth.id)).toHaveLength(0);
    // The choice is spent: a bare number now goes to the book last talked about.
    expect((await say(c, "60")).reply).toMatch(/^The Name of the Wind: p\.60 /);
    // A shelf move waits for a choice too.
    expect((await say(c, "pause wind")).reply).toMatch(/^Which book\?/);
    expect((await say(c, "1")).reply).toMatch(/^Paused Wind and Truth/);
  });

  it("sends a bare number to the only book being read, else asks", async () => {
    const c = await user();
    const dune = await readingBook(c, { title: "Dune", totalPages: 412 });
    expect(await say(c, "142")).toMatchObject({ bookId: dune.id });
    const c2 = await user();
    await readingBook(c2, { title: "Dune" });
    const emma = await readingBook(c2, { title: "Emma" });
    expect((await say(c2, "30")).reply).toMatch(/^Which book\? 1\) .* 2\) /);
    const prompt = (await say(c2, "30")).reply;
    const n = prompt.indexOf("1) Emma") >= 0 ? "1" : "2";
    expect(await say(c2, n)).toMatchObject({ bookId: emma.id });
    expect((await say(c2, "45")).bookId).toBe(emma.id);
    const c3 = await user();
    expect((await say(c3, "42")).reply).toMatch(/^Which book\?/);
  });

  it("lets a reply to a message about a book pick that book (replyTo)", async () => {
    const c = await user();
    const dune = await readingBook(c, { title: "Dune", totalPages: 412 });
    const emma = await readingBook(c, { title: "Emma", totalPages: 400 });
    const ctx = { userId: c.userId, channel: "whatsapp" as const, conversationKey: "whatsapp:1" };
    const r = await t.services.text.handle({ ...ctx, replyTo: { bookId: emma.id } }, "142");
    expect(r).toMatchObject({ bookId: emma.id });
    expect(r.text).toMatch(/^Emma: p\.142/);
    expect((await entries(c, emma.id))[0]?.source).toBe("whatsapp");
    expect(await entries(c, dune.id)).toHaveLength(0);
    // Another user's book id is never used.
    const other = await user();
    const mine = await readingBook(other, { title: "Mine" });
    const r2 = await t.services.text.handle({ ...ctx, replyTo: { bookId: mine.id } }, "50");
    expect(r2.bookId).toBe(emma.id); // the book this conversation last talked about
    expect(await entries(other, mine.id)).toHaveLength(0);
  });

  it("undoes the last changes made by text, one at a time", async () => {
    const c = await user();
    const dune = await readingBook(c, { title: "Dune", totalPages: 412 });
    await say(c, "dune 50");
    await say(c, "dune 80/400");
    expect((await book(c, dune.id)).totalPages).toBe(400);
    expect((await say(c, "undo")).reply).toBe("Undone: Dune is back to p.50.");
    expect((await book(c, dune.id)).totalPages).toBe(412);
    let day = (await c.request({ method: "GET", url: "/api/days/2026-11-25" })).json();
    expect(day.pages).toBe(50);
    const list = await entries(c, dune.id);
    expect(list.map((e) => [e.page, e.note])).toEqual([
      [50, null],
      [80, null],
      [50, "undo"],
    ]);
    expect((await say(c, "undo")).reply).toBe("Undone: Dune is back to the start.");
    day = (await c.request({ method: "GET", url: "/api/days/2026-11-25" })).json();
    expect(day.pages).toBe(0);
    expect((await say(c, "undo")).reply).toBe("Nothing to undo.");
    // Shelf moves and books created by text.
    await say(c, "finished dune");
    expect((await say(c, "undo")).reply).toBe("Undone: Dune is back on your reading shelf.");
    expect((await book(c, dune.id)).status).toBe("reading");
    const created = await say(c, "start Middlemarch");
    expect((await say(c, "undo")).reply).toBe("Undone: removed Middlemarch.");
    expect((await c.request({ method: "GET", url: `/api/books/${created.bookId}` })).statusCode).toBe(404);
    // Another conversation's changes are not undone from here.
    await t.services.text.handle(
      { userId: c.userId, channel: "telegram", conversationKey: "telegram:9" },
      "dune 30",
    );
    expect((await say(c, "undo")).reply).toBe("Nothing to undo.");
  });

  it("answers help and the summaries", async () => {
    const c = await user();
    const help = (await say(c, "help")).reply;
    expect(help).toContain("Readlog commands:");
    // Help lists what exists: notes and quotes since the notes module contributes them (issue 11, item 10).
    expect(help).toMatch(/note dune: … — a note · quote dune p12: "…" — a highlight/);
    expect((await say(c, "note dune: arrives")).reply).not.toMatch(/later version/);
    expect((await say(c, "books")).reply).toMatch(/^No books yet/);
    expect((await say(c, "today")).reply).toMatch(/^Nothing logged today yet/);
    expect((await say(c, "streak")).reply).toMatch(/^No streak yet/);
    const dune = await readingBook(c, { title: "Dune", totalPages: 412 });
    await addBook(c, { title: "Emma" });
    await say(c, "yesterday dune 20");
    await say(c, "dune 62");
    expect(await say(c, "today")).toEqual({ reply: "Today: 42 pages — Dune +42.", bookId: dune.id });
    expect((await say(c, "week")).reply).toBe("Last 7 days: 62 pages on 2 days (about 9/day).");
    expect((await say(c, "books")).reply).toBe("Reading: Dune p.62/412 (15%). Also 1 want to read.");
    expect((await say(c, "streak")).reply).toBe("Streak: 2 days in a row (longest: 2 days).");
  });

  it("saves links once; review with nothing due says so", async () => {
    const c = await user();
    expect((await say(c, "save https://example.com/a?b=1")).reply).toBe(
      "Saved for later: https://example.com/a?b=1",
    );
    expect((await say(c, "look at https://example.com/a?b=1")).reply).toBe("Already saved for later.");
    const rows = await t.services.db
      .selectFrom("links")
      .selectAll()
      .where("owner_id", "=", c.userId)
      .execute();
    expect(rows.map((r) => [r.url, r.status, r.source])).toEqual([
      ["https://example.com/a?b=1", "pending", "api"],
    ]);
    expect((await say(c, "undo")).reply).toBe("Undone: removed the saved link.");
    expect((await say(c, "review")).reply).toBe("Nothing to review today.");
    expect((await say(c, "snooze 1h")).reply).toMatch(/no reminders yet/);
  });

  it("reads what waits in a conversation as stored before the command registry, and drops what is malformed", async () => {
    const c = await user();
    const wind = await readingBook(c, { title: "Wind and Truth", totalPages: 1300 });
    const name = await readingBook(c, { title: "The Name of the Wind", totalPages: 662 });
    const store = (pending: unknown) =>
      t.services.db
        .insertInto("conversations")
        .values({
          owner_id: c.userId,
          conversation_key: "api",
          pending: typeof pending === "string" ? pending : JSON.stringify(pending),
          last_book_id: null,
          updated_at: t.clock.now().toISOString(),
        })
        .onConflict((oc) =>
          oc.columns(["owner_id", "conversation_key"]).doUpdateSet({
            pending: typeof pending === "string" ? pending : JSON.stringify(pending),
            updated_at: t.clock.now().toISOString(),
          }),
        )
        .execute();
    // Numbered choices as the old service stored them.
    await store({ command: { kind: "page", page: 40, title: "wind" }, choices: [wind.id, name.id] });
    expect(await say(c, "2")).toMatchObject({
      bookId: name.id,
      reply: expect.stringMatching(/^The Name of the Wind: p\.40 /),
    });
    // A confirmation as the old service stored it: `yes` applies it.
    await say(c, "the name of the wind 60");
    await store({
      confirm: {
        command: { kind: "page", page: 50, title: "name" },
        bookId: name.id,
        from: 60,
        paused: false,
      },
    });
    expect((await say(c, "yes")).reply).toMatch(/^The Name of the Wind: p\.50 .*\(corrected from p\.60\)/);
    // Malformed or unknown state is dropped: nothing waits, and a number is a page.
    for (const bad of [
      "{not json",
      {
        owner: "progress",
        state: { command: { kind: "page", page: -1 }, bookId: name.id, from: 1, paused: false },
      },
      { owner: "nobody", state: {} },
      { command: { kind: "burn" }, choices: [wind.id] },
      { command: { kind: "page", page: 1 }, choices: Array(20).fill(wind.id) },
    ]) {
      await store(bad);
      expect((await say(c, "yes")).reply).toBe("Nothing is waiting for a yes or no.");
    }
    await store({ owner: "nobody", state: {} });
    expect((await say(c, "wind and truth 70")).bookId).toBe(wind.id);
    expect((await say(c, "3")).reply).toBe("Wind and Truth is on p.70 — is 3 a correction? reply yes");
  });

  it("answers bad input politely and records nothing twice", async () => {
    const c = await user();
    const dune = await readingBook(c, { title: "Dune", totalPages: 412 });
    for (const text of ["", "   \n\t ", "📚🔥😀", "x".repeat(5000), "-- ; drop table books"]) {
      const r = await say(c, text);
      expect(r.reply.length, text.slice(0, 20)).toBeGreaterThan(5);
      expect(r.bookId).toBeUndefined();
    }
    const big = await c.request({ method: "POST", url: "/api/text", payload: { text: "x".repeat(6000) } });
    expect(big.statusCode).toBe(400);
    expect(big.json().errors[0].field).toBe("/body/text");
    await say(c, "dune 142");
    expect((await say(c, "dune 142")).reply).toBe("Dune: already at p.142. Nothing changed.");
    expect(await entries(c, dune.id)).toHaveLength(1);
    expect((await say(c, "dune 999")).reply).toMatch(/beyond the book's 412 pages/);
    expect((await say(c, "<script>alert(1)</script> 5")).reply).not.toMatch(/p\.5/);
    expect(await entries(c, dune.id)).toHaveLength(1);
    // RTL titles, SQL and HTML in titles are just titles.
    const rtl = await say(c, "start كثيب");
    expect((await say(c, "كثيب 50")).reply).toMatch(/p\.50/);
    expect((await say(c, "كثيب 50")).bookId).toBe(rtl.bookId);
    const sql = await say(c, "start Robert'); DROP TABLE books;--");
    expect((await book(c, sql.bookId!)).title).toBe("Robert'); DROP TABLE books;--");
    expect((await say(c, "books")).reply).toMatch(/^Reading: /);
    // Another user's books are never matched.
    const bob = await user();
    const secret = await readingBook(bob, { title: "The Secret Garden" });
    expect((await say(c, "secret garden 10")).reply).toMatch(/no book matching/);
    expect(await entries(bob, secret.id)).toHaveLength(0);
  });

  it("handles a message in the caller's unit of work: the caller's failure undoes all of it", async () => {
    const c = await user();
    const dune = await readingBook(c, { title: "Dune", totalPages: 412 });
    const ctx = { userId: c.userId, channel: "api" as const, conversationKey: "unit" };
    const { text, uow } = t.services;
    const undoRows = () =>
      t.services.db.selectFrom("text_undo").select("id").where("owner_id", "=", c.userId).execute();
    // The caller (e.g. a webhook) records something first, then cannot queue the reply: everything goes.
    const failing = uow.transaction(async () => {
      await uow.db.insertInto("links").values(linkRow(c.userId, "https://example.com/before")).execute();
      await text.handle(ctx, "dune 40");
      throw new Error("cannot queue the reply");
    });
    await expect(failing).rejects.toThrow("cannot queue the reply");
    expect(await entries(c, dune.id)).toHaveLength(0);
    expect(await undoRows()).toHaveLength(0);
    const links = await t.services.db
      .selectFrom("links")
      .select("id")
      .where("owner_id", "=", c.userId)
      .execute();
    expect(links).toHaveLength(0);
    const day = await t.services.db
      .selectFrom("daily_pages")
      .select("pages")
      .where("book_id", "=", dune.id)
      .execute();
    expect(day).toEqual([]);
    // The command's writes are there for the caller's own queries in the same unit.
    const seen: string[] = [];
    const ok = await uow.transaction(async () => {
      const reply = await text.handle(ctx, "dune 40");
      seen.push(reply.text);
      const rows = await uow.db
        .selectFrom("progress_entries")
        .select("page")
        .where("book_id", "=", dune.id)
        .execute();
      seen.push(`entries ${rows.length}`);
      return reply;
    });
    expect(ok.text).toMatch(/^Dune: p\.40 /);
    expect(seen).toEqual([ok.text, "entries 1"]);
    expect(await entries(c, dune.id)).toHaveLength(1);
    expect(await undoRows()).toHaveLength(1);
  });

  it("commits messages handled together once each, even when one of them fails", async () => {
    const [a, b] = [await user(), await user()];
    const duneA = await readingBook(a, { title: "Dune", totalPages: 412 });
    const emmaA = await readingBook(a, { title: "Emma", totalPages: 412 });
    const duneB = await readingBook(b, { title: "Dune", totalPages: 412 });
    const { text, uow } = t.services;
    const afters: string[] = [];
    // a's two messages are about two books, so either may commit first (a lower page would be a question).
    const send = (c: Client, page: number, fail: boolean, title = "dune") =>
      uow.grouped(async () => {
        const reply = await text.handle(
          { userId: c.userId, channel: "api", conversationKey: "together" },
          `${title} ${page}`,
        );
        if (fail) throw new Error("cannot queue the reply");
        uow.afterCommit(() => {
          afters.push(reply.text);
        });
        return reply;
      });
    // Started in the same turn, so that on SQLite they share a transaction (and its rollback, then a rerun).
    const [okA, failB, okA2] = await Promise.allSettled([
      send(a, 10, false),
      send(b, 20, true),
      send(a, 30, false, "emma"),
    ]);
    expect(okA).toMatchObject({
      status: "fulfilled",
      value: { text: expect.stringMatching(/^Dune: p\.10 /) },
    });
    expect(failB).toMatchObject({
      status: "rejected",
      reason: expect.objectContaining({ message: "cannot queue the reply" }),
    });
    expect(okA2).toMatchObject({
      status: "fulfilled",
      value: { text: expect.stringMatching(/^Emma: p\.30 /) },
    });
    // Both recorded; on PostgreSQL they run in parallel on the pool, so either may commit first.
    expect((await entries(a, duneA.id)).map((e) => Number(e.page))).toEqual([10]);
    expect((await entries(a, emmaA.id)).map((e) => Number(e.page))).toEqual([30]);
    expect(await entries(b, duneB.id)).toEqual([]);
    // What runs after commit ran once per committed message (a rolled-back attempt's hooks are dropped).
    expect(afters.sort()).toEqual(
      [
        (okA as PromiseFulfilledResult<{ text: string }>).value.text,
        (okA2 as PromiseFulfilledResult<{ text: string }>).value.text,
      ].sort(),
    );
  });

  it("rolls back a command that fails half-way and answers the failure; the caller's unit goes on", async () => {
    const c = await user();
    const dune = await readingBook(c, { title: "Dune", totalPages: 412 });
    const progress = t.services.progress;
    const record = progress.record;
    // The entry is written, then something breaks: the answer says so and nothing of it stays.
    progress.record = async function (this: typeof progress, ...args: Parameters<typeof record>) {
      await record.apply(this, args);
      throw new Error("broken after writing");
    };
    const { uow } = t.services;
    const after: string[] = [];
    try {
      const r = await uow.transaction(async () => {
        const reply = await t.services.text.handle(
          { userId: c.userId, channel: "api", conversationKey: "half-way" },
          "dune 40",
        );
        after.push(reply.text);
        return reply;
      });
      expect(r.text).toMatch(/^Something went wrong on my side/);
      expect(after).toEqual([r.text]);
    } finally {
      progress.record = record;
    }
    expect(await entries(c, dune.id)).toHaveLength(0);
    expect((await say(c, "dune 40")).reply).toMatch(/^Dune: p\.40 \(\+40 today/);
  });

  it("asks for authentication and a write scope", async () => {
    const r = await t.app.inject({ method: "POST", url: "/api/text", payload: { text: "help" } });
    expect(r.statusCode).toBe(401);
    const c = await user();
    const unknown = await c.request({ method: "POST", url: "/api/text", payload: { text: "help", x: 1 } });
    expect(unknown.statusCode).toBe(400);
  });
});

function linkRow(ownerId: string, url: string) {
  return {
    id: newId(),
    owner_id: ownerId,
    url,
    canonical_url: url,
    site: new URL(url).hostname,
    status: "pending" as const,
    comment: null,
    source: "api" as const,
    created_at: new Date().toISOString(),
    updated_at: new Date().toISOString(),
  };
}

describe("text commands with Open Library lookups", () => {
  const ol = new FakeOpenLibrary();
  let t: TestApp;
  let admin: Client;
  beforeAll(async () => {
    await ol.start();
    ol.books.push(
      { title: "Dune", authors: ["Frank Herbert"], isbn13: "9780441172719", pages: 412 },
      { title: "The Hobbit", authors: ["J. R. R. Tolkien"], isbn13: "9780547928227" },
      { title: "Dune Messiah", authors: ["Frank Herbert"], isbn13: "9780593098233", pages: 256 },
    );
    ({ t, admin } = await appWithAdmin("sqlite", { openLibraryUrl: ol.url, openLibraryTimeoutMs: 2000 }));
  });
  afterAll(async () => {
    await t.close();
    await ol.stop();
  });

  it("`start dune` takes Open Library's title and length when its title is the one typed", async () => {
    const c = await newUser(t, { admin });
    const say = async (text: string) =>
      (await c.request({ method: "POST", url: "/api/text", payload: { text } })).json();
    const dune = await say("start dune");
    expect(dune.reply).toBe("Started Dune (new book, 412 pages). Send `Dune 10` as you read.");
    const row = (await c.request({ method: "GET", url: `/api/books/${dune.bookId}` })).json();
    expect(row).toMatchObject({ title: "Dune", authors: ["Frank Herbert"], totalPages: 412 });
    expect(row.metadataSource).toBe("openlibrary");
    // "hobbit" is "The Hobbit"; its length is unknown, so the reply makes none up.
    expect((await say("want hobbit")).reply).toBe("Added The Hobbit to your want-to-read list.");
    // A lookup answering another book ("Dune Messiah" for "messiah of dune") is not used.
    const other = await say("start Messiah");
    expect(other.reply).toMatch(/^Started Messiah \(new book\)\./);
    // A title already on the shelves is found without asking Open Library.
    const asked = ol.requests.length;
    expect((await say("start hobbit")).reply).toMatch(/^Started The Hobbit\./);
    expect(ol.requests.length).toBe(asked);
    expect(ol.unexpected).toEqual([]);
  });

  it("handles one conversation's messages in the order they came, even when the first waits on a lookup", async () => {
    const c = await newUser(t, { admin });
    const say = async (text: string) =>
      (await c.request({ method: "POST", url: "/api/text", payload: { text } })).json();
    ol.mode = { delayMs: 300 };
    try {
      const [start, page] = await Promise.all([say("start dune"), say("dune 5")]);
      expect(start.reply).toBe("Started Dune (new book, 412 pages). Send `Dune 10` as you read.");
      expect(page.reply).toMatch(/^Dune: p\.5 /);
    } finally {
      ol.mode = "ok";
    }
  });
});
