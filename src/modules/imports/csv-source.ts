import { AppError } from "../../platform/errors.js";
import { CsvTokenizer } from "./csv-tokenizer.js";
import { goodreadsFormat } from "./goodreads.js";
import type { ImportFormat, ImportRow } from "./import-record.js";
import { type FormatSpec, RowReader } from "./row-reader.js";
import { storygraphFormat } from "./storygraph.js";
import { Utf8ChunkDecoder } from "./utf8-decoder.js";

/** Default cap on an import file: 50 MiB, far above real libraries (a 10,000-book Goodreads export is ~3 MB). */
export const DEFAULT_MAX_IMPORT_BYTES = 50 * 1024 * 1024;

/** The formats by name, for callers that route by format. */
export const IMPORT_FORMATS: Readonly<Record<ImportFormat, FormatSpec>> = {
  goodreads: goodreadsFormat,
  storygraph: storygraphFormat,
};

/** A whole file refused before or while reading it (too large, wrong header, UTF-16); nothing should be kept. */
export class ImportFileError extends AppError {
  constructor(
    status: 400 | 413,
    code: "import-too-large" | "import-header" | "import-encoding",
    detail: string,
  ) {
    super(status, code, status === 413 ? "Import file too large" : "Unreadable import file", detail);
  }
}

export interface ReadImportOptions {
  /** Refuse the file once more than this many bytes have arrived (default 50 MiB). */
  maxBytes?: number;
  /** A record longer than this is reported and skipped (default 1,000,000 characters). */
  maxRecordChars?: number;
}

function headerColumns(fields: readonly string[]): Map<string, number> {
  const columns = new Map<string, number>();
  fields.forEach((name, i) => {
    const key = name.trim().toLowerCase();
    if (key !== "" && !columns.has(key)) columns.set(key, i);
  });
  return columns;
}

const missingColumns = (spec: FormatSpec, columns: ReadonlyMap<string, number>) =>
  spec.required.filter((c) => !columns.has(c.toLowerCase()));

/** Which export a header line (raw CSV text or already split) belongs to; undefined when neither. */
export function detectFormat(header: string | readonly string[]): ImportFormat | undefined {
  let fields: readonly string[];
  if (typeof header === "string") {
    const t = new CsvTokenizer();
    const first = [...t.push(header.replace(/^\uFEFF/, "")), ...t.end()][0];
    if (!first || !("fields" in first)) return undefined;
    fields = first.fields;
  } else fields = header;
  const columns = headerColumns(fields);
  return Object.values(IMPORT_FORMATS).find((spec) => missingColumns(spec, columns).length === 0)?.format;
}

function checkHeader(fields: readonly string[], wanted: ImportFormat | "auto"): FormatSpec {
  const columns = headerColumns(fields);
  const found = detectFormat(fields);
  if (found && (wanted === "auto" || wanted === found)) return IMPORT_FORMATS[found];
  const list = (spec: FormatSpec) => missingColumns(spec, columns).join(", ");
  if (wanted === "auto") {
    throw new ImportFileError(
      400,
      "import-header",
      `This is neither a Goodreads nor a StoryGraph export: the header lacks the Goodreads columns ${list(goodreadsFormat)} and the StoryGraph columns ${list(storygraphFormat)}`,
    );
  }
  const spec = IMPORT_FORMATS[wanted];
  const hint = found ? ` (it looks like a ${IMPORT_FORMATS[found].label} export)` : "";
  throw new ImportFileError(
    400,
    "import-header",
    `This is not a ${spec.label} export${hint}: the header lacks the columns ${list(spec)}`,
  );
}

/**
 * Reads a Goodreads or StoryGraph CSV export as a stream and yields one `{ record }` per usable row and
 * `{ problem }`s (with line and column) for rows that are not, continuing past them. Throws ImportFileError
 * when the whole file is unusable: over `maxBytes` (413), a header that is not the `format`'s (listing the
 * missing columns), or UTF-16. Accepts a BOM, CRLF or LF; bytes that are not UTF-8 refuse their row.
 */
