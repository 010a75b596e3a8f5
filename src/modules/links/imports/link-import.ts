// What every link import yields: one item per row/entry of the file, with the link (when the row is
// usable) and the problems found in it. Parsers never throw on a damaged file: a file that cannot be
// read at all yields one item with a file-level problem and ends.

export type LinkState = "unread" | "archived" | "favourite";

export interface LinkImportRow {
  url: string;
  title?: string;
  tags: string[];
  /** RFC 3339 instant in UTC. */
  savedAt?: string;
  state?: LinkState;
}

export interface LinkImportProblem {
  /** 1-based line of the file (CSV, HTML), or entry number for JSON exports. */
  line: number;
  /** The column, attribute or JSON field at fault ("file" for the whole file). */
  field: string;
  /** A short stable name of the rule broken: "http-url", "timestamp", "header", "json", "too-large", … */
  rule: string;
  message: string;
}

export interface LinkImportItem {
  line: number;
  /** Absent when the row cannot be imported (its problems say why). */
  row?: LinkImportRow;
  problems: LinkImportProblem[];
}

/** A source of the file's bytes, as a stream or any async iterable of chunks. */
export type ImportBytes = AsyncIterable<Uint8Array | string>;

export const MAX_TAGS = 50;
const MAX_TAG = 100;
const MAX_TITLE = 1000;
const MAX_URL = 8192;

/** Collects a row's problems against one line. */
export class RowProblems {
  readonly list: LinkImportProblem[] = [];
  constructor(readonly line: number) {}
  add(field: string, rule: string, message: string): void {
    this.list.push({ line: this.line, field, rule, message });
  }
}

/** An http(s) URL, or undefined with a problem recorded. */
export function readUrl(raw: string | undefined, field: string, p: RowProblems): string | undefined {
  const value = (raw ?? "").trim();
  if (value === "") {
    p.add(field, "required", "the link has no URL");
    return undefined;
  }
  if (value.length > MAX_URL) {
    p.add(field, "too-long", `the URL is longer than ${MAX_URL} characters`);
    return undefined;
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    p.add(field, "http-url", `${JSON.stringify(value.slice(0, 100))} is not a URL`);
    return undefined;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    p.add(field, "http-url", `only http and https links can be saved (not ${url.protocol})`);
    return undefined;
  }
  return url.href;
}

export function readTitle(raw: string | undefined): string | undefined {
  const t = (raw ?? "").replace(/\s+/g, " ").trim();
  return t ? t.slice(0, MAX_TITLE) : undefined;
}

/** Trimmed, de-duplicated (case-insensitively), at most 50 of at most 100 characters. */
export function readTags(raw: readonly string[], field: string, p: RowProblems): string[] {
  const seen = new Map<string, string>();
  for (const t of raw) {
    const tag = t.replace(/\s+/g, " ").trim();
    if (!tag) continue;
    if (tag.length > MAX_TAG) {
      p.add(
        field,
        "too-long",
        `the tag ${JSON.stringify(`${tag.slice(0, 30)}…`)} is longer than ${MAX_TAG} characters`,
      );
      continue;
    }
    if (!seen.has(tag.toLowerCase())) seen.set(tag.toLowerCase(), tag);
  }
  const tags = [...seen.values()];
  if (tags.length > MAX_TAGS) {
    p.add(field, "too-many", `only the first ${MAX_TAGS} of ${tags.length} tags are kept`);
    return tags.slice(0, MAX_TAGS);
  }
  return tags;
}

/** Unix seconds (as exports write them) → RFC 3339; undefined (with a problem) when not a plausible time. */
export function readUnixSeconds(raw: string | undefined, field: string, p: RowProblems): string | undefined {
  const value = (raw ?? "").trim();
  if (value === "") return undefined;
  const n = /^\d{1,12}$/.test(value) ? Number(value) : Number.NaN;
  // 1995 (before any of these services) to 2100.
  if (!Number.isFinite(n) || n < 788_918_400 || n > 4_102_444_800) {
    p.add(field, "timestamp", `${JSON.stringify(value.slice(0, 40))} is not a Unix time in seconds`);
    return undefined;
  }
  return new Date(n * 1000).toISOString();
}

/** An ISO 8601 date-time → RFC 3339 in UTC; undefined (with a problem) when unreadable. */
export function readIsoTime(raw: unknown, field: string, p: RowProblems): string | undefined {
  if (raw === undefined || raw === null || raw === "") return undefined;
  const t = typeof raw === "string" && /^\d{4}-\d{2}-\d{2}/.test(raw) ? Date.parse(raw) : Number.NaN;
  if (!Number.isFinite(t)) {
    p.add(field, "timestamp", `${JSON.stringify(String(raw).slice(0, 40))} is not a date and time`);
    return undefined;
  }
  return new Date(t).toISOString();
}

/** Decodes chunks as UTF-8 (a BOM dropped), counting bytes against `maxBytes`. */
export async function* utf8Text(
  source: ImportBytes,
  maxBytes: number,
): AsyncGenerator<string, void, undefined> {
  const decoder = new TextDecoder("utf-8");
  let bytes = 0;
  for await (const chunk of source) {
    const buf = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
    bytes += buf.byteLength;
    if (bytes > maxBytes) throw new TooLarge(maxBytes);
    yield decoder.decode(buf, { stream: true });
  }
  yield decoder.decode();
}

export class TooLarge extends Error {
  constructor(readonly maxBytes: number) {
    super(`the file is larger than ${Math.round(maxBytes / 1_048_576)} MB`);
  }
}

export const DEFAULT_MAX_IMPORT_BYTES = 50 * 1024 * 1024;

export function fileProblem(line: number, rule: string, message: string): LinkImportItem {
  return { line, problems: [{ line, field: "file", rule, message }] };
}

/** The one item for a file that failed while being read: too large, or unreadable. */
export function readFailure(err: unknown): LinkImportItem {
  if (err instanceof TooLarge) return fileProblem(0, "too-large", err.message);
  return fileProblem(
    0,
    "read",
    `the file could not be read: ${err instanceof Error ? err.message : String(err)}`,
  );
}
