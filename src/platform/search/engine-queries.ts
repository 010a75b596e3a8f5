import { createHash } from "node:crypto";
import type { PlanTerm } from "./query-parser.js";
import { SearchQueryError } from "./query-parser.js";
import type { SearchQuery } from "./search-index.js";
import { foldText } from "./text-analysis.js";

/**
 * Query plans turned into each engine's syntax. Every term is quoted by us: terms hold only letters,
 * digits and marks (the analysis removed everything else), and quotes are escaped all the same.
 */

const fts5Quote = (term: string) => `"${term.replace(/"/g, '""')}"`;
const WORDS = "{title body}";

function fts5Term(t: PlanTerm): string {
  if (t.type === "word") {
    const word = `${WORDS} : ${fts5Quote(t.term)}${t.prefix ? " *" : ""}`;
    if (t.stems.length === 0) return word;
    return `(${word} OR stems : (${t.stems.map(fts5Quote).join(" OR ")}))`;
  }
  if (t.type === "char") return `(${WORDS} : ${fts5Quote(t.term)} OR stems : ${fts5Quote(t.term)})`;
  return `${WORDS} : ${t.terms.map(fts5Quote).join(" + ")}${t.prefix ? " *" : ""}`;
}

/** Hex of the UTF-8 bytes: an exact, single-token spelling of any id for the FTS5 `meta` column. */
export const metaToken = (prefix: "k" | "b" | "t", value: string) =>
  prefix + Buffer.from(value, "utf8").toString("hex");

/**
 * The FTS5 MATCH expression for a plan plus the filters that live in the `meta` column (kind, book, tags).
 * The owner is not in it: the adapter restricts the rowid range instead.
 */
export function fts5Match(terms: readonly PlanTerm[], q: Omit<SearchQuery, "ownerId" | "q">): string {
  const pos = terms.filter((t) => !t.negated).map((t) => `(${fts5Term(t)})`);
  const neg = terms.filter((t) => t.negated).map(fts5Term);
  const meta: string[] = [];
  if (q.kinds && q.kinds.length > 0)
    meta.push(`(${q.kinds.map((k) => fts5Quote(metaToken("k", k))).join(" OR ")})`);
  if (q.bookId !== undefined) meta.push(fts5Quote(metaToken("b", q.bookId)));
  for (const tag of q.tags ?? []) meta.push(fts5Quote(metaToken("t", foldText(tag))));
  if (meta.length > 0) pos.unshift(`meta : (${meta.join(" AND ")})`);
  const positive = pos.join(" AND ");
  return neg.length === 0 ? positive : `(${positive}) NOT (${neg.join(" OR ")})`;
}

const tsQuote = (term: string) => `'${term.replace(/\\/g, "\\\\").replace(/'/g, "''")}'`;

/**
 * A stem as a PostgreSQL lexeme: `~dream`. The `~` (never inside an analysed word) keeps stems apart from
 * words without weight restrictions in the query: a weight-restricted tsquery makes GIN recheck every
 * candidate row against its stored tsvector, which cost seconds on a 200,000-document owner.
 */
export const pgStem = (stem: string) => `~${stem}`;

function tsTerm(t: PlanTerm): string {
  if (t.type === "word") {
    const parts = [`${tsQuote(t.term)}${t.prefix ? ":*" : ""}`, ...t.stems.map((s) => tsQuote(pgStem(s)))];
    return parts.length === 1 ? parts[0]! : `(${parts.join(" | ")})`;
  }
  if (t.type === "char") return tsQuote(t.term);
  const last = t.terms.length - 1;
  const seq = t.terms.map((term, i) => `${tsQuote(term)}${i === last && t.prefix ? ":*" : ""}`);
  return seq.length === 1 ? seq[0]! : `(${seq.join(" <-> ")})`;
}

/** The tsquery literal for a plan (no weight restrictions: words, stems and characters are distinct lexemes). */
export function tsQuery(terms: readonly PlanTerm[]): string {
  const pos = terms.filter((t) => !t.negated).map(tsTerm);
  const neg = terms.filter((t) => t.negated).map((t) => `!${tsTerm(t)}`);
  return [...pos, ...neg].join(" & ");
}

