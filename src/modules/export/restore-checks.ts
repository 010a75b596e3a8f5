/**
 * What a restore document must hold beyond each field's own rule (those are in the row schemas of
 * export.tables.ts): the relations the API keeps by construction. A document passes only if every row is
 * one the API could have written, so nothing restored can make a later read or write fail (issue 11,
 * item 2). Each problem names the row and field, e.g. `/body/progressEntries/12/supersedes`; the first
 * MAX_LISTED_ERRORS are listed and the rest counted.
 */
import { FieldErrors } from "../../platform/errors.js";
import { futureDateProblem } from "../../platform/local-date.js";
import { isbnOfLength } from "../books/isbn.js";
import { normalizeUrl } from "../links/extraction/canonical-url.js";
import { isHttpUrl } from "../text/freeform.js";
import type { ExportedTable } from "./export.tables.js";

type DocRow = Record<string, unknown>;
export type DocTables = { t: ExportedTable; rows: DocRow[] }[];

const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === "number" ? v : undefined);

/** Checks `tables` (already valid row by row) as a whole, for an owner in `zone` restoring at `now`. */
export function checkDocument(tables: DocTables, ctx: { zone: string; now: Date }): FieldErrors {
  const errors = new FieldErrors();
  const rowsOf = (key: string) => tables.find(({ t }) => t.key === key)?.rows ?? [];
  const at = (key: string, i: number, field: string) => `/body/${key}/${i}/${field}`;

  // Ids unique per table, and every link naming a row of the document.
  const ids = new Map<string, Map<string, DocRow>>();
  for (const { t, rows } of tables) {
    if (!("id" in t.row.properties)) continue;
    const byId = new Map<string, DocRow>();
    rows.forEach((r, i) => {
      const id = r.id as string;
      if (byId.has(id)) errors.add(at(t.key, i, "id"), "unique", `is a second ${t.key} row with id ${id}`);
      else byId.set(id, r);
    });
    ids.set(t.key, byId);
  }
  for (const { t, rows } of tables)
    rows.forEach((r, i) => {
      for (const [field, target] of Object.entries(t.refs)) {
        const v = r[field];
        if (v !== null && v !== undefined && !ids.get(target)?.has(v as string))
          errors.add(at(t.key, i, field), "reference", `${String(v)} names no row of ${target}`);
      }
    });
  const readings = ids.get("readings") ?? new Map<string, DocRow>();
  const books = ids.get("books") ?? new Map<string, DocRow>();
  const entries = ids.get("progressEntries") ?? new Map<string, DocRow>();

  const notFuture = (key: string, i: number, field: string, day: unknown) => {
    const problem = typeof day === "string" ? futureDateProblem(day, ctx.zone, ctx.now) : undefined;
    if (problem) errors.add(at(key, i, field), "not-future", problem);
  };

  // Books: valid ISBNs of one edition; one current read-through, of this book, whose shelf it is on.
  rowsOf("books").forEach((b, i) => {
    const i10 = str(b.isbn10);
    const i13 = str(b.isbn13);
    const p10 = i10 === undefined ? undefined : isbnOfLength(i10, 10);
    const p13 = i13 === undefined ? undefined : isbnOfLength(i13, 13);
    if (i10 !== undefined && !p10)
      errors.add(at("books", i, "isbn10"), "isbn", `${i10} is not a valid ISBN-10`);
    if (i13 !== undefined && !p13)
      errors.add(at("books", i, "isbn13"), "isbn", `${i13} is not a valid ISBN-13`);
    if (p10 && (!p13 || p10.isbn13 !== p13.isbn13))
      errors.add(at("books", i, "isbn13"), "isbn", `must be the ISBN-13 of ISBN-10 ${i10}`);
    const current = readings.get(b.currentReadingId as string);
    if (current && current.bookId !== b.id)
      errors.add(at("books", i, "currentReadingId"), "own-reading", "names a read-through of another book");
    else if (current && current.status !== b.status)
      errors.add(
        at("books", i, "status"),
        "current-status",
        `is ${String(b.status)} but its current read-through is ${String(current.status)}`,
      );
  });

  // Read-throughs: past days, finished after started, a finish day only on a finished one.
  rowsOf("readings").forEach((r, i) => {
    notFuture("readings", i, "startedOn", r.startedOn);
    notFuture("readings", i, "finishedOn", r.finishedOn);
    const started = str(r.startedOn);
    const finished = str(r.finishedOn);
    if (started && finished && finished < started)
      errors.add(
        at("readings", i, "finishedOn"),
        "after-start",
        `${finished} is before the start (${started})`,
      );
    if (finished && r.status !== "finished")
      errors.add(
        at("readings", i, "finishedOn"),
        "finished-only",
        "is set on a read-through that is not finished",
      );
  });
  rowsOf("statusChanges").forEach((c, i) => {
    notFuture("statusChanges", i, "localDate", c.localDate);
  });

  // Progress: the read-through's book, page or percent, not before the start, a correction of an earlier
  // entry of the same read-through (so no cycles), no page beyond the book when it is in effect.
  const superseded = new Set<string>();
  for (const e of entries.values()) if (typeof e.supersedes === "string") superseded.add(e.supersedes);
  rowsOf("progressEntries").forEach((e, i) => {
    const reading = readings.get(e.readingId as string);
    if (reading && reading.bookId !== e.bookId)
      errors.add(at("progressEntries", i, "bookId"), "reading-book", "is not the book of its read-through");
    if (e.page === null && e.percent === null)
      errors.add(at("progressEntries", i, "page"), "required", "page or percent is required");
    notFuture("progressEntries", i, "localDate", e.localDate);
    const started = str(reading?.startedOn);
    if (started && str(e.localDate)! < started)
      errors.add(
        at("progressEntries", i, "localDate"),
        "after-start",
        `${String(e.localDate)} is before its read-through started (${started})`,
      );
    const earlier = typeof e.supersedes === "string" ? entries.get(e.supersedes) : undefined;
    if (earlier && (earlier.readingId !== e.readingId || !before(earlier, e)))
      errors.add(
        at("progressEntries", i, "supersedes"),
        "earlier-entry",
        "must name an earlier entry of the same read-through",
      );
    const book = books.get(e.bookId as string);
    const total = num(book?.totalPages);
    const page = num(e.page);
    if (
      total !== undefined &&
      page !== undefined &&
      page > total &&
      book?.currentReadingId === e.readingId &&
      !superseded.has(e.id as string)
    )
      errors.add(at("progressEntries", i, "page"), "maximum", `${page} is beyond the book's ${total} pages`);
  });

  // One goal per year, one id per outside record, one settings row, one card per subject, one review per key.
  unique(errors, "goals", rowsOf("goals"), (g) => String(g.year), "a second goal for year");
  unique(errors, "importKeys", rowsOf("importKeys"), (k) => `${k.source} ${k.externalId}`, "a second id");
  if (rowsOf("reviewSettings").length > 1)
    errors.add("/body/reviewSettings/1", "max-rows", "there is one settings row per account");
  unique(
    errors,
    "reviewCards",
    rowsOf("reviewCards"),
    (c) => `${c.kind} ${c.subjectId}`,
    "a second card for",
  );
  unique(
    errors,
    "reviewLogs",
    rowsOf("reviewLogs"),
    (l) => String(l.idempotencyKey),
    "a second review with key",
  );
  // One entry per article: the canonical URL the API dedupes by (derived from the URL when absent).
  unique(errors, "links", rowsOf("links"), (l) => canonicalOf(l) ?? String(l.id), "a second saved link");
  unique(
    errors,
    "linkTags",
    rowsOf("linkTags"),
    (t) => `${t.linkId} ${String(t.tag).toLowerCase()}`,
    "a second tag",
  );

  rowsOf("reviewCards").forEach((c, i) => {
    if (c.kind === "book" && c.subjectId !== c.bookId)
      errors.add(at("reviewCards", i, "subjectId"), "book-card", "a book card's subject is its book");
  });
  rowsOf("links").forEach((l, i) => {
    if (!isHttpUrl(String(l.url))) errors.add(at("links", i, "url"), "http-url", "is not an http(s) URL");
    const c = str(l.canonicalUrl);
    if (c !== undefined && (!isHttpUrl(c) || canonicalOf({ url: c }) !== c))
      errors.add(at("links", i, "canonicalUrl"), "canonical-url", "is not a normalised http(s) URL");
  });
  // Note revisions: one per version of a note, none past the note's own version (its next save's number).
  unique(
    errors,
    "noteRevisions",
    rowsOf("noteRevisions"),
    (r) => `${r.noteId} ${r.version}`,
    "a second revision",
  );
  const notes = ids.get("notes") ?? new Map<string, DocRow>();
  rowsOf("noteRevisions").forEach((r, i) => {
    const note = notes.get(r.noteId as string);
    if (note && (num(r.version) ?? 0) > (num(note.version) ?? 0))
      errors.add(at("noteRevisions", i, "version"), "note-version", "is past its note's version");
  });
  checkClubs(tables, errors);
  return errors;
}

