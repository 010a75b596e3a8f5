import { hash } from "node:crypto";
import { ImportFileError } from "../../imports/csv-source.js";
import { Utf8ChunkDecoder } from "../../imports/utf8-decoder.js";
import { type ClippingKind, parseKindleHeader } from "./kindle-header.js";

/**
 * Kindle `My Clippings.txt`, read as a stream: entries separated by a line of `==========`, each a title
 * line `Title (Author)`, a metadata line, a blank line and the text. Memory stays bounded by the longest
 * entry; every damaged entry becomes a problem with its line, and reading goes on with the next one.
 */

/** What the source says about the book; nothing is merged here (two spellings are two books). */
export interface SourceBook {
  title: string;
  /** As the title line gives them (`;` separates several on Kindle). */
  authors: string[];
  /** Amazon's id when the source has one (Readwise `Amazon Book ID`; Kindle files have none). */
  asin?: string;
}

export interface KindleClipping {
  /** Stable across re-imports: a hash of the entry's title line, metadata line and text. */
  key: string;
  /** 1-based line of the entry's title. */
  line: number;
  kind: ClippingKind;
  book: SourceBook;
  /** The device language of the metadata line. */
  language: string;
  page?: string;
  location?: { start: number; end: number };
  /** Device-local `YYYY-MM-DDTHH:MM:SS`. */
  addedAt?: string;
  utcOffset?: string;
  /** The highlighted or typed text ("" for bookmarks). */
  text: string;
}

export interface ClippingProblem {
  line: number;
  /** `error`: the entry was skipped; `warning`: it was read, but look at it. */
  severity: "error" | "warning";
  message: string;
}

export type ClippingRow = { clipping: KindleClipping } | { problem: ClippingProblem };

export interface ReadClippingsOptions {
  /** Refuse the file once more than this many bytes arrived (default 64 MiB). */
  maxBytes?: number;
  /** An entry longer than this is reported and skipped (default 1,000,000 characters). */
  maxEntryChars?: number;
}

export const DEFAULT_MAX_CLIPPINGS_BYTES = 64 * 1024 * 1024;
const DEFAULT_MAX_ENTRY_CHARS = 1_000_000;
const SEPARATOR = /^\s*={10}\s*$/;
// Damaged files have separators with a few `=` too many or too few.
const NEAR_SEPARATOR = /^\s*={6,14}\s*$/;

/** `Title (Author)` → title and authors; the author is the last balanced parenthesised group. */
export function parseTitleLine(raw: string): SourceBook {
  const line = raw.replace(/^[\uFEFF\u200B\s]+/, "").trim();
  if (line.endsWith(")")) {
    let depth = 0;
    for (let i = line.length - 1; i >= 0; i--) {
      const c = line[i];
      if (c === ")") depth++;
      else if (c === "(") depth--;
      if (depth === 0) {
        const author = line.slice(i + 1, -1).trim();
        const title = line.slice(0, i).trim();
        if (title === "" || author === "") break;
        return {
          title,
          authors: author
            .split(";")
            .map((a) => a.trim())
            .filter((a) => a !== ""),
        };
      }
    }
  }
  return { title: line, authors: [] };
}

/** The stable key of an entry: independent of where it sits in the file and of CRLF vs LF. */
export function clippingKey(titleLine: string, metaLine: string, text: string): string {
  const norm = (s: string) =>
    s
      .replace(/^\uFEFF/, "")
      .trim()
      .normalize("NFC");
  // One-shot crypto.hash (Node ≥ 20.12) costs a fraction of createHash for strings this short.
  return hash("sha256", `${norm(titleLine)}\n${norm(metaLine)}\n${norm(text)}`, "base64url").slice(0, 24);
}

interface Entry {
  line: number;
  lines: string[];
  chars: number;
  tooLong: boolean;
  badUtf8: boolean;
}

