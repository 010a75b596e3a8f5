import {
  checkFilters,
  dateRange,
  decodeSearchCursor,
  encodeSearchCursor,
  MAX_OFFSET,
  pageLimit,
} from "./engine-queries.js";
import { type PlanTerm, planQuery, SearchQueryError } from "./query-parser.js";
import type { SearchHit, SearchPage, SearchQuery } from "./search-index.js";
import { markAll, snippet } from "./snippet.js";
import { STEMMED_LANGUAGES, stemmerFor } from "./stemmers.js";

/** A search checked and planned, ready for an engine. */
export interface PreparedSearch {
  terms: PlanTerm[];
  limit: number;
  offset: number;
  dates: { from?: string; before?: string };
}

/** A stored row as both adapters read it back. */
export interface StoredRow {
  kind: string;
  id: string;
  book_id: string | null;
  date: string | null;
  language: string | null;
  title: string | null;
  body: string;
  score: number;
}

/**
 * Validates and plans a query (every SearchQueryError is raised here, before any SQL runs). `indexed` are
 * the stemmer codes the owner's documents use, when the adapter knows them: stemming the query in other
 * languages could not match anything.
 */
export function prepareSearch(q: SearchQuery, indexed?: readonly string[]): PreparedSearch {
  if (typeof q.ownerId !== "string" || q.ownerId === "") throw new TypeError("search needs an ownerId");
  if (typeof q.q !== "string") throw new SearchQueryError("q", "required", "q is required");
  checkFilters(q);
  const languages = q.languages ?? STEMMED_LANGUAGES;
  if (languages.some((l) => typeof l !== "string" || l.length > 35)) {
    throw new SearchQueryError("q", "languages", "languages must be BCP 47 tags");
  }
  const wanted = languages.filter((l) => stemmerFor(l) !== undefined);
  const codes = indexed ? wanted.filter((l) => indexed.includes(stemmerFor(l)!.code)) : wanted;
  const { terms } = planQuery(q.q, codes);
  return { terms, limit: pageLimit(q), offset: decodeSearchCursor(q), dates: dateRange(q) };
}

/** Turns the engine's rows (fetched with limit + 1) into a page with snippets and the next cursor. */
export function toSearchPage(q: SearchQuery, p: PreparedSearch, rows: readonly StoredRow[]): SearchPage {
  const more = rows.length > p.limit && p.offset + p.limit <= MAX_OFFSET;
  const hits: SearchHit[] = rows.slice(0, p.limit).map((r) => {
    const language = r.language ?? undefined;
    return {
      kind: r.kind,
      id: r.id,
      bookId: r.book_id,
      date: r.date,
      title: r.title ? markAll(r.title, p.terms, language) : null,
      snippet: snippet(r.body, p.terms, language),
      score: r.score,
    };
  });
  return { hits, nextCursor: more ? encodeSearchCursor(q, p.offset + p.limit) : null };
}
