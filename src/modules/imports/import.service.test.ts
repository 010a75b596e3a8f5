import { existsSync, readdirSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GOODREADS_HEADER, generateGoodreadsCsv } from "../../../bench/support/goodreads-csv.js";
import { appWithAdmin, type Client, newUser, type TestApp } from "../../../test/support/app.js";
import { ENGINES } from "../../../test/support/engines.js";
import { PROJECT_ROOT, readAll } from "./imports.test-helpers.js";

const SHARED_DIR = resolve(PROJECT_ROOT, "../shared/data/imports/goodreads");
const SHARED = resolve(SHARED_DIR, "vancelle-goodreads-1.csv");
const hasShared = existsSync(SHARED);
if (!hasShared) console.log(`[readlog] real Goodreads import test skipped: ${SHARED} is absent`);

const STORYGRAPH_HEADER =
  "Title,Authors,Contributors,ISBN/UID,Format,Read Status,Date Added,Last Date Read,Dates Read,Read Count,Moods,Pace,Character- or Plot-Driven?,Strong Character Development?,Loveable Characters?,Diverse Characters?,Flawed Characters?,Star Rating,Review,Content Warnings,Content Warning Description,Tags,Owned?";

const gr = (rows: string[]) => `${GOODREADS_HEADER}\n${rows.join("\n")}\n`;
/** One Goodreads row from the columns that matter. */
function grRow(o: {
  id: string;
  title: string;
  author?: string;
  isbn13?: string;
  rating?: number;
  pages?: number;
  read?: string;
  shelf?: string;
  review?: string;
  count?: number;
}): string {
  const q = (s: string) => `"${s.replace(/"/g, '""')}"`;
  return [
    o.id,
    q(o.title),
    q(o.author ?? "Frank Herbert"),
    "",
    "",
    `"="""""`,
    o.isbn13 ? `"=""${o.isbn13}"""` : `"="""""`,
    String(o.rating ?? 0),
    "4.2",
    "",
    "",
    o.pages ? String(o.pages) : "",
    "",
    "",
    o.read ?? "",
    "2020/01/01",
    "",
    "",
    o.shelf ?? "read",
    q(o.review ?? ""),
    "",
    "",
    String(o.count ?? 1),
    "0",
  ].join(",");
}