function readEntry(e: Entry, truncated: boolean): ClippingRow[] {
  const out: ClippingRow[] = [];
  if (e.tooLong) {
    return [
      {
        problem: {
          line: e.line,
          severity: "error",
          message: `the entry is longer than the limit and was skipped`,
        },
      },
    ];
  }
  // Leading blank lines (and a BOM on its own) are not part of the entry.
  let i = 0;
  while (i < e.lines.length && e.lines[i]!.replace(/^\uFEFF/, "").trim() === "") i++;
  if (i === e.lines.length) return out;
  const titleLine = e.lines[i]!;
  const line = e.line + i;
  const metaLine = e.lines[i + 1];
  if (metaLine === undefined || metaLine.trim() === "") {
    return [
      {
        problem: {
          line,
          severity: "error",
          message: "the entry has a title but no metadata line (a truncated entry?)",
        },
      },
    ];
  }
  const header = parseKindleHeader(metaLine);
  if (typeof header === "string")
    return [{ problem: { line: line + 1, severity: "error", message: header } }];
  let body = e.lines.slice(i + 2);
  if (body[0]?.trim() === "") body = body.slice(1);
  const text = body.join("\n").trim();
  const book = parseTitleLine(titleLine);
  if (book.title === "")
    return [{ problem: { line, severity: "error", message: "the entry has an empty title line" } }];
  const clipping: KindleClipping = {
    key: clippingKey(titleLine, metaLine, text),
    line,
    kind: header.kind,
    book,
    language: header.language,
    text,
  };
  if (header.page !== undefined) clipping.page = header.page;
  if (header.location) clipping.location = header.location;
  if (header.addedAt) clipping.addedAt = header.addedAt;
  if (header.utcOffset) clipping.utcOffset = header.utcOffset;
  if ((clipping.kind === "highlight" || clipping.kind === "note") && text === "") {
    out.push({ problem: { line, severity: "warning", message: `the ${clipping.kind} has no text` } });
  }
  if (e.badUtf8) {
    out.push({
      problem: { line, severity: "warning", message: "the entry has bytes that are not UTF-8 (shown as �)" },
    });
  }
  if (truncated) {
    out.push({
      problem: {
        line,
        severity: "warning",
        message: "the file ends inside this entry (no ========== after it): its text may be cut",
      },
    });
  }
  out.unshift({ clipping });
  return out;
}

/**
 * Reads a `My Clippings.txt` stream: one `{ clipping }` per entry, `{ problem }`s for damaged ones.
 * Throws ImportFileError only for a file that is unusable as a whole (too large, UTF-16).
 */
export async function* readKindleClippings(
  stream: AsyncIterable<Uint8Array | string>,
  options: ReadClippingsOptions = {},
): AsyncGenerator<ClippingRow> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_CLIPPINGS_BYTES;
  const maxEntry = options.maxEntryChars ?? DEFAULT_MAX_ENTRY_CHARS;
  const decoder = new Utf8ChunkDecoder();
  const badLines = new Set<number>();
  let bytes = 0;
  let lineNo = 0;
  let pending = "";
  let pendingTooLong = false;
  let entry: Entry = { line: 1, lines: [], chars: 0, tooLong: false, badUtf8: false };

  function* onLine(raw: string, tooLong: boolean): Generator<ClippingRow> {
    lineNo++;
    const text = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    // Most lines are text: only a line starting with `=` or a space can be a separator.
    const first = text.charCodeAt(0);
    if ((first === 61 || first === 32 || first === 9) && NEAR_SEPARATOR.test(text)) {
      if (!SEPARATOR.test(text)) {
        yield {
          problem: {
            line: lineNo,
            severity: "warning",
            message: `the separator has ${text.trim().length} "=" instead of 10; read as a separator`,
          },
        };
      }
      yield* readEntry(entry, false);
      entry = { line: lineNo + 1, lines: [], chars: 0, tooLong: false, badUtf8: false };
      return;
    }
    if (badLines.has(lineNo)) {
      entry.badUtf8 = true;
      badLines.delete(lineNo);
    }
    if (entry.tooLong) return;
    entry.chars += text.length;
    if (tooLong || entry.chars > maxEntry) {
      entry.tooLong = true;
      entry.lines = [];
      return;
    }
    entry.lines.push(text);
  }

  function* onText(text: string): Generator<ClippingRow> {
    let from = 0;
    for (let nl = text.indexOf("\n"); nl !== -1; nl = text.indexOf("\n", from)) {
      const piece = text.slice(from, nl);
      yield* onLine(pendingTooLong ? "" : pending + piece, pendingTooLong);
      pending = "";
      pendingTooLong = false;
      from = nl + 1;
    }
    if (!pendingTooLong) {
      pending += text.slice(from);
      // A line longer than an entry may be cannot belong to a real entry: stop keeping it.
      if (pending.length > maxEntry) {
        pending = "";
        pendingTooLong = true;
      }
    }
  }

  for await (const chunk of stream) {
    const data = typeof chunk === "string" ? Buffer.from(chunk, "utf8") : chunk;
    if (
      bytes === 0 &&
      data.length >= 2 &&
      ((data[0] === 0xff && data[1] === 0xfe) || (data[0] === 0xfe && data[1] === 0xff))
    ) {
      throw new ImportFileError(400, "import-encoding", "The file is UTF-16 encoded; a Kindle writes UTF-8");
    }
    bytes += data.length;
    if (bytes > maxBytes) {
      throw new ImportFileError(
        413,
        "import-too-large",
        `The file is larger than the ${Math.round(maxBytes / 1048576)} MB import limit`,
      );
    }
    const { text, invalid } = decoder.decode(data);
    for (const bad of invalid) badLines.add(bad.line);
    yield* onText(text);
  }
  const last = decoder.end();
  for (const bad of last.invalid) badLines.add(bad.line);
  yield* onText(last.text);
  if (pending !== "" || pendingTooLong) yield* onLine(pending, pendingTooLong);
  if (entry.lines.some((l) => l.trim() !== "") || entry.tooLong) yield* readEntry(entry, true);
}
