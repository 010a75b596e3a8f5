import { CompiledQuery, sql } from "kysely";
import { chunks } from "../db/chunks.js";
import {
  checkDocument,
  checkedBatches,
  type DocumentTerms,
  documentList,
  documentTerms,
  storedDate,
  storedText,
} from "./document-terms.js";
import { pgStem, RANK_WINDOW, tsQuery } from "./engine-queries.js";
import { inSearchTransaction, resolveDb, type SearchDb, type SearchDbSource } from "./search-db.js";
import { prepareSearch, type StoredRow, toSearchPage } from "./search-flow.js";
import type {
  SearchCapabilities,
  SearchDocument,
  SearchIndex,
  SearchKey,
  SearchPage,
  SearchQuery,
} from "./search-index.js";
import { STEMMED_LANGUAGES } from "./stemmers.js";
import { foldText } from "./text-analysis.js";

/** PostgreSQL's limits on a tsvector: positions up to 16383, at most 256 positions per lexeme. */
const MAX_POSITION = 16_383;
const MAX_POSITIONS_PER_LEXEME = 256;
/** Rows per INSERT when writing many documents. */
const BATCH = 200;
// ts_rank weights in the order {D, C, B, A}: title words 1.0, body words 0.2, stems 0.1 (a title match
// outranks a few body mentions, as bm25 weights 4 : 1 : 0.5 do on SQLite).
const WEIGHTS = "{0.0, 0.1, 0.2, 1.0}";

const lexeme = (term: string) => `'${term.replace(/\\/g, "\\\\").replace(/'/g, "''")}'`;

/**
 * The tsvector literal of a document's terms: title words at positions 1… (weight A), body words after a
 * gap (B, so no phrase spans title and body), each stem at its word's position (C), lone CJK characters (C).
 * Positions past 16383 share the last one (phrases that far into a very long note match loosely).
 */
export function tsvectorLiteral(t: DocumentTerms): string {
  const positions = new Map<string, string[]>();
  const add = (term: string, pos: number, weight: "A" | "B" | "C") => {
    let list = positions.get(term);
    if (!list) {
      list = [];
      positions.set(term, list);
    }
    if (list.length < MAX_POSITIONS_PER_LEXEME) list.push(`${Math.min(pos, MAX_POSITION)}${weight}`);
  };
  t.title.forEach((term, i) => {
    add(term, i + 1, "A");
  });
  const bodyAt = t.title.length + 2;
  t.body.forEach((term, i) => {
    add(term, bodyAt + i, "B");
  });
  t.stems.forEach((stem, i) => {
    if (stem !== undefined) add(pgStem(stem), i < t.title.length ? i + 1 : bodyAt + i - t.title.length, "C");
  });
  for (const ch of t.chars) add(ch, 1, "C");
  let out = "";
  for (const [term, list] of positions) out += `${out === "" ? "" : " "}${lexeme(term)}:${list.join(",")}`;
  return out;
}

/** The PostgreSQL adapter of SearchIndex (tables from search-migrations.ts, kind "postgres"). */
export class PostgresSearchIndex implements SearchIndex {
  private readonly rankWindow: number;

  /** `rankWindow`: most matches ranked (default RANK_WINDOW, as on SQLite); the newest are ranked past it. */
  constructor(
    private readonly source: SearchDbSource,
    options: { rankWindow?: number } = {},
  ) {
    this.rankWindow = options.rankWindow ?? RANK_WINDOW;
  }

  private get db(): SearchDb {
    return resolveDb(this.source);
  }

  async upsert(docs: SearchDocument | readonly SearchDocument[]): Promise<void> {
    const list = documentList(docs);
    for (const d of list) checkDocument(d);
    if (list.length === 0) return;
    await inSearchTransaction(this.db, (tx) => writeMany(tx, list));
  }

  async remove(kind: string, id: string): Promise<void> {
    await sql`delete from search_documents where kind = ${kind} and id = ${id}`.execute(this.db);
  }

  async removeMany(docs: readonly SearchKey[]): Promise<void> {
    if (docs.length === 0) return;
    await inSearchTransaction(this.db, async (tx) => {
      for (const part of chunks(docs, BATCH)) {
        const keys = sql.join(part.map((d) => sql`(${d.kind}::text, ${d.id}::text)`));
        await sql`delete from search_documents where (kind, id) in (values ${keys})`.execute(tx);
      }
    });
  }

  async removeOwner(ownerId: string): Promise<void> {
    await sql`delete from search_documents where owner_id = ${ownerId}`.execute(this.db);
  }

