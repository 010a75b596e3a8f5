import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appWithAdmin, type Client, newUser, type TestApp } from "../../../../test/support/app.js";
import { ENGINES } from "../../../../test/support/engines.js";
import { PROJECT_ROOT } from "../../imports/imports.test-helpers.js";
import { type KindleClipping, readKindleClippings } from "../imports/kindle-clippings.js";
import { organizeClippings } from "../imports/kindle-organize.js";

const SHARED = resolve(PROJECT_ROOT, "../shared/data/imports/kindle");
const hasShared = existsSync(SHARED);
if (!hasShared) console.log(`[readlog] real Kindle import tests skipped: ${SHARED} is absent`);
const BANIOL = resolve(SHARED, "baniol-My Clippings.txt");
const BILINGUAL = resolve(
  SHARED,
  "samueldg-examples_bilingual_spanish_english_kindle_resources_MyClippings.txt",
);

async function organized(file: Buffer) {
  const clippings: KindleClipping[] = [];
  async function* once() {
    yield file;
  }
  for await (const r of readKindleClippings(once())) if ("clipping" in r) clippings.push(r.clipping);
  return organizeClippings(clippings);
}

const READWISE = [
  "Highlight,Book Title,Book Author,Amazon Book ID,Note,Color,Tags,Location Type,Location,Highlighted at,Document tags",
  '"Fear is the mind-killer.",Dune,Frank Herbert,B00B7NPRY8,litany,yellow,"favorite,quotes",location,1234,2026-07-17 14:00:25+00:00,scifi',
  '"He who controls the spice controls the universe.",Dune,Frank Herbert,B00B7NPRY8,,blue,,location,2000,2026-07-18 10:00:00+00:00,',
  '"Fear is the mind-killer.",Dune,Frank Herbert,B00B7NPRY8,litany,yellow,"favorite,quotes",location,1234,2026-07-17 14:00:25+00:00,scifi',
  '"A different Dune.",Dune,Frank Herbert,B0DIFFERENT,,,,page,12,2026-07-19 10:00:00+00:00,',
  '"",Broken,Nobody,,,,,,,,',
  '"Bad time",Dune,Frank Herbert,B00B7NPRY8,,,,,,yesterday,',
].join("\n");

