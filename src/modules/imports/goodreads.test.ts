import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { GOODREADS_HEADER, generateGoodreadsCsv } from "../../../bench/support/goodreads-csv.js";
import { importFixture, PROJECT_ROOT, readAll } from "./imports.test-helpers.js";

const SHARED = resolve(PROJECT_ROOT, "../shared/data/imports/goodreads");
const hasShared = existsSync(SHARED);
if (!hasShared) console.log(`[readlog] real Goodreads export tests skipped: ${SHARED} is absent`);

describe.skipIf(!hasShared)("Goodreads import: the real export in ../shared", () => {
  it("reads vancelle-goodreads-1.csv into one finished, rated book", async () => {
    const { records, problems } = await readAll(
      readFileSync(resolve(SHARED, "vancelle-goodreads-1.csv")),
      "goodreads",
    );
    expect(problems).toEqual([]);
    expect(records).toEqual([
      {
        source: "goodreads",
        line: 2,
        externalId: "58669149",
        title: "Centers of Gravity (Frontlines, #8)",
        authors: ["Marko Kloos"],
        totalPages: 329,
        status: "finished",
        rating: 5,
        dateAdded: "2023-10-22",
        readDates: [{ end: "2023-10-22" }],
        readCount: 1,
        shelves: [],
      },
    ]);
  });
});

describe("Goodreads import", () => {
  it("reads the older variant (no Average Rating; Recommended For, BCID…) by header name", async () => {
    const { records, problems } = await readAll(importFixture("goodreads-older-variant.csv"), "auto");
    expect(problems).toEqual([]);
    expect(records).toHaveLength(3);
    expect(records[0]).toEqual({
      source: "goodreads",
      line: 2,
      externalId: "13496",
      title: "A Game of Thrones (A Song of Ice and Fire, #1)",
      authors: ["George R.R. Martin"],
      isbn10: "0553588486",
      isbn13: "9780553588484",
      totalPages: 835,
      status: "finished",
      rating: 4,
      review: 'Long.\n\nWorth it & then some: "winter" came.\nMostly.',
      dateAdded: "2012-11-30",
      readDates: [{ end: "2013-05-04" }],
      readCount: 2,
      shelves: ["fantasy"],
    });
    expect(records[1]).toMatchObject({
      title: "Dune (Dune #1)",
      status: "wishlist",
      readDates: [],
      readCount: 0,
    });
    expect(records[1]?.rating).toBeUndefined();
    expect(records[1]?.totalPages).toBeUndefined();
    expect(records[2]).toMatchObject({
      authors: ["Vladimir Nabokov", "Craig Raine", "Alfred Appel Jr."],
      status: "abandoned",
      shelves: ["abandoned", "classics"],
    });
    expect(records[2]?.isbn13).toBeUndefined();
  });

  it("maps the exclusive shelves, custom ones by name", async () => {
    const head = "Book Id,Title,Author,ISBN,ISBN13,My Rating,Exclusive Shelf";
    const rows = ["read", "currently-reading", "to-read", "on-hold", "did-not-finish", "someday"].map(
      (shelf, i) => `${i},Book ${i},A,,,0,${shelf}`,
    );
    const { records } = await readAll([head, ...rows].join("\n"), "goodreads");
    expect(records.map((r) => r.status)).toEqual([
      "finished",
      "reading",
      "wishlist",
      "paused",
      "abandoned",
      "wishlist",
    ]);
  });

  it("reports bad ISBNs, impossible dates and bad ratings per row, and still reads the other rows", async () => {
    const csv = [
      GOODREADS_HEADER,
      '1,Good One,A,"A, B",,"=""0465042333""","=""9780465042333""",3,4.1,P,Paperback,10,2000,2000,2020/01/02,2020/01/01,,,read,,,,1,0',
      '2,Bad ISBN,A,"A, B",,"=""0465042334""","=""""",3,4.1,P,Paperback,10,2000,2000,,2020/01/01,,,to-read,,,,0,0',
      '3,Bad Date,A,"A, B",,"=""""","=""""",9,4.1,P,Paperback,10,2000,2000,2021/02/29,2020/01/01,,,read,,,,1,0',
      '4,Mismatch,A,"A, B",,"=""0465042333""","=""9780306406157""",0,4.1,P,Paperback,10,2000,2000,,2020/01/01,,,to-read,,,,0,0',
      '5,Good Two,A,"A, B",,"=""""","=""9791032305690""",0,4.1,P,Paperback,,2000,2000,,2020/01/01,,,to-read,,,,0,0',
    ].join("\r\n");
    const { records, problems } = await readAll(csv, "goodreads");
    expect(records.map((r) => r.title)).toEqual(["Good One", "Good Two"]);
    expect(records[1]).toMatchObject({ isbn13: "9791032305690", line: 6 });
    expect(records[1]?.isbn10).toBeUndefined();
    expect(problems).toEqual([
      { line: 3, field: "ISBN", message: "0465042334 is not a valid ISBN: its check digit is wrong" },
      { line: 4, field: "My Rating", message: '"9" is not a rating from 0 to 5 in whole stars' },
      { line: 4, field: "Date Read", message: "2021/02/29 is not a real date" },
      {
        line: 5,
        field: "ISBN13",
        message: "ISBN 0465042333 and ISBN13 9780306406157 are different books",
      },
    ]);
  });

  it("reads a generated 2,000-book export without a problem, in any chunking", async () => {
    const csv = generateGoodreadsCsv(2000, 7);
    const { records, problems } = await readAll(csv, "goodreads", { chunkSize: 777 });
    expect(problems).toEqual([]);
    expect(records).toHaveLength(2000);
    expect(records.filter((r) => r.isbn13).length).toBeGreaterThan(1500);
    expect(records.some((r) => r.review?.includes("\n"))).toBe(true);
    expect(new Set(records.map((r) => r.status))).toEqual(
      new Set(["finished", "wishlist", "reading", "abandoned"]),
    );
    expect(records.at(-1)?.line).toBe(2001);
  });
});
