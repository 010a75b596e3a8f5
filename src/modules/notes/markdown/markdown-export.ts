import { Zip, ZipDeflate } from "fflate";
import { stringify } from "yaml";

/**
 * The Markdown export (a zip, streamed): one file per book with YAML front matter, its highlights as
 * quotes each followed by a `^block-id` (so Obsidian can link to a single highlight) and its notes as they
 * were written (wikilinks kept), plus one file per note that belongs to no book. Readable in Obsidian as a
 * vault folder.
 */

export interface ExportHighlight {
  id: string;
  text: string;
  /** The note on the highlight, Markdown. */
  note?: string;
  /** Where it is, for people: `p. 12 · loc. 100–102`. */
  location?: string;
  color?: string;
  tags?: readonly string[];
  createdAt?: string;
}

export interface ExportNote {
  id: string;
  title?: string;
  markdown: string;
  tags?: readonly string[];
  createdAt?: string;
  updatedAt?: string;
}

export interface ExportBook {
  id: string;
  title: string;
  authors: readonly string[];
  isbn13?: string;
  isbn10?: string;
  tags?: readonly string[];
  dates?: { added?: string; started?: string; finished?: string };
  highlights: readonly ExportHighlight[];
  notes: readonly ExportNote[];
}

export interface MarkdownExportOptions {
  /** File times in the zip (default: now). */
  now?: Date;
  /** Folder names inside the zip. */
  booksFolder?: string;
  notesFolder?: string;
}

const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$/i;
const MAX_NAME_BYTES = 180;

/**
 * A file name that every common file system and Obsidian accept: no path separators, `<>:"/\|?*`, control
 * characters, Obsidian's link characters `#^[]|`, or trailing dots and spaces; not a Windows device name;
 * at most 180 UTF-8 bytes (NFC). Empty results become `Untitled`.
 */
