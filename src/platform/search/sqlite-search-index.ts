import { CompiledQuery, sql } from "kysely";
import { chunks } from "../db/chunks.js";
import {
  checkDocument,
  checkedBatches,
  documentList,
  documentTerms,
  storedDate,
  storedText,
} from "./document-terms.js";
import { fts5Match, metaToken, RANK_WINDOW } from "./engine-queries.js";
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
import { STEMMED_LANGUAGES, stemmerFor } from "./stemmers.js";

/** Documents per owner: an owner's rowids are num × 2³² … num × 2³² + 2³² − 1. */
const SPAN = 2 ** 32;
/** Owner numbers stay below 2²¹ so that every rowid is a safe JavaScript integer. */
const MAX_OWNERS = 2 ** 21 - 1;
// bm25 weights per column (title, body, stems, meta): a title word weighs most, a stem less than the word.
const RANK = sql`bm25(search_fts, 4.0, 1.0, 0.5, 0.0)`;

const range = (num: number) => ({ lo: num * SPAN, hi: num * SPAN + SPAN - 1 });

interface Owner {
  num: number;
  languages: string[];
}

async function owner(tx: SearchDb, ownerId: string): Promise<Owner | undefined> {
  const r = await sql<{ num: number; languages: string }>`select num, languages from search_owners
    where owner_id = ${ownerId}`.execute(tx);
  const row = r.rows[0];
  return row ? { num: row.num, languages: JSON.parse(row.languages) } : undefined;
}

async function ownerOrNew(tx: SearchDb, ownerId: string): Promise<Owner> {
  const known = await owner(tx, ownerId);
  if (known !== undefined) return known;
  const r = await sql<{
    num: number;
  }>`insert into search_owners (owner_id) values (${ownerId}) returning num`.execute(tx);
  const num = r.rows[0]!.num;
  if (num > MAX_OWNERS) throw new Error(`the search index holds at most ${MAX_OWNERS} owners`);
  return { num, languages: [] };
}

/** Records the stemmer languages of documents about to be written for an owner. */
async function noteLanguages(
  tx: SearchDb,
  ownerId: string,
  o: Owner,
  docs: readonly SearchDocument[],
): Promise<void> {
  const seen = new Set(o.languages);
  for (const d of docs) {
    const code = stemmerFor(d.language ?? undefined)?.code;
    if (code) seen.add(code);
  }
  if (seen.size === o.languages.length) return;
  o.languages = [...seen].sort();
  await sql`update search_owners set languages = ${JSON.stringify(o.languages)} where owner_id = ${ownerId}`.execute(
    tx,
  );
}

/** The FTS5 adapter of SearchIndex (tables from search-migrations.ts, kind "sqlite"). */
export class SqliteSearchIndex implements SearchIndex {
  private readonly rankWindow: number;

