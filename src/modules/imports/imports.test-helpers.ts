import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Readable } from "node:stream";
import { fileURLToPath } from "node:url";
import { type ReadImportOptions, readImportRows } from "./csv-source.js";
import type { ImportFormat, ImportProblem, ImportRecord } from "./import-record.js";

/** Reads a whole import from bytes or text (cut into `chunkSize` pieces) into records and problems. */
export async function readAll(
  input: string | Buffer,
  format: ImportFormat | "auto",
  options: ReadImportOptions & { chunkSize?: number } = {},
): Promise<{ records: ImportRecord[]; problems: ImportProblem[] }> {
  const bytes = typeof input === "string" ? Buffer.from(input, "utf8") : input;
  const size = options.chunkSize ?? 64 * 1024;
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
  const records: ImportRecord[] = [];
  const problems: ImportProblem[] = [];
  for await (const row of readImportRows(Readable.from(chunks), format, options)) {
    if ("record" in row) records.push(row.record);
    else problems.push(row.problem);
  }
  return { records, problems };
}

/** The project root, whatever directory the tests are started from. */
export const PROJECT_ROOT = fileURLToPath(new URL("../../../", import.meta.url));

/** Reads a file under test/fixtures/imports/. */
export const importFixture = (name: string): Buffer =>
  readFileSync(join(PROJECT_ROOT, "test/fixtures/imports", name));
