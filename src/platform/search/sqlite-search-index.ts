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
      for (const d of list) await writeOne(tx, d);
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
      await sql`delete from search_fts where rowid in (select seq from search_documents where owner_id = ${ownerId})`.execute(
        tx,
      );
      await sql`delete from search_documents where owner_id = ${ownerId}`.execute(tx);
    });
  }

  async search(q: SearchQuery): Promise<SearchPage> {
    const p = prepareSearch(q);
    const match = fts5Match(p.terms, q);
    const { from, before } = p.dates;
    const dated = from !== undefined || before !== undefined;
    // Rank first over ids only, then read the texts of the page's rows (sorting every match with its body
    // would carry all of them through the sorter).
    const ranked = dated
      ? sql`select f.rowid as seq, f.rank as rank from search_fts f join search_documents d2 on d2.seq = f.rowid
          where search_fts match ${match}
          ${from !== undefined ? sql`and d2.date >= ${from}` : sql``}
          ${before !== undefined ? sql`and d2.date < ${before}` : sql``}
          order by f.rank, f.rowid limit ${p.limit + 1} offset ${p.offset}`
      : sql`select f.rowid as seq, f.rank as rank from search_fts f where search_fts match ${match}
          order by f.rank, f.rowid limit ${p.limit + 1} offset ${p.offset}`;
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
        await sql`delete from search_fts where rowid in (select seq from search_documents where owner_id = ${scope.ownerId})`.execute(
          tx,
        );
        await sql`delete from search_documents where owner_id = ${scope.ownerId}`.execute(tx);
      } else {
        await sql`insert into search_fts(search_fts) values ('delete-all')`.execute(tx);
        await sql`delete from search_documents`.execute(tx);
      }
      let n = 0;
      for await (const batch of source) {
        for (const d of batch) {
          checkDocument(d);
          if (scope && d.ownerId !== scope.ownerId) {
            throw new TypeError(`rebuild for owner ${scope.ownerId} was given a document of another owner`);
          }
          await writeOne(tx, d);
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

async function writeOne(tx: SearchDb, d: SearchDocument): Promise<void> {
  const terms = documentTerms(d);
  const meta = [metaToken("o", d.ownerId), metaToken("k", d.kind)];
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
  const existing = await sql<{
    seq: number;
  }>`select seq from search_documents where kind = ${d.kind} and id = ${d.id}`
    .execute(tx)
    .then((r) => r.rows[0]);
  let seq: number;
  if (existing) {
    seq = existing.seq;
    await sql`delete from search_fts where rowid = ${seq}`.execute(tx);
    await sql`update search_documents set owner_id = ${row.owner}, book_id = ${row.book}, date = ${row.date},
      language = ${row.language}, tags = ${row.tags}, title = ${row.title}, body = ${row.body} where seq = ${seq}`.execute(
      tx,
    );
  } else {
    const inserted = await sql<{ seq: number }>`insert into search_documents
      (kind, id, owner_id, book_id, date, language, tags, title, body)
      values (${d.kind}, ${d.id}, ${row.owner}, ${row.book}, ${row.date}, ${row.language}, ${row.tags}, ${row.title}, ${row.body})
      returning seq`.execute(tx);
    seq = inserted.rows[0]!.seq;
  }
  await sql`insert into search_fts (rowid, title, body, stems, meta)
    values (${seq}, ${terms.title.join(" ")}, ${terms.body.join(" ")}, ${stems}, ${meta.join(" ")})`.execute(
    tx,
  );
}
