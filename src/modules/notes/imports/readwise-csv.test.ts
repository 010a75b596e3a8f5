import { describe, expect, it } from "vitest";
import { parseReadwiseTime, type ReadwiseHighlight, readReadwiseCsv } from "./readwise-csv.js";

const HEADER =
  "Highlight,Book Title,Book Author,Amazon Book ID,Note,Color,Tags,Location Type,Location,Highlighted at,Document tags";

async function* chunks(s: string, size = 5) {
  const b = Buffer.from(s, "utf8");
  for (let i = 0; i < b.length; i += size) yield b.subarray(i, i + size);
}

async function readAll(csv: string) {
  const highlights: ReadwiseHighlight[] = [];
  const problems: Array<{ line: number; message: string }> = [];
  for await (const r of readReadwiseCsv(chunks(csv))) {
    if ("highlight" in r) highlights.push(r.highlight);
    else problems.push({ line: r.problem.line, message: r.problem.message });
  }
  return { highlights, problems };
}

describe("Readwise CSV export", () => {
  it("maps every column by name, with quoted commas, newlines and the book identity the export gives", async () => {
    const csv = [
      `\uFEFF${HEADER}`,
      `"He who has a why to live can bear almost any how.",Man's Search for Meaning,Viktor E. Frankl,B009U9S6FI,"A note, with a comma",yellow,"favorite, philosophy",location,1234,2026-07-17 14:00:25+00:00,"psychology, memoir"`,
      `"Line one\nline two",Dune,Frank Herbert,,,Blue,,page,12,2026-07-18T08:00:00Z,`,
      `"Same text, other edition",Dune,Frank Herbert,B00B7NPRY8,,,,order,3,,`,
    ].join("\r\n");
    const { highlights, problems } = await readAll(csv);
    expect(problems).toEqual([]);
    expect(highlights.map(({ key, ...h }) => h)).toEqual([
      {
        line: 2,
        text: "He who has a why to live can bear almost any how.",
        note: "A note, with a comma",
        color: "yellow",
        tags: ["favorite", "philosophy"],
        location: { type: "location", value: 1234 },
        highlightedAt: "2026-07-17T14:00:25.000Z",
        book: {
          title: "Man's Search for Meaning",
          authors: ["Viktor E. Frankl"],
          asin: "B009U9S6FI",
          documentTags: ["psychology", "memoir"],
        },
      },
      {
        line: 3,
        text: "Line one\nline two",
        color: "blue",
        tags: [],
        location: { type: "page", value: 12 },
        highlightedAt: "2026-07-18T08:00:00.000Z",
        book: { title: "Dune", authors: ["Frank Herbert"], documentTags: [] },
      },
      {
        line: 5,
        text: "Same text, other edition",
        tags: [],
        location: { type: "order", value: 3 },
        book: { title: "Dune", authors: ["Frank Herbert"], asin: "B00B7NPRY8", documentTags: [] },
      },
    ]);
    // Keys are stable (same row → same key) and distinct per highlight.
    const again = await readAll(csv.replace(/\r\n/g, "\n"));
    expect(again.highlights.map((h) => h.key)).toEqual(highlights.map((h) => h.key));
    expect(new Set(highlights.map((h) => h.key)).size).toBe(3);
  });

  it("accepts columns in another order and reports bad rows without stopping", async () => {
    const csv = [
      "Book Title,Highlight,Location,Highlighted at",
      "Dune,,1,",
      "Dune,ok,abc,",
      "Dune,ok,2,2026-02-30 10:00:00+00:00",
      'Dune,"broken"quote,3,',
      "Dune,fine,4,2026-03-01 10:00:00+01:00",
      "Dune,too,many,fields,here",
    ].join("\n");
    const { highlights, problems } = await readAll(csv);
    expect(highlights.map((h) => [h.text, h.location?.value, h.highlightedAt])).toEqual([
      ["fine", 4, "2026-03-01T09:00:00.000Z"],
    ]);
    expect(problems.map((p) => p.line)).toEqual([2, 3, 4, 5, 7]);
    expect(problems[0]!.message).toMatch(/Highlight: the highlight is empty/);
    expect(problems[1]!.message).toMatch(/Location: "abc" is not a number/);
    expect(problems[2]!.message).toMatch(/Highlighted at/);
  });

  it("refuses a file that is not a Readwise export", async () => {
    await expect(readAll("Title,Author\nx,y")).rejects.toThrow(
      /not a Readwise export: the header lacks Highlight, Book Title/,
    );
    await expect(readAll("")).rejects.toThrow(/empty/);
  });

  it("reads its timestamps strictly", () => {
    expect(parseReadwiseTime("2026-07-17 14:00:25+00:00")).toBe("2026-07-17T14:00:25.000Z");
    expect(parseReadwiseTime("2026-07-17 14:00:25-0500")).toBe("2026-07-17T19:00:25.000Z");
    expect(parseReadwiseTime("2026-07-17 14:00")).toBe("2026-07-17T14:00:00.000Z");
    expect(parseReadwiseTime("July 17, 2026")).toBeUndefined();
    expect(parseReadwiseTime("2026-13-01 00:00:00")).toBeUndefined();
  });
});
