/**
 * The SearchIndex port: full-text search over a user's books, notes, highlights, articles, … Adapters:
 * `SqliteSearchIndex` (FTS5) and `PostgresSearchIndex` (tsvector + GIN). Both index the terms of one shared
 * analysis (text-analysis.ts), so they find the same documents; ranking scores differ per engine.
 */

/** What is indexed for one object. `kind` + `id` identify it across the whole index. */
export interface SearchDocument {
  /** "book" | "note" | "highlight" | "article" | … (open: 1–64 characters). */
  kind: string;
  id: string;
  ownerId: string;
  title?: string | null;
  /** Plain text (Markdown already reduced to text); the first 200,000 characters are indexed. */
  body: string;
  tags?: readonly string[];
  bookId?: string | null;
  /** `YYYY-MM-DD` or an RFC 3339 instant; what the date filter compares. */
  date?: string | null;
  /** BCP 47 tag of the text (`en`, `es-MX`); selects the stemmer. Absent: words match without stemming. */
  language?: string | null;
}

/** Names one document of the index. */
export interface SearchKey {
  kind: string;
  id: string;
}

/** A search as the caller received it; `q` is the user's text, parsed here (never passed to an engine). */
export interface SearchQuery {
  ownerId: string;
  q: string;
  /** Only these kinds. */
  kinds?: readonly string[];
  bookId?: string;
  /** Documents carrying every one of these tags (compared case- and accent-insensitively). */
  tags?: readonly string[];
  /** Inclusive local days `YYYY-MM-DD` on the document's `date`. */
  from?: string;
  to?: string;
  /** Languages the query words are stemmed in (default: every stemmed language). */
  languages?: readonly string[];
  /** 1–100, default 20. */
  limit?: number;
  /** `nextCursor` of the previous page of the same search. */
  cursor?: string;
}

/**
 * Text with the matched ranges. `text` is the document's own text (never HTML): escape it, then wrap the
 * ranges (see `markedToHtml`). Ranges are [start, end) in UTF-16 units, sorted and not overlapping.
 */
export interface MarkedText {
  text: string;
  marks: Array<[number, number]>;
  /** The text was cut before / after what is shown. */
  cutStart: boolean;
  cutEnd: boolean;
}

export interface SearchHit {
  kind: string;
  id: string;
  bookId: string | null;
  date: string | null;
  /** The title with its matches marked (null when the document has none). */
  title: MarkedText | null;
  /** A passage of the body around the best matches. */
  snippet: MarkedText;
  /** Engine-specific relevance, higher is better; only comparable within one result list. */
  score: number;
}

export interface SearchPage {
  hits: SearchHit[];
  nextCursor: string | null;
}

/** What an adapter can do on the database it runs on (reported by `/api/ops`-style diagnostics). */
export interface SearchCapabilities {
  engine: "sqlite-fts5" | "postgres-tsvector";
  stemmedLanguages: readonly string[];
  /** Scripts without spaces are searchable (bigram terms). */
  cjk: boolean;
  /** Human-readable notes on what is degraded (an extension missing, …); empty when nothing is. */
  notes: string[];
}

export interface SearchIndex {
  /** Adds or replaces documents (by kind + id); runs in the caller's transaction when it has one. */
  upsert(docs: SearchDocument | readonly SearchDocument[]): Promise<void>;
  /** Removes one document; removing an absent one is no error. */
  remove(kind: string, id: string): Promise<void>;
  /**
   * Removes documents by kind + id in a few set-based statements (not one round per document); absent ones
   * and repeats are no error. Runs in the caller's transaction when it has one.
   */
  removeMany(docs: readonly SearchKey[]): Promise<void>;
  /** Removes every document of an owner (account deletion, full reindex of one user). */
  removeOwner(ownerId: string): Promise<void>;
  /**
   * Ranked hits of the owner's documents only (when more than RANK_WINDOW match, the newest RANK_WINDOW are
   * ranked); throws `SearchQueryError` (field, rule, message: a 400) for a query that cannot run.
   */
  search(query: SearchQuery): Promise<SearchPage>;
  /**
   * Replaces the index (or one owner's part of it) with the documents `source` yields, in one transaction:
   * readers see the old index until it commits. Returns how many documents were indexed.
   */
  rebuild(source: AsyncIterable<readonly SearchDocument[]>, scope?: { ownerId: string }): Promise<number>;
  /** Number of documents indexed for an owner. */
  count(ownerId: string): Promise<number>;
  capabilities(): Promise<SearchCapabilities>;
}
