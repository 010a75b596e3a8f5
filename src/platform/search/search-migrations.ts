import { type Kysely, sql } from "kysely";

/** The engines the search tables exist for (the same names as the Db port's kinds). */
export type SearchDbKind = "sqlite" | "postgres";

/** Tables the search index owns (for a module definition's table list and export exclusions). */
export const SEARCH_TABLES = {
  documents: "search_documents",
  fts: "search_fts",
  owners: "search_owners",
} as const;

/**
 * Creates the search tables; attach as one migration step (`up(db, kind)`) of the module that owns search.
 *
 * SQLite: `search_owners` numbers each owner; `search_documents` keeps each document (its text for snippets,
 * its filters) under an integer `seq` = owner number × 2³² + n, so one owner's documents are one rowid range;
 * `search_fts` is a contentless FTS5 table (rowid = seq) over pre-analysed terms in four columns: title
 * words, body words, stems (in the document language) + lone CJK characters, and `meta` (kind, book and tag tokens,
 * so filters intersect inside FTS5). A search gives FTS5 the owner's rowid range, which it seeks to
 * instead of ranking every owner's matches. `contentless_delete=1` needs SQLite ≥ 3.43.
 *
 * PostgreSQL: one table whose `terms` tsvector (weights A title, B body, C stems `~stem`) has a GIN index;
 * the filters are ordinary columns; `seq` is the indexing order. No extension is needed.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations run against the schema as it was
export async function up(db: Kysely<any>, kind: SearchDbKind): Promise<void> {
  if (kind === "sqlite") {
    await db.schema
      .createTable("search_owners")
      .addColumn("num", "integer", (c) => c.primaryKey())
      .addColumn("owner_id", "text", (c) => c.notNull().unique())
      // Stemmer codes of the owner's documents: a query is stemmed in these only (the same hits, fewer terms).
      .addColumn("languages", "text", (c) => c.notNull().defaultTo("[]"))
      .execute();
    await db.schema
      .createTable("search_documents")
      .addColumn("seq", "integer", (c) => c.primaryKey())
      .addColumn("kind", "text", (c) => c.notNull())
      .addColumn("id", "text", (c) => c.notNull())
      .addColumn("owner_id", "text", (c) => c.notNull())
      .addColumn("book_id", "text")
      .addColumn("date", "text")
      .addColumn("language", "text")
      .addColumn("tags", "text", (c) => c.notNull().defaultTo("[]"))
      .addColumn("title", "text")
      .addColumn("body", "text", (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex("search_documents_key_idx")
      .on("search_documents")
      .columns(["kind", "id"])
      .unique()
      .execute();
    // Terms are already folded and split by text-analysis.ts; unicode61 only has to split on the spaces
    // (marks are token characters so that Devanagari or Thai vowel signs stay inside their terms).
    await sql`create virtual table search_fts using fts5(
      title, body, stems, meta,
      content='', contentless_delete=1,
      tokenize="unicode61 remove_diacritics 0 categories 'L* N* Co M*'",
      prefix='2 3'
    )`.execute(db);
    return;
  }
  await db.schema
    .createTable("search_documents")
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("id", "text", (c) => c.notNull())
    .addColumn("owner_id", "text", (c) => c.notNull())
    .addColumn("book_id", "text")
    .addColumn("date", "text")
    .addColumn("language", "text")
    .addColumn("tags", sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn("title", "text")
    .addColumn("body", "text", (c) => c.notNull())
    .addColumn("terms", sql`tsvector`, (c) => c.notNull())
    // Indexing order: past RANK_WINDOW matches a query ranks the newest.
    .addColumn("seq", "bigint", (c) => c.notNull().generatedAlwaysAsIdentity())
    .addPrimaryKeyConstraint("search_documents_pk", ["kind", "id"])
    .execute();
  await sql`create index search_documents_terms_idx on search_documents using gin (terms)`.execute(db);
  await db.schema
    .createIndex("search_documents_seq_idx")
    .on("search_documents")
    .column("seq")
    .unique()
    .execute();
  await db.schema
    .createIndex("search_documents_owner_idx")
    .on("search_documents")
    .columns(["owner_id", "date"])
    .execute();
}
