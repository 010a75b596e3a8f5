import { describe, expect, it } from "vitest";
import { importFixture, readAll } from "./imports.test-helpers.js";

const fixture = importFixture("storygraph-export.csv").toString("utf8");

describe("StoryGraph import", () => {
  it("reads ranges, several read-throughs, fractional ratings, DNF and empty or non-ISBN UIDs", async () => {
    const { records, problems } = await readAll(fixture, "storygraph");
    expect(problems).toEqual([]);
    expect(records.map((r) => [r.line, r.title, r.status])).toEqual([
      [2, "Piranesi", "finished"],
      [4, "The Three-Body Problem", "finished"],
      [5, "Infinite Jest", "abandoned"],
      [6, "Ancillary Justice", "reading"],
      [7, "Good Omens", "wishlist"],
      [8, "Le Petit Prince", "paused"],
      [9, "A Zine About Moss", "finished"],
    ]);
    const [piranesi, threeBody, jest, ancillary, omens, prince, zine] = records;
    expect(piranesi).toEqual({
      source: "storygraph",
      line: 2,
      title: "Piranesi",
      authors: ["Susanna Clarke"],
      isbn10: "163557563X",
      isbn13: "9781635575637",
      status: "finished",
      rating: 4.5,
      review: "Strange and lovely.\nThe statues stay with you.",
      dateAdded: "2025-04-01",
      readDates: [{ start: "2025-04-19", end: "2025-04-21" }],
      readCount: 1,
      shelves: ["fantasy", "favourites"],
    });
    expect(threeBody).toMatchObject({
      authors: ["Cixin Liu", "Ken Liu"],
      rating: 3.75,
      readCount: 2,
      readDates: [
        { start: "2023-01-02", end: "2023-01-10" },
        { start: "2024-06-01", end: "2024-06-05" },
      ],
    });
    expect(jest).toMatchObject({ readDates: [{ start: "2024-02-01" }], review: "Gave up at page 300." });
    expect(jest?.isbn13).toBeUndefined();
    expect(jest?.externalId).toBeUndefined();
    expect(jest?.rating).toBeUndefined();
    expect(ancillary?.readDates).toEqual([{ start: "2025-05-02" }]);
    expect(omens).toMatchObject({ isbn10: "0552152676", shelves: ["humour", "to-buy"], readDates: [] });
    expect(omens?.rating).toBeUndefined();
    expect(prince).toMatchObject({ isbn13: "9791032305690", authors: ["Antoine de Saint-Exupéry"] });
    expect(prince?.isbn10).toBeUndefined();
    expect(zine).toMatchObject({ externalId: "sg-9f8e7d6c", rating: 5, readDates: [{ end: "2023-08-09" }] });
  });

  it("reads the same file with CRLF line ends and a BOM", async () => {
    const crlf = `\uFEFF${fixture.replace(/\n/g, "\r\n")}`;
    const lf = await readAll(fixture, "auto");
    const { records, problems } = await readAll(crlf, "auto", { chunkSize: 13 });
    expect(problems).toEqual([]);
    expect(records).toEqual(lf.records);
  });

  it("falls back on Last Date Read when an older export has no Dates Read column", async () => {
    const csv =
      "Title,Authors,ISBN/UID,Read Status,Last Date Read,Star Rating\nOld,Someone,,read,2019/09/09,2.25\n";
    const { records } = await readAll(csv, "storygraph");
    expect(records[0]).toMatchObject({
      readDates: [{ end: "2019-09-09" }],
      rating: 2.25,
      authors: ["Someone"],
    });
  });

  it("reports unknown statuses, bad ratings, bad ISBNs and impossible ranges per row", async () => {
    const header = fixture.split("\n")[0];
    const row = (title: string, isbn: string, status: string, dates: string, rating: string) =>
      `${title},Someone,,${isbn},paperback,${status},2024/01/01,,${dates},1,,,,,,,,${rating},,,,,No`;
    const csv = [
      header,
      row("Fine", "9780765382030", "read", "2024/01/01-2024/01/03", "4.25"),
      row("Bad Status", "", "reading-ish", "", ""),
      row("Bad Rating", "", "read", "", "7.5"),
      row("Bad ISBN", "9780765382031", "read", "", ""),
      row("Bad Range", "", "read", "2024/04/31-2024/05/02", ""),
      row("Also Fine", "", "to-read", "", ""),
    ].join("\n");
    const { records, problems } = await readAll(csv, "storygraph");
    expect(records.map((r) => r.title)).toEqual(["Fine", "Also Fine"]);
    expect(problems.map((p) => [p.line, p.field])).toEqual([
      [3, "Read Status"],
      [4, "Star Rating"],
      [5, "ISBN/UID"],
      [6, "Dates Read"],
    ]);
    expect(problems[0]?.message).toContain('"reading-ish" is not a StoryGraph read status');
  });
});