describe.each(ENGINES)("Kindle and Readwise imports (%s)", (engine) => {
  let t: TestApp;
  let c: Client;
  let admin: Client;

  beforeAll(async () => {
    const started = await appWithAdmin(engine);
    t = started.t;
    admin = started.admin;
    c = await newUser(t, { admin });
  });
  afterAll(() => t.close());

  const upload = (who: Client, format: string, body: string | Buffer, query = "") =>
    who.request({
      method: "POST",
      url: `/api/imports/${format}${query}`,
      headers: { "content-type": format === "kindle" ? "text/plain; charset=utf-8" : "text/csv" },
      payload: body,
    });
  const count = async (who: Client, url: string) => {
    let n = 0;
    let cursor: string | null = null;
    do {
      const page: { items: unknown[]; nextCursor: string | null } = (
        await who.request({
          method: "GET",
          url: `${url}${url.includes("?") ? "&" : "?"}limit=200${cursor ? `&cursor=${cursor}` : ""}`,
        })
      ).json();
      n += page.items.length;
      cursor = page.nextCursor;
    } while (cursor);
    return n;
  };

  it.skipIf(!hasShared)(
    "imports a real old-firmware file: a dry run writes nothing, then everything once",
    async () => {
      const file = readFileSync(BANIOL);
      const expected = await organized(file);
      const dry = await upload(c, "kindle", file, "?dryRun=true");
      expect(dry.statusCode, dry.body).toBe(200);
      expect(dry.json()).toMatchObject({
        dryRun: true,
        created: expected.highlights.length + expected.notes.length + expected.clips.length,
      });
      expect(await count(c, "/api/highlights")).toBe(0);
      expect(await count(c, "/api/books")).toBe(0);

      const r = await upload(c, "kindle", file);
      expect(r.statusCode, r.body).toBe(200);
      const report = r.json();
      expect(report).toMatchObject({ dryRun: false, updated: 0, unchanged: 0 });
      expect(report.created).toBe(expected.highlights.length + expected.notes.length + expected.clips.length);
      expect(report.skipped).toBe(expected.bookmarks.length);
      expect(await count(c, "/api/highlights?source=kindle")).toBe(
        expected.highlights.length + expected.clips.length,
      );
      expect(await count(c, "/api/notes?source=kindle")).toBe(expected.notes.length);
      const titles = new Set(
        expected.highlights.map((g) => JSON.stringify([g.highlight.book.title, g.highlight.book.authors])),
      );
      expect(report.books.created).toBeGreaterThanOrEqual(titles.size);
      // Notes typed on a highlight are its note, and revisions are its history.
      const withNote = expected.highlights.find((g) => g.notes.length > 0);
      if (withNote) {
        const page = (
          await c.request({ method: "GET", url: "/api/highlights?limit=200&source=kindle" })
        ).json();
        const found = page.items.find((h: { text: string }) => h.text === withNote.highlight.text.trim());
        if (found) expect(found.note).toBe(withNote.notes.map((n) => n.text.trim()).join("\n\n"));
      }

      const again = (await upload(c, "kindle", file)).json();
      expect(again).toMatchObject({ created: 0, updated: 0 });
      expect(again.unchanged + again.duplicates).toBeGreaterThan(0);
      expect(await count(c, "/api/highlights?source=kindle")).toBe(
        expected.highlights.length + expected.clips.length,
      );
      expect(await count(c, "/api/books")).toBe(report.books.created);
    },
  );

  it.skipIf(!hasShared)(
    "a grown file adds only what is new; a highlight re-made larger keeps the earlier in history",
    async () => {
      const who = await newUser(t, { admin });
      const base = readFileSync(BILINGUAL, "utf8");
      const first = (await upload(who, "kindle", base)).json();
      expect(first.created).toBeGreaterThan(0);
      const grown = `${base}${base.endsWith("\n") ? "" : "\r\n"}Dune (Frank Herbert)\r\n- Your Highlight on page 10 | Location 100-101 | Added on Monday, March 2, 2026 10:00:00 AM\r\n\r\nI must not fear.\r\n==========\r\nDune (Frank Herbert)\r\n- Your Highlight on page 10 | Location 100-102 | Added on Monday, March 2, 2026 10:05:00 AM\r\n\r\nI must not fear. Fear is the mind-killer.\r\n==========\r\nDune (Frank Herbert)\r\n- Your Note on page 10 | Location 102 | Added on Monday, March 2, 2026 10:06:00 AM\r\n\r\nthe litany\r\n==========\r\n`;
      const r = (await upload(who, "kindle", grown)).json();
      expect(r).toMatchObject({ created: 1, updated: 0, unchanged: first.created + first.unchanged });
      const dune = (await who.request({ method: "GET", url: "/api/highlights?limit=5" })).json().items[0];
      expect(dune).toMatchObject({
        text: "I must not fear. Fear is the mind-killer.",
        note: "the litany",
        locationLabel: "p. 10 · loc. 100–102",
      });
      expect(dune.history.map((h: { text: string }) => h.text)).toEqual(["I must not fear."]);
      // The device re-made it larger still: the existing highlight is updated, not duplicated.
      const larger = `${grown}Dune (Frank Herbert)\r\n- Your Highlight on page 10 | Location 100-103 | Added on Tuesday, March 3, 2026 9:00:00 AM\r\n\r\nI must not fear. Fear is the mind-killer. Fear is the little-death.\r\n==========\r\n`;
      const r2 = (await upload(who, "kindle", larger)).json();
      expect(r2).toMatchObject({ created: 0, updated: 1 });
      const after = (await who.request({ method: "GET", url: `/api/highlights/${dune.id}` })).json();
      expect(after.text).toBe("I must not fear. Fear is the mind-killer. Fear is the little-death.");
      expect(after.note).toBe("the litany");
      expect(after.history.map((h: { text: string }) => h.text)).toEqual([
        "I must not fear.",
        "I must not fear. Fear is the mind-killer.",
      ]);
      const search = (await who.request({ method: "GET", url: "/api/search?q=little-death" })).json();
      expect(search.hits.map((h: { id: string }) => h.id)).toEqual([dune.id]);
    },
  );

  it("a re-import leaves known highlights alone, adds a note typed since to its highlight, keeps deletions", async () => {
    const who = await newUser(t, { admin });
    const entry = (loc: string, kind: string, text: string, minute: number) =>
      `Walden (Henry David Thoreau)\r\n- Your ${kind} on page 3 | Location ${loc} | Added on Monday, March 2, 2026 10:${String(minute).padStart(2, "0")}:00 AM\r\n\r\n${text}\r\n==========\r\n`;
    const file =
      entry("10-12", "Highlight", "I went to the woods because I wished to live deliberately.", 0) +
      entry("20-21", "Highlight", "Simplify, simplify.", 1) +
      entry("30-31", "Highlight", "Our life is frittered away by detail.", 2);
    const first = (await upload(who, "kindle", file)).json();
    expect(first).toMatchObject({ created: 3 });
    const ids = first.results.map((x: { id: string }) => x.id);
    expect((await who.request({ method: "DELETE", url: `/api/highlights/${ids[2]}` })).statusCode).toBe(204);
    const same = (await upload(who, "kindle", file)).json();
    expect(same).toMatchObject({ created: 0, updated: 0, unchanged: 2, skipped: 1 });
    expect(same.results.map((x: { action: string; id: string | null }) => [x.action, x.id])).toEqual([
      ["unchanged", ids[0]],
      ["unchanged", ids[1]],
      ["skipped", null],
    ]);
    const noted = (await upload(who, "kindle", `${file}${entry("21", "Note", "the motto", 5)}`)).json();
    expect(noted).toMatchObject({ created: 0, updated: 1, unchanged: 1, skipped: 1 });
    const h = (await who.request({ method: "GET", url: `/api/highlights/${ids[1]}` })).json();
    expect(h).toMatchObject({ text: "Simplify, simplify.", note: "the motto" });
  });

  it("reports damaged entries with their lines and imports the rest", async () => {
    const who = await newUser(t, { admin });
    const text =
      "\uFEFFBook (Author)\r\n- Your Highlight on Location 10-12 | Added on Monday, March 2, 2026 10:00:00 AM\r\n\r\nGood one\r\n==========\r\n" +
      "Book (Author)\r\n- Something unreadable\r\n\r\nBad one\r\n==========\r\n" +
      "Book (Author)\r\n- Your Highlight on Location 20-22 | Added on Monday, March 2, 2026 10:00:00 AM\r\n\r\nTruncated";
    const r = await upload(who, "kindle", text);
    expect(r.statusCode, r.body).toBe(200);
    const report = r.json();
    expect(report.created).toBe(2);
    expect(report.rowsWithProblems).toBe(1);
    expect([6, 7]).toContain(report.problems.find((p: { severity: string }) => p.severity === "error").line);
    expect((await upload(who, "kindle", "")).statusCode).toBe(200);
    expect(
      (await who.request({ method: "POST", url: "/api/imports/kindle", payload: { a: 1 } })).statusCode,
    ).toBe(415);
  });

  it("imports Readwise CSV once, tells books with other ASINs apart, and updates a changed note", async () => {
    const who = await newUser(t, { admin });
    const mine = (
      await who.request({
        method: "POST",
        url: "/api/books",
        payload: { title: "Dune", authors: ["Frank Herbert"] },
      })
    ).json();
    const r = await upload(who, "readwise", READWISE);
    expect(r.statusCode, r.body).toBe(200);
    const report = r.json();
    expect(report).toMatchObject({
      created: 3,
      duplicates: 1,
      rowsWithProblems: 2,
      books: { created: 1, matched: 1 },
    });
    expect(report.results[0]).toMatchObject({ line: 2, bookId: mine.id, action: "created" });
    expect(report.results.find((x: { line: number }) => x.line === 5).bookId).not.toBe(mine.id);
    expect(report.problems.map((p: { message: string }) => p.message)).toContainEqual(
      expect.stringMatching(/book of its own/),
    );
    const items = (await who.request({ method: "GET", url: "/api/highlights?tag=favorite" })).json().items;
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      text: "Fear is the mind-killer.",
      note: "litany",
      color: "yellow",
      tags: ["favorite", "quotes"],
      location: { external: { type: "location", value: 1234 }, kindle: { start: 1234, end: 1234 } },
      highlightedAt: "2026-07-17T14:00:25.000Z",
      source: "readwise",
    });
    const again = (await upload(who, "readwise", READWISE)).json();
    expect(again).toMatchObject({ created: 0, updated: 0, unchanged: 3 });
    const changed = (
      await upload(who, "readwise", READWISE.replace(",litany,", ",the litany against fear,"))
    ).json();
    expect(changed).toMatchObject({ created: 0, updated: 1 });
    expect(await count(who, "/api/highlights")).toBe(3);
    const wrong = await upload(who, "readwise", "Title,Author\nx,y\n");
    expect(wrong.statusCode).toBe(400);
  });

  it.skipIf(!hasShared)(
    "import keys travel in the JSON export: after a restore, importing the same files again writes nothing",
    async () => {
      const ivy = await newUser(t, { admin });
      const file = readFileSync(BANIOL);
      const first = (await upload(ivy, "kindle", file)).json();
      expect(first.created).toBeGreaterThan(50);
      expect((await upload(ivy, "readwise", READWISE)).json()).toMatchObject({ created: 3 });
      // A highlight deleted after its import stays deleted, in the restored account too.
      const gone = first.results.find((x: { kind: string; action: string }) => x.kind === "highlight").id;
      expect((await ivy.request({ method: "DELETE", url: `/api/highlights/${gone}` })).statusCode).toBe(204);
      const doc = (await ivy.request({ method: "GET", url: "/api/export" })).json();
      const keys = doc.noteImportKeys as Array<{ source: string; kind: string; objectId: string | null }>;
      expect(keys.filter((k) => k.source === "kindle").length).toBeGreaterThan(first.created);
      expect(keys.some((k) => k.kind === "book")).toBe(true);

      // Restored on the same server: every id is taken, so rows get new ids and the keys follow them.
      const jack = await newUser(t, { admin });
      const restored = await jack.request({ method: "POST", url: "/api/import", payload: doc });
      expect(restored.statusCode, restored.body).toBe(201);
      expect(restored.json()).toMatchObject({ idsKept: false, counts: { noteImportKeys: keys.length } });
      const highlights = await count(jack, "/api/highlights");
      const books = await count(jack, "/api/books");
      const again = (await upload(jack, "kindle", file)).json();
      expect(again).toMatchObject({ created: 0, updated: 0, books: { created: 0 } });
      expect(again.results).toContainEqual(
        expect.objectContaining({ action: "skipped", detail: "deleted since an earlier import" }),
      );
      expect(again.results.every((x: { id: string | null }) => x.id !== gone)).toBe(true);
      expect((await upload(jack, "readwise", READWISE)).json()).toMatchObject({ created: 0, unchanged: 3 });
      expect([await count(jack, "/api/highlights"), await count(jack, "/api/books")]).toEqual([
        highlights,
        books,
      ]);

      // Two rows for one key are refused by name; an export written before the keys were exported restores.
      const kate = await newUser(t, { admin });
      const twice = await kate.request({
        method: "POST",
        url: "/api/import",
        payload: { ...doc, noteImportKeys: [keys[0], keys[0]] },
      });
      expect(twice.statusCode).toBe(400);
      expect(twice.json().errors[0]).toMatchObject({ field: "/body/noteImportKeys/1", rule: "unique" });
      const { noteImportKeys: _k, ...older } = doc;
      const lee = await newUser(t, { admin });
      expect((await lee.request({ method: "POST", url: "/api/import", payload: older })).statusCode).toBe(
        201,
      );
    },
  );
});