export function safeFileName(name: string): string {
  let s = name
    .normalize("NFC")
    .replace(/[\p{Cc}<>:"/\\|?*#^[\]]/gu, " ")
    .replace(/\s+/g, " ")
    .trim()
    .replace(/^\.+/, "")
    .replace(/[. ]+$/, "");
  while (Buffer.byteLength(s, "utf8") > MAX_NAME_BYTES) s = [...s].slice(0, -1).join("").trimEnd();
  s = s.replace(/[. ]+$/, "");
  if (s === "") s = "Untitled";
  if (WINDOWS_RESERVED.test(s)) s = `${s}_`;
  return s;
}

/** Hands out names unique without regard to case or Unicode form (macOS and Windows compare that way). */
export class UniqueNames {
  private readonly used = new Set<string>();

  take(base: string, ext: string): string {
    const key = (s: string) => s.normalize("NFC").toLowerCase();
    let name = `${base}${ext}`;
    for (let n = 2; this.used.has(key(name)); n++) name = `${base} (${n})${ext}`;
    this.used.add(key(name));
    return name;
  }
}

/** Highlight text shown literally: every character Markdown or Obsidian would interpret is escaped. */
export function escapeMarkdownText(text: string): string {
  return text
    .replace(/[\\`*_[\]<>#|~^=$%{}]/g, "\\$&")
    .replace(
      /^(\s*)([-+]|\d+[.)])(\s)/gm,
      (_m, sp: string, mark: string, after: string) => `${sp}\\${mark}${after}`,
    );
}

/** Obsidian block ids: Latin letters, digits and dashes. */
function blockIdFor(id: string, used: Set<string>): string {
  const base = `hl-${
    id
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, "-")
      .replace(/^-+|-+$/g, "") || "x"
  }`;
  let bid = base;
  for (let n = 2; used.has(bid); n++) bid = `${base}-${n}`;
  used.add(bid);
  return bid;
}

function obsidianTag(tag: string): string | undefined {
  const t = tag
    .trim()
    .replace(/\s+/g, "-")
    .replace(/[^\p{L}\p{N}_\-/]/gu, "");
  return t === "" || /^\d+$/.test(t) ? undefined : t;
}

function frontMatter(data: Record<string, unknown>): string {
  const clean = Object.fromEntries(
    Object.entries(data).filter(([, v]) => v !== undefined && !(Array.isArray(v) && v.length === 0)),
  );
  return `---\n${stringify(clean, { lineWidth: 0 })}---\n`;
}

const quote = (text: string) =>
  escapeMarkdownText(text.replace(/\r\n?/g, "\n").trim())
    .split("\n")
    .map((l) => (l === "" ? ">" : `> ${l}`))
    .join("\n");

/** The Markdown file of one book. */
export function bookMarkdown(book: ExportBook): string {
  const isbn = book.isbn13 ?? book.isbn10;
  let out = frontMatter({
    title: book.title,
    authors: [...book.authors],
    isbn,
    tags: (book.tags ?? []).map(obsidianTag).filter((t) => t !== undefined),
    added: book.dates?.added,
    started: book.dates?.started,
    finished: book.dates?.finished,
    readlog_id: book.id,
  });
  out += `\n# ${escapeMarkdownText(book.title)}\n`;
  if (book.authors.length > 0) out += `\n*${escapeMarkdownText(book.authors.join(", "))}*\n`;
  const used = new Set<string>();
  if (book.highlights.length > 0) out += "\n## Highlights\n";
  for (const h of book.highlights) {
    out += `\n${quote(h.text)}\n\n^${blockIdFor(h.id, used)}\n`;
    const meta = [h.location, h.color, h.createdAt?.slice(0, 10)].filter(
      (x): x is string => x !== undefined && x !== "",
    );
    const tags = (h.tags ?? []).map(obsidianTag).filter((t) => t !== undefined);
    if (meta.length > 0 || tags.length > 0) {
      out += `\n${[meta.map((m) => escapeMarkdownText(m)).join(" · "), tags.map((t) => `#${t}`).join(" ")].filter((x) => x !== "").join(" ")}\n`;
    }
    if (h.note && h.note.trim() !== "") out += `\n${h.note.trim()}\n`;
  }
  if (book.notes.length > 0) out += "\n## Notes\n";
  for (const n of book.notes) {
    if (n.title) out += `\n### ${escapeMarkdownText(n.title)}\n`;
    out += `\n${n.markdown.trim()}\n`;
  }
  return out;
}

/** The Markdown file of a note on no book. */
export function noteMarkdown(note: ExportNote): string {
  return `${frontMatter({
    title: note.title,
    tags: (note.tags ?? []).map(obsidianTag).filter((t) => t !== undefined),
    created: note.createdAt,
    updated: note.updatedAt,
    readlog_id: note.id,
  })}\n${note.markdown.trim()}\n`;
}

/**
 * The zip's bytes as they are produced: each book is rendered, compressed and handed on before the next
 * is read, so memory holds one book at a time (pipe it with `Readable.from(…)`).
 */
export async function* markdownExportZip(
  books: AsyncIterable<ExportBook> | Iterable<ExportBook>,
  notes: AsyncIterable<ExportNote> | Iterable<ExportNote> = [],
  options: MarkdownExportOptions = {},
): AsyncGenerator<Uint8Array> {
  const now = options.now ?? new Date();
  const booksFolder = options.booksFolder ?? "Books";
  const notesFolder = options.notesFolder ?? "Notes";
  const ready: Uint8Array[] = [];
  let failure: Error | undefined;
  const zip = new Zip((err, chunk) => {
    if (err) failure = err;
    else ready.push(chunk);
  });
  const names = new UniqueNames();
  const add = (path: string, text: string) => {
    const file = new ZipDeflate(path, { level: 6 });
    file.mtime = now;
    zip.add(file);
    file.push(new TextEncoder().encode(text), true);
  };
  function* drain(): Generator<Uint8Array> {
    if (failure) throw failure;
    while (ready.length > 0) yield ready.shift()!;
  }
  for await (const book of books) {
    add(`${booksFolder}/${names.take(safeFileName(book.title), ".md")}`, bookMarkdown(book));
    yield* drain();
  }
  for await (const note of notes) {
    const title = note.title?.trim() || note.markdown.trim().split("\n")[0]?.slice(0, 60) || "Untitled";
    add(`${notesFolder}/${names.take(safeFileName(title), ".md")}`, noteMarkdown(note));
    yield* drain();
  }
  zip.end();
  yield* drain();
}