  /** `rankWindow`: most matches ranked (default RANK_WINDOW); the newest are ranked past it. */
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
    await inSearchTransaction(this.db, async (tx) => {
      const row = await sql<{
        seq: number;
      }>`select seq from search_documents where kind = ${kind} and id = ${id}`
        .execute(tx)
        .then((r) => r.rows[0]);
      if (!row) return;
      await sql`delete from search_fts where rowid = ${row.seq}`.execute(tx);
      await sql`delete from search_documents where seq = ${row.seq}`.execute(tx);
    });
  }

  async removeMany(docs: readonly SearchKey[]): Promise<void> {
    if (docs.length === 0) return;
    await inSearchTransaction(this.db, async (tx) => {
      for (const part of chunks(docs, BATCH)) {
        const keys = sql.join(part.map((d) => sql`(${d.kind}, ${d.id})`));
        const found = await sql<{ seq: number }>`select seq from search_documents
          where (kind, id) in (values ${keys})`.execute(tx);
        if (found.rows.length === 0) continue;
        const seqs = sql.join(found.rows.map((r) => r.seq));
        await sql`delete from search_fts where rowid in (${seqs})`.execute(tx);
        await sql`delete from search_documents where seq in (${seqs})`.execute(tx);
      }
    });
  }

  async removeOwner(ownerId: string): Promise<void> {
    await inSearchTransaction(this.db, async (tx) => {
      const o = await owner(tx, ownerId);
      if (o !== undefined) await clearRange(tx, o.num);
    });
  }

  async search(q: SearchQuery): Promise<SearchPage> {
    prepareSearch(q, []); // refuse a bad query first, even for an owner with no documents (no stems needed)
    const o = await owner(this.db, q.ownerId);
    if (o === undefined) return { hits: [], nextCursor: null };
    const p = prepareSearch(q, o.languages);
    const match = fts5Match(p.terms, q);
    const { hi } = range(o.num);
    let { lo } = range(o.num);
    const { from, before } = p.dates;
    const dated = from !== undefined || before !== undefined;
    const dateJoin = dated ? sql`join search_documents d2 on d2.seq = f.rowid` : sql``;
    const dateWhere = sql`${from !== undefined ? sql`and d2.date >= ${from}` : sql``}
      ${before !== undefined ? sql`and d2.date < ${before}` : sql``}`;
    // Past RANK_WINDOW matches, rank the newest RANK_WINDOW (found in rowid order, which costs no ranking).
    const edge = await sql<{ seq: number }>`select f.rowid as seq from search_fts f ${dateJoin}
      where search_fts match ${match} and f.rowid between ${lo} and ${hi} ${dateWhere}
      order by f.rowid desc limit 1 offset ${this.rankWindow - 1}`.execute(this.db);
    if (edge.rows[0]) lo = edge.rows[0].seq;
    // Rank over rowids only (FTS5 seeks to the owner's rowid range), then read the page's texts.
    const ranked = sql`select f.rowid as seq, ${RANK} as rank from search_fts f ${dateJoin}
      where search_fts match ${match} and f.rowid between ${lo} and ${hi} ${dateWhere}
      order by rank, f.rowid limit ${p.limit + 1} offset ${p.offset}`;
    const rows =
      await sql<StoredRow>`select d.kind, d.id, d.book_id, d.date, d.language, d.title, d.body, -r.rank as score
      from (${ranked}) r join search_documents d on d.seq = r.seq
      where d.owner_id = ${q.ownerId}
      order by r.rank, r.seq`.execute(this.db);
    return toSearchPage(q, p, rows.rows);
  }

  async rebuild(
    source: AsyncIterable<readonly SearchDocument[]>,
    scope?: { ownerId: string },
  ): Promise<number> {
    return inSearchTransaction(this.db, async (tx) => {
      if (scope) {
        const o = await owner(tx, scope.ownerId);
        if (o) {
          await clearRange(tx, o.num);
          await sql`update search_owners set languages = '[]' where num = ${o.num}`.execute(tx);
        }
      } else {
        await sql`insert into search_fts(search_fts) values ('delete-all')`.execute(tx);
        await sql`delete from search_documents`.execute(tx);
        await sql`update search_owners set languages = '[]'`.execute(tx);
      }
      let n = 0;
      for await (const batch of checkedBatches(source, scope)) {
        await writeMany(tx, batch);
        n += batch.length;
      }
      if (!scope) await sql`insert into search_fts(search_fts) values ('optimize')`.execute(tx);
      return n;
    });
  }

  async count(ownerId: string): Promise<number> {
    const r = await sql<{
      n: number;
    }>`select count(*) as n from search_documents where owner_id = ${ownerId}`.execute(this.db);
    return Number(r.rows[0]?.n ?? 0);
  }

  async capabilities(): Promise<SearchCapabilities> {
    return { engine: "sqlite-fts5", stemmedLanguages: STEMMED_LANGUAGES, cjk: true, notes: [] };
  }
}

/** Documents per round of statements: 10 bound values a row, far below SQLite's 32,766. */
const BATCH = 200;

/**
 * Writes documents a batch at a time: one read of the rows they replace, one delete of their old terms,
 * one multi-row insert (or update in place) of the rows and one of the terms — four statements per 200
 * documents instead of four per document. The last version of a document given twice wins.
 */
