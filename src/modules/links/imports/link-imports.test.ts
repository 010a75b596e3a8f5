import { createReadStream, readFileSync } from "node:fs";
import { zipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { parseInstapaperCsv } from "./instapaper-csv.js";
import type { ImportBytes, LinkImportItem } from "./link-import.js";
import { parseNetscapeBookmarks } from "./netscape-bookmarks.js";
import { parseOmnivoreExport } from "./omnivore-export.js";
import { parsePocketCsv } from "./pocket-csv.js";

const fixture = (name: string) => createReadStream(`test/fixtures/imports/${name}`, { highWaterMark: 64 });

async function all(items: AsyncIterable<LinkImportItem>): Promise<LinkImportItem[]> {
  const out: LinkImportItem[] = [];
  for await (const i of items) out.push(i);
  return out;
}

async function* chunks(text: string | Uint8Array, size = 7): ImportBytes {
  const bytes = typeof text === "string" ? Buffer.from(text) : text;
  for (let i = 0; i < bytes.byteLength; i += size) yield bytes.subarray(i, i + size);
}

const rule = (items: LinkImportItem[]) =>
  items.flatMap((i) => i.problems.map((p) => `${p.line} ${p.field} ${p.rule}`));

describe("Pocket export CSV", () => {
  it("reads rows (tags split on |, status, Unix times) and reports damaged ones by line, field and rule", async () => {
    const items = await all(parsePocketCsv(fixture("pocket-export.csv")));
    expect(items.map((i) => i.row)).toEqual([
      {
        url: "https://paulgraham.com/greatwork.html",
        title: "How to Do Great Work",
        tags: ["essays", "career"],
        savedAt: "2023-07-01T00:00:00.000Z",
        state: "unread",
      },
      {
        url: "https://example.org/slow-reading?utm_source=pocket_saves",
        title: 'Why "Slow" Reading Matters, Again',
        tags: ["reading"],
        savedAt: "2023-11-14T22:13:20.000Z",
        state: "archived",
      },
      {
        url: "https://example.com/untitled",
        title: undefined,
        tags: [],
        savedAt: "2024-03-09T16:00:00.000Z",
        state: "unread",
      },
      undefined,
      { url: "https://example.com/time", title: "Bad time", tags: [], savedAt: undefined, state: "unread" },
      {
        url: "https://example.com/status",
        title: "Odd status",
        tags: [],
        savedAt: "2024-03-09T16:00:02.000Z",
        state: undefined,
      },
    ]);
    expect(rule(items)).toEqual(["5 url http-url", "6 time_added timestamp", "7 status one-of"]);
  });

  it("a file that is not a Pocket export gives one file problem, never a throw", async () => {
    expect(rule(await all(parsePocketCsv(chunks("Title,Author\nDune,Herbert\n"))))).toEqual([
      "1 file header",
    ]);
    expect(rule(await all(parsePocketCsv(chunks(""))))).toEqual(["1 file header"]);
    expect(rule(await all(parsePocketCsv(chunks(Buffer.alloc(2000, 0x41)), { maxBytes: 1000 })))).toEqual([
      "0 file too-large",
    ]);
  });

  it("an unclosed quote or a short row is one problem; the rows after it still read", async () => {
    const csv =
      'title,url,time_added,tags,status\n"broken,https://a.example/,1,,unread\nshort,https://b.example/\nok,https://c.example/,1700000000,,unread\n';
    const items = await all(parsePocketCsv(chunks(csv)));
    expect(rule(items)).toEqual(["2 row csv", "3 row field-count"]);
    expect(items.at(-1)?.row?.url).toBe("https://c.example/");
  });
});

describe("Instapaper CSV", () => {
  it("maps folders to state or tags, reads JSON tags, and refuses non-http links", async () => {
    const items = await all(parseInstapaperCsv(fixture("instapaper-export.csv")));
    expect(items.map((i) => i.row && [i.row.url, i.row.state, i.row.tags])).toEqual([
      ["https://www.newyorker.com/magazine/2023/long-read", "unread", []],
      ["https://example.com/archived", "archived", ["history", "maps"]],
      ["https://example.com/starred", "favourite", []],
      ["https://example.com/folder", undefined, ["Cooking"]],
      undefined,
      ["https://example.com/badtags", "unread", []],
    ]);
    expect(items[1]?.row?.title).toBe("Archived, with a comma");
    expect(items[0]?.row?.savedAt).toBe("2023-07-22T04:26:40.000Z");
    expect(rule(items)).toEqual(["6 URL http-url", "7 Tags json-strings"]);
  });
});

describe("Omnivore export", () => {
  it("reads every metadata_*_to_*.json in the zip, in order, with labels as tags and state", async () => {
    const items = await all(parseOmnivoreExport(fixture("omnivore-export.zip")));
    expect(items.map((i) => i.row)).toEqual([
      {
        url: "https://example.com/the-article",
        title: "The Article",
        tags: ["Newsletters", "Tech"],
        savedAt: "2024-03-01T10:00:00.000Z",
        state: "unread",
      },
      {
        url: "https://example.org/archived",
        title: "Archived piece",
        tags: ["history"],
        savedAt: "2023-12-24T08:30:00.000Z",
        state: "favourite",
      },
      undefined,
      undefined,
      undefined,
    ]);
    expect(rule(items)).toEqual([
      "3 state deleted",
      "4 url required",
      "4 savedAt timestamp",
      "5 item object",
    ]);
  });

  it("accepts one metadata JSON file, and reports a damaged zip, a zip without metadata and bad JSON", async () => {
    const json = JSON.stringify([
      {
        url: "https://example.com/x",
        title: "X",
        labels: [],
        savedAt: "2024-01-01T00:00:00Z",
        state: "Succeeded",
      },
    ]);
    expect((await all(parseOmnivoreExport(chunks(json))))[0]?.row?.url).toBe("https://example.com/x");
    const zip = readFileSync("test/fixtures/imports/omnivore-export.zip");
    expect(rule(await all(parseOmnivoreExport(chunks(zip.subarray(0, 200)))))).toEqual(["0 file zip"]);
    expect(rule(await all(parseOmnivoreExport(chunks(zipSync({ "notes.txt": Buffer.from("hi") })))))).toEqual(
      ["0 file omnivore-metadata"],
    );
    expect(rule(await all(parseOmnivoreExport(chunks("[{"))))).toEqual(["1 file json"]);
    expect(rule(await all(parseOmnivoreExport(chunks('{"a":1}'))))).toEqual(["1 file json"]);
  });
});

describe("browser bookmarks (Netscape HTML)", () => {
  it("reads links with folders as tags (browser roots left out) and TAGS, line numbers, ADD_DATE", async () => {
    const items = await all(parseNetscapeBookmarks(fixture("bookmarks-firefox.html")));
    expect(items.map((i) => i.row && [i.row.url, i.row.title, i.row.tags])).toEqual([
      ["https://www.mozilla.org/en-US/firefox/", "Firefox & you", []],
      ["https://lwn.net/Articles/1/", "LWN: an article", ["Reading", "Tech", "linux", "kernel"]],
      ["https://example.org/essay", "An essay", ["Reading"]],
      undefined,
      ["https://example.com/no-date", "No date", []],
    ]);
    expect(items.map((i) => i.line)).toEqual([14, 19, 21, 25, 26]);
    expect(items[1]?.row?.savedAt).toBe("2023-11-14T22:13:26.000Z");
    expect(rule(items)).toEqual(["25 HREF http-url"]);
  });

  it("reads the same when the file arrives one byte at a time", async () => {
    const text = readFileSync("test/fixtures/imports/bookmarks-firefox.html", "utf8");
    const a = await all(parseNetscapeBookmarks(chunks(text, 1)));
    const b = await all(parseNetscapeBookmarks(fixture("bookmarks-firefox.html")));
    expect(a).toEqual(b);
  });

  it("reads Pocket's old HTML export: sections as state, tags attribute", async () => {
    const items = await all(parseNetscapeBookmarks(fixture("pocket-export.html")));
    expect(items.map((i) => i.row)).toEqual([
      {
        url: "https://example.com/unread-one",
        title: "Unread one",
        tags: ["news", "politics"],
        savedAt: "2020-09-13T12:26:40.000Z",
        state: "unread",
      },
      {
        url: "https://example.com/read-one",
        title: "Read one",
        tags: [],
        savedAt: "2017-07-14T02:40:00.000Z",
        state: "archived",
      },
    ]);
  });

  it("damaged input: an unclosed tag, no links, binary garbage: problems, no throw", async () => {
    expect(
      rule(await all(parseNetscapeBookmarks(chunks('<DL><DT><A HREF="https://x.example/">never closed')))),
    ).toEqual(["1 file html", "1 file bookmarks"]);
    expect(rule(await all(parseNetscapeBookmarks(chunks("<html><body>nothing</body></html>"))))).toEqual([
      "1 file bookmarks",
    ]);
    expect(
      rule(await all(parseNetscapeBookmarks(chunks(Buffer.from([0xff, 0xfe, 0x00, 0x3c, 0x41]))))).length,
    ).toBe(1);
  });
});