describe("device times", () => {
  it("reads Kindle's zone-less times in the file's offset, else in the reader's zone (DST included)", async () => {
    const { deviceTime } = await import("./note-import.service.js");
    const berlin = deviceTime("Europe/Berlin");
    expect(berlin("2026-03-02T10:00:00")).toBe("2026-03-02T09:00:00.000Z");
    expect(berlin("2026-07-02T10:00:00")).toBe("2026-07-02T08:00:00.000Z");
    expect(berlin("2012-12-03T19:42:30", "+00:59")).toBe("2012-12-03T18:43:30.000Z");
    // The days of the DST changes: before and after the hour it happens.
    expect(berlin("2026-03-29T01:30:00")).toBe("2026-03-29T00:30:00.000Z");
    expect(berlin("2026-03-29T04:00:00")).toBe("2026-03-29T02:00:00.000Z");
    expect(berlin("2026-10-25T01:00:00")).toBe("2026-10-24T23:00:00.000Z");
    expect(berlin("2026-10-25T05:00:00")).toBe("2026-10-25T04:00:00.000Z");
    expect(berlin(undefined)).toBeNull();
    expect(berlin("2026-02-30T10:00:00")).toBeNull();
    expect(berlin("2026-02-30T10:00:00", "+01:00")).toBeNull();
    expect(berlin("2026-07-02T10:00:00", "-05:30")).toBe("2026-07-02T15:30:00.000Z");
  });
});
