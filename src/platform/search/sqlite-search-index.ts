import { sql } from "kysely";
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

async function writeMany(tx: SearchDb, docs: readonly SearchDocument[]): Promise<void> {
  const byOwner = new Map<string, SearchDocument[]>();
  for (const d of docs) {
    const list = byOwner.get(d.ownerId) ?? [];
    list.push(d);
    byOwner.set(d.ownerId, list);
  }
  for (const [ownerId, list] of byOwner) {
    const o = await ownerOrNew(tx, ownerId);
    await noteLanguages(tx, ownerId, o, list);
    for (const d of list) await writeOne(tx, d, o.num);
  }
}

async function clearRange(tx: SearchDb, num: number): Promise<void> {
  const { lo, hi } = range(num);
  await sql`delete from search_fts where rowid in (select seq from search_documents where seq between ${lo} and ${hi})`.execute(
    tx,
  );
  await sql`delete from search_documents where seq between ${lo} and ${hi}`.execute(tx);
}

async function writeOne(tx: SearchDb, d: SearchDocument, num: number): Promise<void> {
  const terms = documentTerms(d);
  const meta = [metaToken("k", d.kind)];
  if (d.bookId != null) meta.push(metaToken("b", d.bookId));
  for (const t of terms.tags) meta.push(metaToken("t", t));
  const stems = [...terms.stems.filter((s) => s !== undefined), ...terms.chars].join(" ");
  const row = {
    owner: d.ownerId,
    book: d.bookId ?? null,
    date: storedDate(d.date),
    language: d.language ?? null,
    tags: JSON.stringify(terms.tags),
    title: d.title == null ? null : storedText(d.title),
    body: storedText(d.body),
  };
  const { lo, hi } = range(num);
  const existing = await sql<{
    seq: number;
  }>`select seq from search_documents where kind = ${d.kind} and id = ${d.id}`
    .execute(tx)
    .then((r) => r.rows[0]);
  let seq: number;
  if (existing && existing.seq >= lo && existing.seq <= hi) {
    seq = existing.seq;
    await sql`delete from search_fts where rowid = ${seq}`.execute(tx);
    await sql`update search_documents set owner_id = ${row.owner}, book_id = ${row.book}, date = ${row.date},
      language = ${row.language}, tags = ${row.tags}, title = ${row.title}, body = ${row.body} where seq = ${seq}`.execute(
      tx,
    );
  } else {
    // New, or moved to another owner: it takes a rowid in its owner's range.
    if (existing) {
      await sql`delete from search_fts where rowid = ${existing.seq}`.execute(tx);
      await sql`delete from search_documents where seq = ${existing.seq}`.execute(tx);
    }
    const next = await sql<{ seq: number }>`select coalesce(max(seq), ${lo}) + 1 as seq from search_documents
      where seq between ${lo} and ${hi}`.execute(tx);
    seq = Number(next.rows[0]!.seq);
    if (seq > hi) throw new Error(`owner ${d.ownerId} has more documents than one index range holds`);
    await sql`insert into search_documents (seq, kind, id, owner_id, book_id, date, language, tags, title, body)
      values (${seq}, ${d.kind}, ${d.id}, ${row.owner}, ${row.book}, ${row.date}, ${row.language}, ${row.tags},
        ${row.title}, ${row.body})`.execute(tx);
  }
  await sql`insert into search_fts (rowid, title, body, stems, meta)
    values (${seq}, ${terms.title.join(" ")}, ${terms.body.join(" ")}, ${stems}, ${meta.join(" ")})`.execute(
    tx,
  );
}
