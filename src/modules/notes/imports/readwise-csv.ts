import { createHash } from "node:crypto";
import { ImportFileError } from "../../imports/csv-source.js";
import { type CsvRow, CsvTokenizer } from "../../imports/csv-tokenizer.js";
import { RowReader, splitList } from "../../imports/row-reader.js";
import { Utf8ChunkDecoder } from "../../imports/utf8-decoder.js";
import type { ClippingProblem, SourceBook } from "./kindle-clippings.js";

/**
 * Readwise's CSV export (`Highlight, Book Title, Book Author, Amazon Book ID, Note, Color, Tags,
 * Location Type, Location, Highlighted at, Document tags`), mapped by header name, streamed, one problem
 * per bad row.
 */

export interface ReadwiseHighlight {
  /** Stable across re-imports: a hash of the book, the text and the location. */
  key: string;
  line: number;
  text: string;
  note?: string;
  color?: string;
  tags: string[];
  /** Readwise's own location: `location` (Kindle), `page`, `order`, `offset`, `time` … and its value. */
  location?: { type: string; value: number };
  /** RFC 3339 UTC. */
  highlightedAt?: string;
  book: SourceBook & { documentTags: string[] };
}

export type ReadwiseRow = { highlight: ReadwiseHighlight } | { problem: ClippingProblem };

export const READWISE_REQUIRED = ["Highlight", "Book Title"] as const;

function columnsOf(fields: readonly string[]): Map<string, number> {
  const m = new Map<string, number>();
  fields.forEach((f, i) => {
    const k = f
      .replace(/^\uFEFF/, "")
      .trim()
      .toLowerCase();
    if (k !== "" && !m.has(k)) m.set(k, i);
  });
  return m;
}

/** `2026-07-17 14:00:25+00:00` (or ISO with T / Z) → `2026-07-17T14:00:25.000Z`; undefined when unreadable. */
export function parseReadwiseTime(raw: string): string | undefined {
  const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)\s*(Z|[+-]\d{2}:?\d{2})?$/i.exec(
    raw.trim(),
  );
  if (!m || !realDay(m[1]!)) return undefined;
  const zone = !m[3] || m[3].toUpperCase() === "Z" ? "Z" : m[3].replace(/^([+-]\d{2})(\d{2})$/, "$1:$2");
  const d = new Date(`${m[1]}T${m[2]}${zone}`);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

/** The day exists (no 2026-02-30). */
function realDay(day: string): boolean {
  const d = new Date(`${day}T12:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === day;
}

function mapRow(r: RowReader): ReadwiseHighlight | undefined {
  const text = r.text("Highlight");
  const title = r.text("Book Title");
  if (text === "") r.fail("Highlight", "the highlight is empty");
  if (title === "") r.fail("Book Title", "the book title is empty");
  const author = r.text("Book Author");
  const asin = r.text("Amazon Book ID");
  const locType = r.text("Location Type").toLowerCase();
  const locRaw = r.text("Location");
  let location: ReadwiseHighlight["location"];
  if (locRaw !== "") {
    const n = Number(locRaw);
    if (!/^\d+(\.\d+)?$/.test(locRaw) || !Number.isFinite(n))
      r.fail("Location", `${JSON.stringify(locRaw)} is not a number`);
    else location = { type: locType === "" ? "location" : locType, value: n };
  }
  const atRaw = r.text("Highlighted at");
  let highlightedAt: string | undefined;
  if (atRaw !== "") {
    highlightedAt = parseReadwiseTime(atRaw);
    if (!highlightedAt)
      r.fail("Highlighted at", `${JSON.stringify(atRaw)} is not a time like 2026-07-17 14:00:25+00:00`);
  }
  if (r.problems.length > 0) return undefined;
  const book: ReadwiseHighlight["book"] = {
    title,
    authors: author === "" ? [] : [author],
    documentTags: splitList(r.text("Document tags")),
  };
  if (asin !== "") book.asin = asin;
  const key = createHash("sha256")
    .update(JSON.stringify([title, author, asin, text, location?.type ?? "", location?.value ?? ""]))
    .digest("base64url")
    .slice(0, 24);
  const h: ReadwiseHighlight = { key, line: r.line, text, tags: splitList(r.text("Tags")), book };
  const note = r.text("Note");
  const color = r.text("Color").toLowerCase();
  if (note !== "") h.note = note;
  if (color !== "") h.color = color;
  if (location) h.location = location;
  if (highlightedAt) h.highlightedAt = highlightedAt;
  return h;
}

/** Reads a Readwise CSV stream; throws ImportFileError when the header is not Readwise's or the file is unusable. */
export async function* readReadwiseCsv(
  stream: AsyncIterable<Uint8Array | string>,
  options: { maxBytes?: number } = {},
): AsyncGenerator<ReadwiseRow> {
  const maxBytes = options.maxBytes ?? 64 * 1024 * 1024;
  const decoder = new Utf8ChunkDecoder();
  const tokenizer = new CsvTokenizer();
  const badLines = new Set<number>();
  let columns: Map<string, number> | undefined;
  let width = 0;
  let bytes = 0;

  function* handle(rows: CsvRow[]): Generator<ReadwiseRow> {
    for (const row of rows) {
      if (!columns) {
        if ("error" in row)
          throw new ImportFileError(400, "import-header", `The header line is unreadable: ${row.error}`);
        columns = columnsOf(row.fields);
        const missing = READWISE_REQUIRED.filter((c) => !columns!.has(c.toLowerCase()));
        if (missing.length > 0) {
          throw new ImportFileError(
            400,
            "import-header",
            `This is not a Readwise export: the header lacks ${missing.join(", ")}`,
          );
        }
        width = row.fields.length;
        continue;
      }
      let bad = false;
      for (let l = row.line; l <= row.endLine; l++) if (badLines.delete(l)) bad = true;
      const problem = (message: string): ReadwiseRow => ({
        problem: { line: row.line, severity: "error", message },
      });
      if (bad) yield problem(`line ${row.line} is not valid UTF-8; export the file again`);
      else if ("error" in row) yield problem(row.error);
      else if (row.fields.every((f) => f.trim() === "")) continue;
      else if (row.fields.length !== width) {
        yield problem(`the row has ${row.fields.length} fields but the header has ${width}`);
      } else {
        const reader = new RowReader(columns, row.fields, row.line);
        const h = mapRow(reader);
        if (h) yield { highlight: h };
        else
          for (const p of reader.problems) {
            yield { problem: { line: p.line, severity: "error", message: `${p.field}: ${p.message}` } };
          }
      }
    }
  }

  for await (const chunk of stream) {
    const data = typeof chunk === "string" ? Buffer.from(chunk, "utf8") : chunk;
    bytes += data.length;
    if (bytes > maxBytes)
      throw new ImportFileError(413, "import-too-large", "The file is larger than the import limit");
    const { text, invalid } = decoder.decode(data);
    for (const b of invalid) badLines.add(b.line);
    yield* handle(tokenizer.push(text));
  }
  const last = decoder.end();
  for (const b of last.invalid) badLines.add(b.line);
  yield* handle(tokenizer.push(last.text));
  yield* handle(tokenizer.end());
  if (!columns)
    throw new ImportFileError(
      400,
      "import-header",
      "The file is empty: a Readwise export starts with a header line",
    );
}