export async function* readImportRows(
  stream: AsyncIterable<Uint8Array | string>,
  format: ImportFormat | "auto",
  options: ReadImportOptions = {},
): AsyncGenerator<ImportRow> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_IMPORT_BYTES;
  const decoder = new Utf8ChunkDecoder();
  const tokenizer = new CsvTokenizer({ maxRecordChars: options.maxRecordChars });
  const badLines = new Map<number, number>();
  let bytes = 0;
  let spec: FormatSpec | undefined;
  let columns = new Map<string, number>();
  let width = 0;
  let header: string[] = [];

  function* handle(rows: ReturnType<CsvTokenizer["push"]>): Generator<ImportRow> {
    for (const row of rows) {
      let badByte: number | undefined;
      for (let l = row.line; l <= row.endLine; l++) {
        badByte ??= badLines.get(l);
        badLines.delete(l);
      }
      if (!spec) {
        if ("error" in row)
          throw new ImportFileError(400, "import-header", `The header line is unreadable: ${row.error}`);
        spec = checkHeader(row.fields, format);
        columns = headerColumns(row.fields);
        header = row.fields;
        width = row.fields.length;
        continue;
      }
      if (badByte !== undefined) {
        const hex = badByte.toString(16).toUpperCase().padStart(2, "0");
        const message = `line ${row.line} is not valid UTF-8 (byte 0x${hex}); export the file again as UTF-8`;
        yield { problem: { line: row.line, message } };
      } else if ("error" in row) {
        yield { problem: { line: row.line, message: row.error } };
      } else if (row.fields.every((f) => f.trim() === "")) {
        // A line of only commas or spaces, as spreadsheets leave at the end: nothing to import, nothing wrong.
      } else if (row.fields.some((f) => f.includes("\u0000"))) {
        // As the API refuses it in any string: no column stores U+0000 (PostgreSQL text cannot hold it).
        const at = row.fields.findIndex((f) => f.includes("\u0000"));
        const field = header[at]?.trim();
        yield {
          problem: { line: row.line, ...(field ? { field } : {}), message: "holds a NUL character (U+0000)" },
        };
      } else if (row.fields.length !== width) {
        const message = `the row has ${row.fields.length} fields but the header has ${width} (a missing or extra comma?)`;
        yield { problem: { line: row.line, message } };
      } else {
        const reader = new RowReader(columns, row.fields, row.line);
        const record = spec.mapRow(reader);
        if (record) yield { record };
        else for (const problem of reader.problems) yield { problem };
      }
    }
  }

  for await (const chunk of stream) {
    const data = typeof chunk === "string" ? Buffer.from(chunk, "utf8") : chunk;
    if (
      bytes === 0 &&
      data.length >= 2 &&
      ((data[0] === 0xff && data[1] === 0xfe) || (data[0] === 0xfe && data[1] === 0xff))
    )
      throw new ImportFileError(
        400,
        "import-encoding",
        "The file is UTF-16 encoded; export it again as UTF-8",
      );
    bytes += data.length;
    if (bytes > maxBytes) {
      throw new ImportFileError(
        413,
        "import-too-large",
        `The file is larger than the ${formatBytes(maxBytes)} import limit; split it or raise the limit`,
      );
    }
    const { text, invalid } = decoder.decode(data);
    for (const bad of invalid) if (!badLines.has(bad.line)) badLines.set(bad.line, bad.byte);
    yield* handle(tokenizer.push(text));
  }
  const last = decoder.end();
  for (const bad of last.invalid) if (!badLines.has(bad.line)) badLines.set(bad.line, bad.byte);
  yield* handle(tokenizer.push(last.text));
  yield* handle(tokenizer.end());
  if (!spec)
    throw new ImportFileError(
      400,
      "import-header",
      "The file is empty: a CSV export starts with a header line",
    );
}

function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${Math.round((n / 1024 / 1024) * 10) / 10} MB`;
  if (n >= 1024) return `${Math.round((n / 1024) * 10) / 10} KB`;
  return `${n} bytes`;
}
