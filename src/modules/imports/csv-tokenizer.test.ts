import { parse } from "csv-parse/sync";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type CsvRow, CsvTokenizer } from "./csv-tokenizer.js";

/** Tokenizes `text` pushed in pieces cut at `cuts` (offsets), as a stream would deliver it. */
function tokenize(text: string, cuts: number[] = [], maxRecordChars?: number): CsvRow[] {
  const t = new CsvTokenizer({ maxRecordChars });
  const out: CsvRow[] = [];
  let from = 0;
  for (const at of [...cuts].sort((a, b) => a - b)) {
    out.push(...t.push(text.slice(from, at)));
    from = at;
  }
  out.push(...t.push(text.slice(from)), ...t.end());
  return out;
}

const fieldsOf = (rows: CsvRow[]) => rows.map((r) => ("fields" in r ? r.fields : `ERROR ${r.error}`));

describe("CsvTokenizer", () => {
  it("reads quoted fields with commas, doubled quotes and newlines, with the line each record starts on", () => {
    const rows = tokenize('a,b,c\n1,"x, ""y""\nz",3\n2,,\n');
    expect(rows).toEqual([
      { line: 1, endLine: 1, fields: ["a", "b", "c"] },
      { line: 2, endLine: 3, fields: ["1", 'x, "y"\nz', "3"] },
      { line: 4, endLine: 4, fields: ["2", "", ""] },
    ]);
  });

  it("accepts CRLF and LF, a missing final newline and blank lines", () => {
    expect(tokenize('a,b\r\n"1",2\r\n\r\n3,"4"')).toEqual([
      { line: 1, endLine: 1, fields: ["a", "b"] },
      { line: 2, endLine: 2, fields: ["1", "2"] },
      { line: 4, endLine: 4, fields: ["3", "4"] },
    ]);
  });

  it("reports a quote inside an unquoted field and goes on with the next line", () => {
    const rows = tokenize('a,b\n1,x "y" z\n2,ok\n');
    expect(rows[1]).toMatchObject({ line: 2, error: expect.stringContaining("broken quoting in field 2") });
    expect(rows[2]).toEqual({ line: 3, endLine: 3, fields: ["2", "ok"] });
  });

  it("reports text after a closing quote and goes on with the next line", () => {
    const rows = tokenize('a,b\r\n1,"x"y\r\n2,"ok"\r\n');
    expect(rows[1]).toMatchObject({
      line: 2,
      error: expect.stringMatching(/field 2: text "y" follows a closing quote/),
    });
    expect(rows[2]).toEqual({ line: 3, endLine: 3, fields: ["2", "ok"] });
  });

  it("reports a quote that is never closed and re-reads the lines after it", () => {
    const rows = tokenize('a,b\n1,"x\n2,ok\n3,fine\n');
    expect(fieldsOf(rows)).toEqual([
      ["a", "b"],
      "ERROR broken quoting in field 2: the quote opened on line 2 is never closed",
      ["2", "ok"],
      ["3", "fine"],
    ]);
    expect(rows.map((r) => r.line)).toEqual([1, 2, 3, 4]);
  });

  it("cuts off a record longer than maxRecordChars, reports it and resynchronises", () => {
    const text = `a,b\n1,"${"x\n".repeat(50)}\n2,ok\n`;
    const rows = tokenize(text, [10, 40, 90], 60);
    expect(rows[1]).toMatchObject({ line: 2, error: expect.stringContaining("longer than 60 characters") });
    expect(rows.at(-1)).toEqual({ line: 53, endLine: 53, fields: ["2", "ok"] });
  });

  it("skips a single line longer than maxRecordChars without holding it in memory", () => {
    const t = new CsvTokenizer({ maxRecordChars: 100 });
    const rows = [
      ...t.push("a,b\n1,"),
      ...t.push("y".repeat(500)),
      ...t.push("y".repeat(500)),
      ...t.push("\n2,ok\n"),
      ...t.end(),
    ];
    expect(fieldsOf(rows)).toEqual([
      ["a", "b"],
      "ERROR the record starting on line 2 is longer than 100 characters (an unclosed quote?)",
      ["2", "ok"],
    ]);
    expect(rows[2]?.line).toBe(3);
  });

  it("gives the same records as csv-parse for any valid CSV, however the stream is cut", () => {
    const field = fc.oneof(
      fc.string({ unit: fc.constantFrom("a", "b", " ", "é", "😀", "-") }),
      fc.string({ unit: fc.constantFrom("a", ",", '"', "\n", "\r\n", " ") }),
    );
    const table = fc
      .integer({ min: 1, max: 5 })
      .chain((width) =>
        fc.array(fc.array(field, { minLength: width, maxLength: width }), { minLength: 1, maxLength: 8 }),
      );
    fc.assert(
      fc.property(table, fc.boolean(), fc.array(fc.nat()), (records, crlf, cutSeeds) => {
        // A record of one empty field is a blank line, which both parsers skip.
        fc.pre(records.every((r) => r.length > 1 || r[0] !== ""));
        const quote = (f: string) => (/[",\r\n]/.test(f) || f === "" ? `"${f.replace(/"/g, '""')}"` : f);
        const text = records.map((r) => r.map(quote).join(",")).join(crlf ? "\r\n" : "\n");
        const expected = parse(text, { relax_column_count: true }) as string[][];
        const cuts = cutSeeds.map((s) => s % (text.length + 1));
        expect(fieldsOf(tokenize(text, cuts))).toEqual(expected);
        expect(expected).toEqual(records);
      }),
      { numRuns: 300 },
    );
  });
});
