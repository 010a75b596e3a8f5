import { sql } from "kysely";
import { checkDocument, documentList, documentTerms, storedDate, storedText } from "./document-terms.js";
import { fts5Match, metaToken } from "./engine-queries.js";
import { inSearchTransaction, resolveDb, type SearchDb, type SearchDbSource } from "./search-db.js";
import { prepareSearch, type StoredRow, toSearchPage } from "./search-flow.js";
import type {
  SearchCapabilities,
  SearchDocument,
  SearchIndex,
  SearchPage,
  SearchQuery,
} from "./search-index.js";
import { STEMMED_LANGUAGES } from "./stemmers.js";

/** Documents per owner: an owner's rowids are num × 2³² … num × 2³² + 2³² − 1. */
const SPAN = 2 ** 32;
/** Owner numbers stay below 2²¹ so that every rowid is a safe JavaScript integer. */
const MAX_OWNERS = 2 ** 21 - 1;
// bm25 weights per column (title, body, stems, meta): a title word weighs most, a stem less than the word.
const RANK = sql`bm25(search_fts, 4.0, 1.0, 0.5, 0.0)`;

const range = (num: number) => ({ lo: num * SPAN, hi: num * SPAN + SPAN - 1 });

async function ownerNum(tx: SearchDb, ownerId: string): Promise<number | undefined> {
  const r = await sql<{ num: number }>`select num from search_owners where owner_id = ${ownerId}`.execute(tx);
  return r.rows[0]?.num;
}

async function ownerNumOrNew(tx: SearchDb, ownerId: string): Promise<number> {
  const known = await ownerNum(tx, ownerId);
  if (known !== undefined) return known;
  const r = await sql<{
    num: number;
  }>`insert into search_owners (owner_id) values (${ownerId}) returning num`.execute(tx);
  const num = r.rows[0]!.num;
  if (num > MAX_OWNERS) throw new Error(`the search index holds at most ${MAX_OWNERS} owners`);
  return num;
}

/** The FTS5 adapter of SearchIndex (tables from search-migrations.ts, kind "sqlite"). */
export class SqliteSearchIndex implements SearchIndex {
  constructor(private readonly source: SearchDbSource) {}

  private get db(): SearchDb {
    return resolveDb(this.source);
  }

  async upsert(docs: SearchDocument | readonly SearchDocument[]): Promise<void> {
    const list = documentList(docs);
    for (const d of list) checkDocument(d);
    if (list.length === 0) return;
    await inSearchTransaction(this.db, async (tx) => {
      const nums = new Map<string, number>();
      for (const d of list) {
        let num = nums.get(d.ownerId);
        if (num === undefined) {
          num = await ownerNumOrNew(tx, d.ownerId);
          nums.set(d.ownerId, num);
        }
        await writeOne(tx, d, num);
      }
    });
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
      const num = await ownerNum(tx, ownerId);
      if (num !== undefined) await clearRange(tx, num);
    });
  }

  async search(q: SearchQuery): Promise<SearchPage> {
    const p = prepareSearch(q);
    const num = await ownerNum(this.db, q.ownerId);
    if (num === undefined) return { hits: [], nextCursor: null };
    const { lo, hi } = range(num);
    const match = fts5Match(p.terms, q);
    const { from, before } = p.dates;
    const dated = from !== undefined || before !== undefined;
    // Rank over rowids only (FTS5 seeks to the owner's rowid range), then read the page's texts.
    const ranked = dated
      ? sql`select f.rowid as seq, ${RANK} as rank from search_fts f join search_documents d2 on d2.seq = f.rowid
          where search_fts match ${match} and f.rowid between ${lo} and ${hi}
          ${from !== undefined ? sql`and d2.date >= ${from}` : sql``}
          ${before !== undefined ? sql`and d2.date < ${before}` : sql``}
          order by rank, f.rowid limit ${p.limit + 1} offset ${p.offset}`
      : sql`select rowid as seq, ${RANK} as rank from search_fts
          where search_fts match ${match} and rowid between ${lo} and ${hi}
          order by rank, rowid limit ${p.limit + 1} offset ${p.offset}`;
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
      let num: number | undefined;
      if (scope) {
        num = await ownerNumOrNew(tx, scope.ownerId);
        await clearRange(tx, num);
      } else {
        await sql`insert into search_fts(search_fts) values ('delete-all')`.execute(tx);
        await sql`delete from search_documents`.execute(tx);
      }
      let n = 0;
      const nums = new Map<string, number>();
      for await (const batch of source) {
        for (const d of batch) {
          checkDocument(d);
          if (scope && d.ownerId !== scope.ownerId) {
            throw new TypeError(`rebuild for owner ${scope.ownerId} was given a document of another owner`);
          }
          let owner = num ?? nums.get(d.ownerId);
          if (owner === undefined) {
            owner = await ownerNumOrNew(tx, d.ownerId);
            nums.set(d.ownerId, owner);
          }
          await writeOne(tx, d, owner);
          n++;
        }
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