describe.each(ENGINES)("Goodreads and StoryGraph imports (%s)", (engine) => {
  let t: TestApp;
  let admin: Client;

  beforeAll(async () => {
    ({ t, admin } = await appWithAdmin(engine, { importMaxBytes: 128 * 1024 }));
  });
  afterAll(() => t.close());

  const post = (c: Client, format: string, body: string | Buffer, query = "") =>
    c.request({
      method: "POST",
      url: `/api/imports/${format}${query}`,
      headers: { "content-type": "text/csv" },
      payload: body,
    });

  async function counts(c: Client) {
    const db = t.services.db;
    const n = async (table: "books" | "readings" | "status_changes" | "import_keys" | "progress_entries") =>
      Number(
        (
          await db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll().as("n"))
            .where("owner_id", "=", c.userId)
            .executeTakeFirstOrThrow()
        ).n,
      );
    return {
      books: await n("books"),
      readings: await n("readings"),
      changes: await n("status_changes"),
      keys: await n("import_keys"),
      entries: await n("progress_entries"),
    };
  }

  it.skipIf(!hasShared)("imports the real Goodreads export, and a second time changes nothing", async () => {
    const c = await newUser(t, { admin });
    const file = readFileSync(SHARED);
    const first = await post(c, "goodreads", file);
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toMatchObject({ rows: 1, created: 1, updated: 0, unchanged: 0, problemCount: 0 });
    const books = (await c.request({ method: "GET", url: "/api/books" })).json().items;
    expect(books).toHaveLength(1);
    expect(books[0]).toMatchObject({ title: "Centers of Gravity (Frontlines, #8)", status: "finished" });
    const readings = (await c.request({ method: "GET", url: `/api/books/${books[0].id}/readings` })).json();
    expect(JSON.stringify(readings)).toContain("2023-10-22");
    const before = await counts(c);
    const again = await post(c, "goodreads", file);
    expect(again.json()).toMatchObject({ created: 0, updated: 0, unchanged: 1 });
    expect(await counts(c)).toEqual(before);
  });

  it.skipIf(!hasShared)(
    "makes one book per Goodreads Book Id of every real export in ../shared",
    async () => {
      for (const name of readdirSync(SHARED_DIR).filter((f) => f.endsWith(".csv"))) {
        const c = await newUser(t, { admin });
        const file = readFileSync(resolve(SHARED_DIR, name));
        const { records } = await readAll(file, "goodreads");
        const ids = new Set(records.map((r) => r.externalId));
        const r = await post(c, "goodreads", file);
        expect(r.statusCode, r.body).toBe(200);
        expect(r.json(), name).toMatchObject({ rows: records.length, created: ids.size });
        expect((await counts(c)).books, name).toBe(ids.size);
      }
    },
  );

  it("never merges rows with different source ids: two editions stay two books", async () => {
    const c = await newUser(t, { admin });
    // Two editions of one book, as Goodreads exports them: their own Book Ids, one with an ISBN.
    const file = gr([
      grRow({ id: "44767458", title: "Dune", isbn13: "9780593099322", read: "2021/01/02", rating: 5 }),
      grRow({ id: "234225", title: "Dune", read: "2012/06/01", rating: 4 }),
      grRow({ id: "999", title: "Dune", isbn13: "9780593099322" }), // same ISBN, another id: another row
    ]);
    const r = (await post(c, "goodreads", file)).json();
    expect(r).toMatchObject({ rows: 3, created: 3, updated: 0 });
    expect(new Set(r.results.map((o: { bookId: string }) => o.bookId)).size).toBe(3);
    expect((await post(c, "goodreads", file)).json()).toMatchObject({ created: 0, unchanged: 3 });
    expect((await counts(c)).books).toBe(3);
    // Title and author still find a book that has no Goodreads id yet (created by hand, or by StoryGraph).
    const d = await newUser(t, { admin });
    const mine = await d.request({
      method: "POST",
      url: "/api/books",
      payload: { title: "Kindred", authors: ["Octavia E. Butler"] },
    });
    const matched = (
      await post(d, "goodreads", gr([grRow({ id: "60931", title: "Kindred", author: "Octavia E. Butler" })]))
    ).json();
    expect(matched).toMatchObject({ created: 0, updated: 1 });
    expect(matched.results[0].bookId).toBe(mine.json().id);
    // …but within one file a second row with the same title is another book.
    const twice = gr([
      grRow({ id: "7", title: "Beloved", author: "Toni Morrison" }),
      grRow({ id: "8", title: "Beloved", author: "Toni Morrison" }),
    ]);
    expect((await post(d, "goodreads", twice)).json()).toMatchObject({ created: 2 });
  });

  it("is idempotent over a generated 300-row export; dry run reports and writes nothing", async () => {
    const c = await newUser(t, { admin });
    const csv = generateGoodreadsCsv(300, 7);
    const dry = await post(c, "goodreads", csv, "?dryRun=true");
    expect(dry.statusCode, dry.body).toBe(200);
    const planned = dry.json();
    expect(planned.dryRun).toBe(true);
    expect(planned.created).toBeGreaterThan(250);
    expect(planned.results[0]).toMatchObject({ line: 2, action: "created", bookId: null });
    expect(await counts(c)).toEqual({ books: 0, readings: 0, changes: 0, keys: 0, entries: 0 });

    const first = (await post(c, "goodreads", csv)).json();
    expect(first).toMatchObject({
      dryRun: false,
      created: planned.created,
      updated: planned.updated,
      unchanged: planned.unchanged,
    });
    expect(first.rows).toBe(300);
    const after = await counts(c);
    expect(after.books).toBe(first.created);
    expect(after.entries).toBe(0);

    const second = (await post(c, "goodreads", csv)).json();
    expect(second).toMatchObject({ created: 0, updated: 0, unchanged: 300 - second.rowsWithProblems });
    expect(await counts(c)).toEqual(after);
    const dryAgain = (await post(c, "goodreads", csv, "?dryRun=true")).json();
    expect(dryAgain).toMatchObject({ created: 0, updated: 0 });
  });

  it("maps status, dates, rating and review; re-reads from StoryGraph become several read-throughs", async () => {
    const c = await newUser(t, { admin });
    const sg = `${STORYGRAPH_HEADER}\nDune,Frank Herbert,,9780441172719,paperback,read,2020/01/01,2024/03/01,"2019/05/01-2019/06/01, 2024/02/01-2024/03/01",2,,,,,,,,4.5,Loved it.,,,,No\nEmma,Jane Austen,,,paperback,currently-reading,2020/01/01,,2026/01/05-,1,,,,,,,,,,,,,No\n`;
    const r = await post(c, "storygraph", sg);
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toMatchObject({ created: 2, problemCount: 0 });
    const books = (await c.request({ method: "GET", url: "/api/books" })).json().items as {
      id: string;
      title: string;
      status: string;
    }[];
    const dune = books.find((b) => b.title === "Dune")!;
    expect(dune.status).toBe("finished");
    const readings = (await c.request({ method: "GET", url: `/api/books/${dune.id}/readings` })).json();
    const list = (readings.items ?? readings) as { reading?: unknown }[];
    expect(JSON.stringify(list)).toMatch(/2019-06-01[\s\S]*2024-03-01/);
    expect(JSON.stringify(list)).toContain("Loved it.");
    expect(books.find((b) => b.title === "Emma")!.status).toBe("reading");

    // The same Dune from Goodreads (same ISBN, series marker in the title) matches: nothing new.
    const grFile = gr([
      grRow({
        id: "234225",
        title: "Dune (Dune, #1)",
        isbn13: "9780441172719",
        read: "2024/03/01",
        rating: 5,
      }),
    ]);
    const fromGr = (await post(c, "goodreads", grFile)).json();
    expect(fromGr).toMatchObject({ created: 0, updated: 1 });
    expect(fromGr.results[0].changes).toEqual(["goodreads id 234225"]);
    expect((await post(c, "goodreads", grFile)).json()).toMatchObject({ unchanged: 1 });
  });

  it("moves a wishlist book forward when a later export says it was finished, and never back", async () => {
    const c = await newUser(t, { admin });
    const wish = gr([
      grRow({ id: "1", title: "Kindred", author: "Octavia E. Butler", shelf: "to-read", count: 0 }),
    ]);
    expect((await post(c, "goodreads", wish)).json()).toMatchObject({ created: 1 });
    const done = gr([
      grRow({
        id: "1",
        title: "Kindred",
        author: "Octavia E. Butler",
        read: "2025/02/03",
        rating: 4,
        pages: 264,
      }),
    ]);
    const r = (await post(c, "goodreads", done)).json();
    expect(r).toMatchObject({ updated: 1 });
    expect(r.results[0].changes).toEqual(
      expect.arrayContaining(["totalPages", "wishlist → finished", "rating"]),
    );
    const book = (await c.request({ method: "GET", url: "/api/books" })).json().items[0];
    expect(book).toMatchObject({ status: "finished", totalPages: 264 });
    // The older file again: Readlog's later state wins.
    expect((await post(c, "goodreads", wish)).json()).toMatchObject({ unchanged: 1 });
    expect((await c.request({ method: "GET", url: "/api/books" })).json().items[0].status).toBe("finished");
  });

  it("reports per-row problems with their lines and imports the other rows", async () => {
    const c = await newUser(t, { admin });
    const file = gr([
      grRow({ id: "1", title: "Good one" }),
      grRow({ id: "2", title: "" }),
      grRow({ id: "3", title: "Bad date", read: "2024/13/45" }),
      `4,"broken "quote",x`,
      grRow({ id: "5", title: "Also good", isbn13: "9780441172719" }),
    ]);
    const r = await post(c, "goodreads", file);
    expect(r.statusCode, r.body).toBe(200);
    const body = r.json();
    expect(body).toMatchObject({ rows: 5, created: 2, rowsWithProblems: 3 });
    expect(body.problems.map((p: { line: number }) => p.line)).toEqual([3, 4, 5]);
    expect(body.problems[0]).toMatchObject({ field: "Title" });
    expect((await counts(c)).books).toBe(2);
  });

  it("refuses rows the API would refuse: long titles, too many authors, future days (issue 11, item 2)", async () => {
    const c = await newUser(t, { admin });
    t.clock.set("2026-05-01T12:00:00Z");
    const many = Array.from({ length: 21 }, (_, i) => `Author ${i}`).join(", ");
    const file = gr([
      grRow({ id: "1", title: "x".repeat(501) }),
      grRow({ id: "2", title: "Crowded", author: "One" }).replace('"One",,,', `"One",,"${many}",`),
      grRow({ id: "3", title: "Tomorrow", read: "2026/05/02" }),
      grRow({ id: "4", title: "Fine", read: "2026/05/01" }),
    ]);
    const body = (await post(c, "goodreads", file)).json();
    expect(body).toMatchObject({ rows: 4, created: 1, rowsWithProblems: 3 });
    expect(body.problems.map((p: { line: number; field: string }) => [p.line, p.field])).toEqual([
      [2, "Title"],
      [3, "Author"],
      [4, "Date Read"],
    ]);
    t.clock.set(new Date());
  });

  it("refuses a whole file that is not the export (400), not UTF-8-safe, too large (413) — writing nothing", async () => {
    const c = await newUser(t, { admin });
    const wrong = await post(c, "goodreads", "Title,Author\nDune,Herbert\n");
    expect(wrong.statusCode).toBe(400);
    expect(wrong.headers["content-type"]).toContain("application/problem+json");
    expect(wrong.json()).toMatchObject({ type: "urn:readlog:problem:import-header" });
    expect(wrong.json().detail).toContain("Book Id");

    const sgAsGr = await post(c, "goodreads", `${STORYGRAPH_HEADER}\n`);
    expect(sgAsGr.json().detail).toContain("StoryGraph");

    const utf16 = await post(
      c,
      "goodreads",
      Buffer.from(`\ufeff${gr([grRow({ id: "1", title: "X" })])}`, "utf16le"),
    );
    expect(utf16.statusCode).toBe(400);
    expect(utf16.json().type).toBe("urn:readlog:problem:import-encoding");

    const latin1 = Buffer.concat([
      Buffer.from(`${GOODREADS_HEADER}\n${grRow({ id: "1", title: "Fine" })}\n`),
      Buffer.from(grRow({ id: "2", title: "Caf\u00e9" }), "latin1"),
      Buffer.from("\n"),
    ]);
    const bad = (await post(c, "goodreads", latin1)).json();
    expect(bad).toMatchObject({ created: 1, rowsWithProblems: 1 });
    expect(bad.problems[0].message).toContain("not valid UTF-8");

    const before = await counts(c);
    const big = generateGoodreadsCsv(700, 3); // > 128 KiB, the cap this app was started with
    expect(Buffer.byteLength(big)).toBeGreaterThan(128 * 1024);
    const tooLarge = await post(c, "goodreads", big);
    expect(tooLarge.statusCode).toBe(413);
    expect(tooLarge.json().type).toBe("urn:readlog:problem:import-too-large");
    // Without a Content-Length (chunked upload) the cap is counted while reading.
    const chunked = await c.request({
      method: "POST",
      url: "/api/imports/goodreads",
      headers: { "content-type": "text/csv" },
      payload: Readable.from([Buffer.from(big)]),
    });
    expect(chunked.statusCode, chunked.body).toBe(413);
    expect(await counts(c)).toEqual(before);

    const json = await c.request({ method: "POST", url: "/api/imports/goodreads", payload: { csv: "x" } });
    expect(json.statusCode).toBe(415);
  });
});