/**
 * Clubs: the reading and its schedule set together or not at all; the names and messages trimmed as the API
 * stores them; one membership (the owner's) per club; replies to an earlier message of the same club.
 */
function checkClubs(tables: DocTables, errors: FieldErrors): void {
  const rowsOf = (key: string) => tables.find(({ t }) => t.key === key)?.rows ?? [];
  const at = (key: string, i: number, field: string) => `/body/${key}/${i}/${field}`;
  const trimmed = (key: string, i: number, field: string, v: unknown) => {
    if (typeof v === "string" && v.trim() !== v)
      errors.add(at(key, i, field), "trimmed", "has leading or trailing spaces, which the API removes");
  };
  const clubs = new Map<string, DocRow>();
  for (const c of rowsOf("clubs")) clubs.set(c.id as string, c);
  const owned = new Set<string>();
  rowsOf("clubs").forEach((c, i) => {
    trimmed("clubs", i, "name", c.name);
    const reading = [c.bookTitle, c.startsOn, c.pagesPerWeek];
    if (
      reading.some((v) => v === null) !== reading.every((v) => v === null) ||
      (c.bookTitle === null && c.bookTotalPages !== null)
    )
      errors.add(
        at("clubs", i, "bookTitle"),
        "reading",
        "a club's book, start day and pages per week are set together, or none of them",
      );
  });
  rowsOf("clubMemberships").forEach((m, i) => {
    if (owned.has(m.clubId as string))
      errors.add(
        at("clubMemberships", i, "clubId"),
        "unique",
        `is a second membership of club ${String(m.clubId)}`,
      );
    owned.add(m.clubId as string);
  });
  rowsOf("clubs").forEach((c, i) => {
    if (!owned.has(c.id as string))
      errors.add(at("clubs", i, "id"), "owner-membership", "has no membership row (its owner's)");
  });
  const messages = new Map<string, DocRow>();
  for (const m of rowsOf("clubMessages")) messages.set(m.id as string, m);
  rowsOf("clubMessages").forEach((m, i) => {
    trimmed("clubMessages", i, "body", m.body);
    const club = clubs.get(m.clubId as string);
    if (club && Date.parse(m.createdAt as string) < Date.parse(club.createdAt as string))
      errors.add(at("clubMessages", i, "createdAt"), "after-club", "is before its club was made");
    if (typeof m.editedAt === "string" && Date.parse(m.editedAt) < Date.parse(m.createdAt as string))
      errors.add(at("clubMessages", i, "editedAt"), "after-created", "is before the message was written");
    const parent = typeof m.replyToId === "string" ? messages.get(m.replyToId) : undefined;
    if (parent && (parent.clubId !== m.clubId || (parent.id as string) >= (m.id as string)))
      errors.add(
        at("clubMessages", i, "replyToId"),
        "earlier-message",
        "must name an earlier message of the same club",
      );
  });
}

/** The canonical URL of a link row: its own, or its URL normalised (undefined for a URL that is not one). */
function canonicalOf(l: DocRow): string | undefined {
  const own = str(l.canonicalUrl);
  if (own !== undefined) return own;
  try {
    return normalizeUrl(String(l.url));
  } catch {
    return undefined;
  }
}

/** Whether entry `a` was recorded before `b` (the log's order: recorded_at, then id). */
function before(a: DocRow, b: DocRow): boolean {
  const ta = Date.parse(a.recordedAt as string);
  const tb = Date.parse(b.recordedAt as string);
  return ta < tb || (ta === tb && (a.id as string) < (b.id as string));
}

function unique(errors: FieldErrors, key: string, rows: DocRow[], of: (r: DocRow) => string, what: string) {
  const seen = new Set<string>();
  rows.forEach((r, i) => {
    const k = of(r);
    if (seen.has(k)) errors.add(`/body/${key}/${i}`, "unique", `is ${what} ${k.split(" ").pop()}`);
    seen.add(k);
  });
}
