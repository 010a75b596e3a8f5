import { CsvTokenizer } from "../../imports/csv-tokenizer.js";
import {
  DEFAULT_MAX_IMPORT_BYTES,
  fileProblem,
  type ImportBytes,
  type LinkImportItem,
  readFailure,
  utf8Text,
} from "./link-import.js";

/** One data row of a CSV export, its cells by lower-cased header name. */
export interface CsvRecord {
  line: number;
  get(column: string): string | undefined;
}

/**
 * Streams a CSV export (the project's CsvTokenizer: line numbers, broken records reported and
 * skipped) and maps each data row with `map`. The header is checked for `required` columns (by name,
 * in any order, case-insensitively); a file without them yields one file-level problem and ends.
 */
export async function* csvLinks(
  source: ImportBytes,
  required: readonly string[],
  map: (record: CsvRecord) => LinkImportItem,
  options: { maxBytes?: number; formatName: string },
): AsyncGenerator<LinkImportItem> {
  const tokenizer = new CsvTokenizer();
  let columns: Map<string, number> | undefined;
  let width = 0;
  function* handle(rows: ReturnType<CsvTokenizer["push"]>): Generator<LinkImportItem, boolean> {
    for (const row of rows) {
      if (!columns) {
        if ("error" in row) {
          yield fileProblem(row.line, "header", `the header line is unreadable: ${row.error}`);
          return false;
        }
        columns = new Map(row.fields.map((f, i) => [f.trim().toLowerCase(), i]));
        width = row.fields.length;
        const missing = required.filter((c) => !columns?.has(c));
        if (missing.length > 0) {
          yield fileProblem(
            row.line,
            "header",
            `not a ${options.formatName} export: the header lacks ${missing.join(", ")}`,
          );
          return false;
        }
        continue;
      }
      if ("error" in row) {
        yield {
          line: row.line,
          problems: [{ line: row.line, field: "row", rule: "csv", message: row.error }],
        };
        continue;
      }
      if (row.fields.every((f) => f.trim() === "")) continue;
      if (row.fields.length !== width) {
        const message = `the row has ${row.fields.length} fields but the header has ${width}`;
        yield { line: row.line, problems: [{ line: row.line, field: "row", rule: "field-count", message }] };
        continue;
      }
      const cols = columns;
      yield map({ line: row.line, get: (c) => row.fields[cols.get(c) ?? -1] });
    }
    return true;
  }
  try {
    for await (const text of utf8Text(source, options.maxBytes ?? DEFAULT_MAX_IMPORT_BYTES)) {
      if (!(yield* handle(tokenizer.push(text)))) return;
    }
    yield* handle(tokenizer.end());
    if (!columns) yield fileProblem(1, "header", "the file is empty");
  } catch (err) {
    yield readFailure(err);
  }
}
