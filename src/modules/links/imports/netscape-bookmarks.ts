import {
  DEFAULT_MAX_IMPORT_BYTES,
  fileProblem,
  type ImportBytes,
  type LinkImportItem,
  type LinkState,
  RowProblems,
  readFailure,
  readTags,
  readTitle,
  readUnixSeconds,
  readUrl,
  utf8Text,
} from "./link-import.js";

// The Netscape bookmark file every browser exports (and Pocket's old HTML export, Pinboard,
// Raindrop…): `<DT><H3>Folder</H3><DL><p> <DT><A HREF="…" ADD_DATE="…" TAGS="a,b">Title</A> </DL>`.
// Folders become tags (the whole path: Reading/Tech → "Reading", "Tech"); a TAGS attribute adds
// its tags. Read as a stream of tags with a bounded buffer, not as a DOM: exports run to 100k links.

const TOKEN = /<(\/?)(dl|h3|a|h1)\b([^>]*)>|<\/(h3|a|h1)>/gi;
const ATTR = /([a-z_:-]+)\s*=\s*("([^"]*)"|'([^']*)'|([^\s>]+))/gi;
const MAX_PENDING = 1_000_000;
/** Folder names that are a browser's own roots, not the user's folders. */
const ROOTS = new Set([
  "bookmarks bar",
  "bookmarks toolbar",
  "bookmarks menu",
  "other bookmarks",
  "mobile bookmarks",
  "favorites bar",
  "lesezeichenleiste",
  "bookmarks",
]);

const ENTITIES: Record<string, string> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
  nbsp: " ",
  "#39": "'",
};
function decode(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
    if (name[0] !== "#") return ENTITIES[name.toLowerCase()] ?? whole;
    const code =
      name[1] === "x" || name[1] === "X" ? Number.parseInt(name.slice(2), 16) : Number(name.slice(1));
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}

function attributes(raw: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of raw.matchAll(ATTR)) out.set((m[1] ?? "").toLowerCase(), decode(m[3] ?? m[4] ?? m[5] ?? ""));
  return out;
}

const stripTags = (s: string) =>
  decode(s.replace(/<[^>]*>/g, ""))
    .replace(/\s+/g, " ")
    .trim();

/** Reads a bookmarks HTML export; one item per link, folders (and Pocket's sections) as tags/state. */
export async function* parseNetscapeBookmarks(
  source: ImportBytes,
  options: { maxBytes?: number } = {},
): AsyncGenerator<LinkImportItem> {
  const folders: string[] = [];
  let pendingFolder: string | undefined;
  let section: LinkState | undefined;
  let buf = "";
  // Line bookkeeping: `cursorLine` is the line of buf[cursor]; matches only move forward.
  let cursor = 0;
  let cursorLine = 1;
  const lineAt = (at: number) => {
    cursorLine += countLines(buf, cursor, at);
    cursor = at;
    return cursorLine;
  };
  let sawHeader = false;
  let links = 0;
  // An open <A …>, <H3 …> or <H1> whose closing tag has not arrived yet.
  let open:
    | { kind: "a" | "h3" | "h1"; attrs: Map<string, string>; line: number; tagAt: number; start: number }
    | undefined;

  function* scan(final: boolean): Generator<LinkImportItem> {
    const pattern = new RegExp(TOKEN.source, "gi");
    let done = 0;
    for (let m = pattern.exec(buf); m; m = pattern.exec(buf)) {
      const at = m.index;
      const closing = m[4]?.toLowerCase() ?? (m[1] === "/" ? m[2]?.toLowerCase() : undefined);
      const tag = (m[2] ?? m[4] ?? "").toLowerCase();
      const here = lineAt(at);
      if (!closing) {
        if (tag === "dl") {
          folders.push(pendingFolder ?? "");
          pendingFolder = undefined;
        } else if (tag === "a" || tag === "h3" || tag === "h1") {
          open = { kind: tag, attrs: attributes(m[3] ?? ""), line: here, tagAt: at, start: at + m[0].length };
        }
      } else if (closing === "dl") {
        folders.pop();
      } else if (open && closing === open.kind) {
        const text = stripTags(buf.slice(open.start, at));
        if (open.kind === "h3") pendingFolder = text;
        else if (open.kind === "h1") {
          // Pocket's HTML export: <h1>Unread</h1> and <h1>Read Archive</h1> sections.
          const t = text.toLowerCase();
          section = t === "unread" ? "unread" : t.includes("archive") ? "archived" : section;
        } else {
          links++;
          yield link(open.attrs, text, open.line);
        }
        open = undefined;
      }
      done = pattern.lastIndex;
    }
    // Keep what may still complete: from an open tag, or a partial "<…" at the end.
    let keep: number;
    if (open) keep = open.tagAt;
    else {
      const lt = buf.indexOf("<", done);
      keep = lt === -1 ? buf.length : Math.max(lt, buf.lastIndexOf("<"));
    }
    lineAt(keep);
    buf = buf.slice(keep);
    cursor = 0;
    if (open) {
      open.start -= open.tagAt;
      open.tagAt = 0;
      if (buf.length > MAX_PENDING && !final) {
        const item = fileProblem(
          open.line,
          "html",
          `the <${open.kind}> opened on line ${open.line} is not closed within 1 MB`,
        );
        open = undefined;
        lineAt(buf.length);
        buf = "";
        cursor = 0;
        yield item;
      }
    }
  }

  function link(attrs: Map<string, string>, text: string, at: number): LinkImportItem {
    const p = new RowProblems(at);
    const url = readUrl(attrs.get("href"), "HREF", p);
    const path = folders.filter((f) => f !== "" && !ROOTS.has(f.toLowerCase()));
    const extra = (attrs.get("tags") ?? "").split(",");
    const tags = readTags([...path, ...extra], "TAGS", p);
    const savedAt = readUnixSeconds(attrs.get("add_date") ?? attrs.get("time_added"), "ADD_DATE", p);
    if (!url) return { line: at, problems: p.list };
    return {
      line: at,
      row: { url, title: readTitle(text), tags, savedAt, state: section },
      problems: p.list,
    };
  }

  try {
    for await (const text of utf8Text(source, options.maxBytes ?? DEFAULT_MAX_IMPORT_BYTES)) {
      if (!sawHeader && /<!DOCTYPE NETSCAPE-Bookmark-file-1>/i.test(text)) sawHeader = true;
      buf += text;
      yield* scan(false);
    }
    yield* scan(true);
    if (open)
      yield fileProblem(open.line, "html", `the <${open.kind}> opened on line ${open.line} is never closed`);
    if (links === 0)
      yield fileProblem(
        1,
        "bookmarks",
        sawHeader ? "the file holds no links" : "not a bookmarks export: no <A HREF> links found",
      );
  } catch (err) {
    yield readFailure(err);
  }
}

function countLines(s: string, from: number, to: number): number {
  let n = 0;
  for (let i = s.indexOf("\n", from); i !== -1 && i < to; i = s.indexOf("\n", i + 1)) n++;
  return n;
}