/**
 * Most matches ranked. A query matching more of an owner's documents (a very common word) ranks the most
 * recently indexed RANK_WINDOW of them: ranking costs microseconds per match (bm25 per term on SQLite,
 * reading each tsvector on PostgreSQL), and without a bound a word like "that" in 200,000 highlights takes a
 * tenth of a second on SQLite and seconds on PostgreSQL.
 */
export const RANK_WINDOW = 2_000;

/** Default and largest page size. */
export const DEFAULT_LIMIT = 20;
export const MAX_LIMIT = 100;
/** Deepest offset a cursor may reach (a ranked list is re-ranked for every page). */
export const MAX_OFFSET = 10_000;

/** The part of a query a cursor belongs to: a cursor from another search is refused. */
function fingerprint(q: SearchQuery): string {
  const key = JSON.stringify([
    q.ownerId,
    q.q,
    q.kinds ?? [],
    q.bookId ?? null,
    q.tags ?? [],
    q.from,
    q.to,
    q.languages,
  ]);
  return createHash("sha256").update(key).digest("base64url").slice(0, 12);
}

export function encodeSearchCursor(q: SearchQuery, offset: number): string {
  return Buffer.from(`${fingerprint(q)}.${offset}`, "utf8").toString("base64url");
}

/** The offset a cursor points at; SearchQueryError for a cursor that is malformed or from another search. */
export function decodeSearchCursor(q: SearchQuery): number {
  if (q.cursor === undefined || q.cursor === "") return 0;
  const raw = /^[A-Za-z0-9_-]{1,200}$/.test(q.cursor)
    ? Buffer.from(q.cursor, "base64url").toString("utf8")
    : "";
  const m = /^([A-Za-z0-9_-]{12})\.(\d{1,6})$/.exec(raw);
  if (!m) throw new SearchQueryError("cursor", "format", "The cursor is not one this search returned");
  if (m[1] !== fingerprint(q)) {
    throw new SearchQueryError(
      "cursor",
      "mismatch",
      "The cursor belongs to a different search; start again without it",
    );
  }
  const offset = Number(m[2]);
  if (offset > MAX_OFFSET)
    throw new SearchQueryError("cursor", "depth", `Results past ${MAX_OFFSET} are not paged`);
  return offset;
}

/** The page size, checked. */
export function pageLimit(q: SearchQuery): number {
  const limit = q.limit ?? DEFAULT_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    throw new SearchQueryError("limit", "range", `limit must be a whole number from 1 to ${MAX_LIMIT}`);
  }
  return limit;
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

function checkDay(field: "from" | "to", day: string): void {
  const m = DAY.exec(day);
  const d = m ? new Date(`${day}T00:00:00Z`) : undefined;
  if (!d || Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== day) {
    throw new SearchQueryError(field, "format", `${field} must be a day YYYY-MM-DD`);
  }
}

/** The date filter as a half-open range of stored dates: [from, next day of to). */
export function dateRange(q: SearchQuery): { from?: string; before?: string } {
  const out: { from?: string; before?: string } = {};
  if (q.from !== undefined) {
    checkDay("from", q.from);
    out.from = q.from;
  }
  if (q.to !== undefined) {
    checkDay("to", q.to);
    const next = new Date(`${q.to}T00:00:00Z`);
    next.setUTCDate(next.getUTCDate() + 1);
    out.before = next.toISOString().slice(0, 10);
  }
  if (out.from && q.to && q.to < out.from) throw new SearchQueryError("to", "order", "to is before from");
  return out;
}

/** Checks the filters' sizes (an API may pass user input straight through). */
export function checkFilters(q: SearchQuery): void {
  if (q.kinds && (q.kinds.length > 20 || q.kinds.some((k) => k === "" || k.length > 64))) {
    throw new SearchQueryError("kinds", "format", "kinds: at most 20 kinds of 1–64 characters");
  }
  if (q.tags && (q.tags.length > 20 || q.tags.some((t) => t.length > 200 || foldText(t) === ""))) {
    throw new SearchQueryError("tags", "format", "tags: at most 20 non-empty tags of up to 200 characters");
  }
}
