import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appWithAdmin, type Client, newUser, type TestApp } from "../../../test/support/app.js";
import { readingBook } from "../../../test/support/books.js";
import { ENGINES } from "../../../test/support/engines.js";

describe.each(ENGINES)("note, quote, notes and search by text (%s)", (engine) => {
  let t: TestApp;
  let admin: Client;

  beforeAll(async () => {
    ({ t, admin } = await appWithAdmin(engine));
  });
  afterAll(() => t.close());

  async function say(c: Client, text: string): Promise<{ reply: string; bookId?: string }> {
    const r = await c.request({ method: "POST", url: "/api/text", payload: { text } });
    expect(r.statusCode, r.body).toBe(200);
    return r.json();
  }
  const list = async (c: Client, url: string) => (await c.request({ method: "GET", url })).json().items;

  it("keeps a note and a quote with its page on the book, and undoes each", async () => {
    const c = await newUser(t, { admin });
    const dune = await readingBook(c, { title: "Dune" });
    expect(await say(c, "note dune: the spice must flow")).toEqual({
      reply: "Noted on Dune.",
      bookId: dune.id,
    });
    expect(await say(c, 'quote dune p12: "Fear is the mind-killer."')).toEqual({
      reply: "Quote saved on Dune (p.12).",
      bookId: dune.id,
    });
    const [note] = await list(c, `/api/notes?bookId=${dune.id}`);
    expect(note).toMatchObject({ body: "the spice must flow", source: "text" });
    const [quote] = await list(c, `/api/highlights?bookId=${dune.id}`);
    expect(quote).toMatchObject({
      text: "Fear is the mind-killer.",
      location: { page: { start: "12" } },
      source: "text",
    });
    expect((await say(c, "notes dune")).reply).toBe(
      "Latest on Dune:\n• “Fear is the mind-killer.” (p.12)\n• note: the spice must flow",
    );
    expect((await say(c, "search mind killer")).reply).toBe(
      "Top results for “mind killer”:\n• highlight (Dune): Fear is the mind-killer.",
    );
    expect((await say(c, "undo")).reply).toBe("Undone: removed the quote.");
    expect(await list(c, `/api/highlights?bookId=${dune.id}`)).toEqual([]);
    expect((await say(c, "undo")).reply).toBe("Undone: removed the note.");
    expect(await list(c, `/api/notes?bookId=${dune.id}`)).toEqual([]);
  });

  it("a quote with no title goes on the only book being read; a note with none stands alone", async () => {
    const c = await newUser(t, { admin });
    const dune = await readingBook(c, { title: "Dune" });
    expect((await say(c, 'quote: "I must not fear."')).bookId).toBe(dune.id);
    expect((await say(c, "note: an idea of my own")).reply).toMatch(/^Noted \(on no book/);
    const [n] = await list(c, "/api/notes");
    expect(n.bookId).toBeNull();
    expect((await say(c, "note nothing like this: text")).reply).toMatch(/No book matches/);
    expect((await say(c, "search")).reply).toMatch(/Search for what/);
    expect((await say(c, 'search "')).reply).not.toMatch(/went wrong/);
    expect((await say(c, "search zzzzqqq")).reply).toBe("Nothing found for “zzzzqqq”.");
    expect((await say(c, "notes")).reply).toMatch(/^Latest:/);
  });

  it("lists the commands in help, and none that does not exist", async () => {
    const c = await newUser(t, { admin });
    const help = (await say(c, "help")).reply;
    expect(help).toContain('note dune: … — a note · quote dune p12: "…" — a highlight');
    expect(help).toContain("search <words>");
    expect(help).not.toMatch(/later version/);
    expect((await say(c, "help notes")).reply).toMatch(/notes dune — the latest few/);
  });
});
