import { describe, expect, it } from "vitest";
import {
  htmlToText,
  parseDateRanges,
  parseExportDate,
  RowReader,
  splitList,
  unwrapFormula,
} from "./row-reader.js";

const rowOf = (cells: Record<string, string>) => {
  const names = Object.keys(cells);
  return new RowReader(new Map(names.map((n, i) => [n.toLowerCase(), i])), Object.values(cells), 7);
};

describe("import field parsing", () => {
  it("turns export dates into local days and refuses impossible ones", () => {
    expect(parseExportDate("2023/10/22")).toEqual({ day: "2023-10-22" });
    expect(parseExportDate("2024/2/9")).toEqual({ day: "2024-02-09" });
    expect(parseExportDate("2024-02-29")).toEqual({ day: "2024-02-29" });
    expect(parseExportDate("2023/02/29")).toEqual({ error: "2023/02/29 is not a real date" });
    expect(parseExportDate("1900/02/29")).toEqual({ error: "1900/02/29 is not a real date" });
    expect(parseExportDate("2023/13/01")).toEqual({ error: "2023/13/01 is not a real date" });
    expect(parseExportDate("22/10/2023")).toEqual({
      error: '"22/10/2023" is not a date (YYYY/MM/DD expected)',
    });
  });

  it("unwraps spreadsheet formula ISBNs", () => {
    expect(unwrapFormula('="0465042333"')).toBe("0465042333");
    expect(unwrapFormula('=""')).toBe("");
    expect(unwrapFormula("9780465042333")).toBe("9780465042333");
  });

  it("converts Goodreads review HTML to plain text", () => {
    expect(
      htmlToText("Loved it.<br/><br />Really &amp; truly: <i>&quot;wow&quot;</i>&#33;<BR>&lt;3 &#x1F600;"),
    ).toBe('Loved it.\n\nReally & truly: "wow"!\n<3 😀');
    expect(htmlToText("<p>One</p><p>Two</p>")).toBe("One\n\nTwo");
  });

  it("splits comma lists without blanks or repeats", () => {
    expect(splitList(" sci-fi, favourites,,sci-fi ")).toEqual(["sci-fi", "favourites"]);
  });

  it("reads StoryGraph date ranges, several per cell, open ends included", () => {
    const row = rowOf({ "Dates Read": "2025/04/19-2025/04/21, 2024/01/02-, -2023/05/06, 2022/07/08" });
    expect(parseDateRanges(row, "Dates Read", false)).toEqual([
      { start: "2025-04-19", end: "2025-04-21" },
      { start: "2024-01-02" },
      { end: "2023-05-06" },
      { end: "2022-07-08" },
    ]);
    expect(row.problems).toEqual([]);
  });

  it("reports impossible days and backwards ranges with the column", () => {
    const row = rowOf({ "Dates Read": "2025/02/30-2025/03/02, 2025/05/01-2025/04/01" });
    parseDateRanges(row, "Dates Read", false);
    expect(row.problems).toEqual([
      { line: 7, field: "Dates Read", message: "2025/02/30 is not a real date" },
      { line: 7, field: "Dates Read", message: "the range 2025/05/01-2025/04/01 ends before it starts" },
    ]);
  });

  it("validates ratings, whole numbers and ISBNs, recording problems by column", () => {
    const row = rowOf({ a: "4.5", b: "6", c: "0", d: "12x", e: '="0465042334"', f: '="046504233"' });
    expect(row.rating("a", true)).toBe(4.5);
    expect(row.rating("a", false)).toBeUndefined();
    expect(row.rating("b", true)).toBeUndefined();
    expect(row.rating("c", true)).toBeUndefined();
    expect(row.int("d", 0, 10)).toBeUndefined();
    expect(row.isbn("e")).toBeUndefined();
    expect(row.isbn("f")).toBeUndefined();
    expect(row.problems.map((p) => `${p.field}: ${p.message}`)).toEqual([
      'a: "4.5" is not a rating from 0 to 5 in whole stars',
      'b: "6" is not a rating from 0 to 5',
      'd: "12x" is not a whole number from 0 to 10',
      "e: 0465042334 is not a valid ISBN: its check digit is wrong",
      "f: 046504233 is not a valid ISBN: an ISBN has 10 or 13 digits",
    ]);
  });
});