  async search(q: SearchQuery): Promise<SearchPage> {
    const p = prepareSearch(q);
    const query = tsQuery(p.terms);
    const { from, before } = p.dates;
    const kinds = q.kinds && q.kinds.length > 0 ? [...q.kinds] : undefined;
    const tags = q.tags && q.tags.length > 0 ? q.tags.map(foldText) : undefined;
    // The newest RANK_WINDOW matches (GIN finds them; only their seq travels through the sort), ranked,
    // then the page's texts read. A larger work_mem keeps the bitmap of a common word exact: a lossy one
    // makes PostgreSQL recheck every row of every page it touches.
    const run = (db: SearchDb) =>
      sql<StoredRow>`with q as (select ${query}::tsquery as q),
      w as (
        select s.seq from search_documents s, q
        where s.owner_id = ${q.ownerId} and s.terms @@ q.q
        ${kinds ? sql`and s.kind = any(${kinds}::text[])` : sql``}
        ${q.bookId !== undefined ? sql`and s.book_id = ${q.bookId}` : sql``}
        ${tags ? sql`and s.tags @> ${tags}::text[]` : sql``}
        ${from !== undefined ? sql`and s.date >= ${from}` : sql``}
        ${before !== undefined ? sql`and s.date < ${before}` : sql``}
        order by s.seq desc limit ${this.rankWindow}
      )
      select d.kind, d.id, d.book_id, d.date, d.language, d.title, d.body, r.score
      from (
        select s.seq, ts_rank(${WEIGHTS}::float4[], s.terms, q.q) as score
        from w join search_documents s on s.seq = w.seq, q
        order by score desc, s.seq desc
        limit ${p.limit + 1} offset ${p.offset}
      ) r join search_documents d on d.seq = r.seq
      order by r.score desc, r.seq desc`.execute(db);
    const outer = this.db;
    const rows = outer.isTransaction
      ? await run(outer)
      : await outer.transaction().execute(async (tx) => {
          await sql`select set_config('work_mem', '64MB', true)`.execute(tx);
          return run(tx);
        });
    return toSearchPage(q, p, rows.rows);
  }

  async rebuild(
    source: AsyncIterable<readonly SearchDocument[]>,
    scope?: { ownerId: string },
  ): Promise<number> {
    return inSearchTransaction(this.db, async (tx) => {
      if (scope) await sql`delete from search_documents where owner_id = ${scope.ownerId}`.execute(tx);
      else await sql`delete from search_documents`.execute(tx);
      let n = 0;
      for await (const batch of checkedBatches(source, scope)) {
        await writeMany(tx, batch);
        n += batch.length;
      }
      return n;
    });
  }

  async count(ownerId: string): Promise<number> {
    const r = await sql<{
      n: number;
    }>`select count(*)::int as n from search_documents where owner_id = ${ownerId}`.execute(this.db);
    return Number(r.rows[0]?.n ?? 0);
  }

  async capabilities(): Promise<SearchCapabilities> {
    return { engine: "postgres-tsvector", stemmedLanguages: STEMMED_LANGUAGES, cjk: true, notes: [] };
  }
}

async function writeMany(tx: SearchDb, docs: readonly SearchDocument[]): Promise<void> {
  // The last version of a document given twice in one call wins (one INSERT may not touch a row twice).
  const latest = new Map<string, SearchDocument>();
  for (const d of docs) latest.set(`${d.kind}\u0000${d.id}`, d);
  const list = [...latest.values()];
  // Written out with its parameters (CompiledQuery.raw): building 200 rows as Kysely templates cost more
  // than the statement's own work on the client.
  for (const part of chunks(list, BATCH)) {
    const params: unknown[] = [];
    const rows: string[] = [];
    for (const d of part) {
      const terms = documentTerms(d);
      const n = params.length;
      const p = (k: number) => `$${n + k}`;
      rows.push(
        `(${p(1)}, ${p(2)}, ${p(3)}, ${p(4)}, ${p(5)}, ${p(6)}, ${p(7)}::text[], ${p(8)}, ${p(9)}, ${p(10)}::tsvector)`,
      );
      params.push(
        d.kind,
        d.id,
        d.ownerId,
        d.bookId ?? null,
        storedDate(d.date),
        d.language ?? null,
        terms.tags,
        d.title == null ? null : storedText(d.title),
        storedText(d.body),
        tsvectorLiteral(terms),
      );
    }
    await tx.executeQuery(
      CompiledQuery.raw(
        `insert into search_documents (kind, id, owner_id, book_id, date, language, tags, title, body, terms)
      values ${rows.join(", ")}
      on conflict (kind, id) do update set owner_id = excluded.owner_id, book_id = excluded.book_id,
        date = excluded.date, language = excluded.language, tags = excluded.tags, title = excluded.title,
        body = excluded.body, terms = excluded.terms`,
        params,
      ),
    );
  }
}
