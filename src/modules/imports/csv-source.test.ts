import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { GOODREADS_HEADER, generateGoodreadsCsv } from "../../../bench/support/goodreads-csv.js";
import { DEFAULT_MAX_IMPORT_BYTES, detectFormat, ImportFileError, readImportRows } from "./csv-source.js";
import { importFixture, readAll } from "./imports.test-helpers.js";

const storygraph = importFixture("storygraph-export.csv").toString("utf8");
const STORYGRAPH_HEADER = storygraph.split("\n")[0]!;

async function failure(promise: Promise<unknown>): Promise<ImportFileError> {
  const e = await promise.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ImportFileError);
  return e as ImportFileError;
}

describe("detectFormat", () => {
  it("recognises both exports by header names, with a BOM and in any column order", () => {
    expect(detectFormat(GOODREADS_HEADER)).toBe("goodreads");
    expect(detectFormat(`\uFEFF${STORYGRAPH_HEADER}\r\n`)).toBe("storygraph");
    expect(
      detectFormat(["Exclusive Shelf", "My Rating", "ISBN13", "ISBN", "Author", "Title", "Book Id"]),
    ).toBe("goodreads");
    expect(detectFormat("Highlight,Book Title,Book Author")).toBeUndefined();
    expect(detectFormat("")).toBeUndefined();
  });
});

describe("readImportRows", () => {
  it("fails fast on a header that is neither export, listing the missing columns", async () => {
    const e = await failure(readAll("Highlight,Book Title,Book Author,Note\nx,y,z,w\n", "auto"));
    expect(e.status).toBe(400);
    expect(e.code).toBe("import-header");
    expect(e.message).toBe(
      "This is neither a Goodreads nor a StoryGraph export: the header lacks the Goodreads columns Book Id, Title, Author, ISBN, ISBN13, My Rating, Exclusive Shelf and the StoryGraph columns Title, Authors, ISBN/UID, Read Status, Star Rating",
    );
  });

  it("names the missing columns of the format asked for, and says when the file is the other export", async () => {
    const partial = await failure(readAll("Book Id,Title,Author,ISBN,My Rating\n", "goodreads"));
    expect(partial.message).toBe(
      "This is not a Goodreads export: the header lacks the columns ISBN13, Exclusive Shelf",
    );
    const other = await failure(readAll(storygraph, "goodreads"));
    expect(other.message).toMatch(
      /^This is not a Goodreads export \(it looks like a StoryGraph export\): the header lacks/,
    );
  });

  it("refuses an empty file and an unreadable header line", async () => {
    expect((await failure(readAll("", "auto"))).message).toMatch(/empty/);
    expect((await failure(readAll('Title,"Authors\n', "auto"))).message).toMatch(
      /^The header line is unreadable: broken quoting/,
    );
  });

  it("reports broken quoting with its line and reads the rows after it", async () => {
    const lines = generateGoodreadsCsv(6, 3).trimEnd().split("\n");
    lines[2] = lines[2]!.replace(/^(\d+),/, '$1,Bad "quoted" title,');
    lines[4] = lines[4]!.replace(/^(\d+),/, '$1,"Unclosed title,');
    const { records, problems } = await readAll(lines.join("\n"), "goodreads", { chunkSize: 50 });
    expect(problems).toEqual([
      {
        line: 3,
        message:
          "broken quoting in field 2: a quote inside an unquoted field (the field must be quoted and the quote doubled)",
      },
      { line: 5, message: expect.stringMatching(/^broken quoting in field 2: /) },
    ]);
    expect(records.map((r) => r.line)).toEqual([2, 4, 6, 7]);
  });

  it("reports a row with a missing or extra comma instead of shifting its columns", async () => {
    const { records, problems } = await readAll(`${STORYGRAPH_HEADER}\nShort,Row,,,read\n`, "storygraph");
    expect(records).toEqual([]);
    expect(problems).toEqual([
      { line: 2, message: "the row has 5 fields but the header has 23 (a missing or extra comma?)" },
    ]);
  });

  it("reports rows that are not UTF-8 with their line instead of importing mojibake", async () => {
    const [header, ...rows] = storygraph.trimEnd().split("\n");
    const latin1 = Buffer.from(`${rows[7]!.replace("A Zine", "Caf\u00e9 Zine")}\n`, "latin1");
    const bytes = Buffer.concat([Buffer.from(`${header}\n${rows.slice(0, 7).join("\n")}\n`), latin1]);
    for (const chunkSize of [7, 1024]) {
      const { records, problems } = await readAll(bytes, "storygraph", { chunkSize });
      expect(problems).toEqual([
        { line: 9, message: "line 9 is not valid UTF-8 (byte 0xE9); export the file again as UTF-8" },
      ]);
      expect(records).toHaveLength(6);
      expect(records.map((r) => r.title).join()).not.toContain("\uFFFD");
    }
  });

  it("refuses UTF-16 files as a whole", async () => {
    const utf16 = Buffer.from(`\uFEFF${STORYGRAPH_HEADER}\n`, "utf16le");
    const e = await failure(readAll(utf16, "auto"));
    expect(e.code).toBe("import-encoding");
  });

  it("stops reading a stream past maxBytes with a 413 and does not pull the rest", async () => {
    let pulled = 0;
    const endless = Readable.from(
      (function* () {
        yield `${GOODREADS_HEADER}\n`;
        const filler = Buffer.from("\n".repeat(64 * 1024));
        for (;;) {
          pulled++;
          yield filler;
        }
      })(),
    );
    const consume = async () => {
      for await (const _ of readImportRows(endless, "goodreads", { maxBytes: 1_000_000 })) {
      }
    };
    const e = await failure(consume());
    expect(e.status).toBe(413);
    expect(e.message).toBe("The file is larger than the 976.6 KB import limit; split it or raise the limit");
    expect(pulled).toBeLessThan(20);
    expect(endless.destroyed).toBe(true);
  });

  it("applies a 50 MB limit by default", async () => {
    expect(DEFAULT_MAX_IMPORT_BYTES).toBe(50 * 1024 * 1024);
    const filler = Buffer.alloc(1024 * 1024, 0x0a);
    const chunks = [Buffer.from(`${GOODREADS_HEADER}\n`), ...Array.from({ length: 51 }, () => filler)];
    const e = await failure(readAll(Buffer.concat(chunks), "goodreads", { chunkSize: 1024 * 1024 }));
    expect(e.message).toMatch(/larger than the 50 MB import limit/);
  });
});