async function writeMany(tx: SearchDb, docs: readonly SearchDocument[]): Promise<void> {
  const latest = new Map<string, SearchDocument>();
  for (const d of docs) {
    const key = `${d.kind}\u0000${d.id}`;
    latest.delete(key); // keeps the order of the last version
    latest.set(key, d);
  }
  const byOwner = new Map<string, SearchDocument[]>();
  for (const d of latest.values()) {
    const list = byOwner.get(d.ownerId) ?? [];
    list.push(d);
    byOwner.set(d.ownerId, list);
  }
  for (const [ownerId, list] of byOwner) {
    const o = await ownerOrNew(tx, ownerId);
    await noteLanguages(tx, ownerId, o, list);
    for (let i = 0; i < list.length; i += BATCH) await writeBatch(tx, list.slice(i, i + BATCH), o.num);
  }
}

async function clearRange(tx: SearchDb, num: number): Promise<void> {
  const { lo, hi } = range(num);
  await sql`delete from search_fts where rowid in (select seq from search_documents where seq between ${lo} and ${hi})`.execute(
    tx,
  );
  await sql`delete from search_documents where seq between ${lo} and ${hi}`.execute(tx);
}

/** One owner's documents (distinct kind + id, at most BATCH). */
async function writeBatch(tx: SearchDb, docs: readonly SearchDocument[], num: number): Promise<void> {
  const { lo, hi } = range(num);
  const keys = sql.join(docs.map((d) => sql`(${d.kind}, ${d.id})`));
  const found = await sql<{ kind: string; id: string; seq: number }>`select kind, id, seq
    from search_documents where (kind, id) in (values ${keys})`.execute(tx);
  const kept = new Map<string, number>();
  const moved: number[] = [];
  for (const r of found.rows) {
    if (r.seq >= lo && r.seq <= hi) kept.set(`${r.kind}\u0000${r.id}`, r.seq);
    else moved.push(r.seq); // moved to another owner: it takes a rowid in its new owner's range
  }
  if (found.rows.length > 0)
    await sql`delete from search_fts where rowid in (${sql.join(found.rows.map((r) => r.seq))})`.execute(tx);
  if (moved.length > 0) await sql`delete from search_documents where seq in (${sql.join(moved)})`.execute(tx);
  let next = 0;
  if (kept.size < docs.length) {
    const r = await sql<{ seq: number }>`select coalesce(max(seq), ${lo}) as seq from search_documents
      where seq between ${lo} and ${hi}`.execute(tx);
    next = Number(r.rows[0]!.seq);
  }
  // The two multi-row inserts are written out here with their parameters (CompiledQuery.raw): building them
  // as Kysely templates cost more than SQLite took to run them.
  const rows: unknown[] = [];
  const terms: unknown[] = [];
  for (const d of docs) {
    let seq = kept.get(`${d.kind}\u0000${d.id}`);
    if (seq === undefined) {
      seq = ++next;
      if (seq > hi) throw new Error(`owner ${d.ownerId} has more documents than one index range holds`);
    }
    const t = documentTerms(d);
    const meta = [metaToken("k", d.kind)];
    if (d.bookId != null) meta.push(metaToken("b", d.bookId));
    for (const tag of t.tags) meta.push(metaToken("t", tag));
    const stems = [...t.stems.filter((s) => s !== undefined), ...t.chars].join(" ");
    rows.push(
      seq,
      d.kind,
      d.id,
      d.ownerId,
      d.bookId ?? null,
      storedDate(d.date),
      d.language ?? null,
      JSON.stringify(t.tags),
      d.title == null ? null : storedText(d.title),
      storedText(d.body),
    );
    terms.push(seq, t.title.join(" "), t.body.join(" "), stems, meta.join(" "));
  }
  const values = (n: number, width: number) =>
    Array(n)
      .fill(`(${Array(width).fill("?").join(",")})`)
      .join(",");
  await tx.executeQuery(
    CompiledQuery.raw(
      `insert into search_documents (seq, kind, id, owner_id, book_id, date, language, tags, title, body)
    values ${values(docs.length, 10)}
    on conflict (seq) do update set owner_id = excluded.owner_id, book_id = excluded.book_id,
      date = excluded.date, language = excluded.language, tags = excluded.tags, title = excluded.title,
      body = excluded.body`,
      rows,
    ),
  );
  await tx.executeQuery(
    CompiledQuery.raw(
      `insert into search_fts (rowid, title, body, stems, meta) values ${values(docs.length, 5)}`,
      terms,
    ),
  );
}
