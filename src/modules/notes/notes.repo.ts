import type { Insertable, Kysely, Selectable, Updateable } from "kysely";
import { sql } from "kysely";
import { chunks } from "../../platform/db/chunks.js";
import type { DbScope } from "../../platform/db/unit-of-work.js";
import type { SearchDocument } from "../../platform/search/search-index.js";
import type {
  HighlightsTable,
  NoteImportKeysTable,
  NoteLinksTable,
  NoteRevisionsTable,
  NoteSource,
  NotesTable,
  NotesTables,
} from "./notes.tables.js";

type Db = Kysely<NotesTables>;

export type NoteRow = Selectable<NotesTable>;
export type NoteRevisionRow = Selectable<NoteRevisionsTable>;
export type HighlightRow = Selectable<HighlightsTable>;
export type NoteLinkRow = Selectable<NoteLinksTable>;

/** Filters of the note and highlight lists (newest first, keyset on id). */
export interface ListFilter {
  limit: number;
  cursor?: string;
  bookId?: string;
  /** A tag as stored (lower case). */
  tag?: string;
  source?: NoteSource;
  color?: string;
  /** On this kind of other object (with targetId). */
  targetType?: string;
  targetId?: string;
}

/** The LIKE pattern finding `tag` inside a JSON array column of lower-case tags. */
export function tagPattern(tag: string): string {
  return `%${JSON.stringify(tag).replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** SQL of notes, their revisions and wikilinks, and highlights. Every owner-facing query names the owner. */
export class NotesRepo {
  constructor(private readonly scope: DbScope) {}

  private get db(): Db {
    return this.scope.db;
  }

  /** A note by id whoever owns it (the access policy decides who may see it). */
  noteById(id: string): Promise<NoteRow | undefined> {
    return this.db.selectFrom("notes").selectAll().where("id", "=", id).executeTakeFirst();
  }

  async insertNote(row: Insertable<NotesTable>): Promise<void> {
    await this.db.insertInto("notes").values(row).execute();
  }

  /** Changes a note; with `ifVersion`, only if it is still at that version. Returns whether it changed. */
  async updateNote(id: string, patch: Updateable<NotesTable>, ifVersion?: number): Promise<boolean> {
    let q = this.db.updateTable("notes").set(patch).where("id", "=", id);
    if (ifVersion !== undefined) q = q.where("version", "=", ifVersion);
    const r = await q.executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  async deleteNote(id: string): Promise<void> {
    await this.db.deleteFrom("notes").where("id", "=", id).execute();
  }

  listNotes(ownerId: string, f: ListFilter): Promise<NoteRow[]> {
    let q = this.db.selectFrom("notes").selectAll().where("owner_id", "=", ownerId);
    if (f.cursor) q = q.where("id", "<", f.cursor);
    if (f.bookId) q = q.where("book_id", "=", f.bookId);
    if (f.source) q = q.where("source", "=", f.source);
    if (f.tag) q = q.where(sql<boolean>`tags like ${tagPattern(f.tag)} escape '\\'`);
    if (f.targetType) q = q.where("target_type", "=", f.targetType).where("target_id", "=", f.targetId!);
    return q.orderBy("id", "desc").limit(f.limit).execute();
  }

  /** Notes among these ids, of owners other than `notOwner`, filtered as a list is, newest first. */
  notesAmong(ids: readonly string[], notOwner: string, f: Omit<ListFilter, "limit" | "cursor">) {
    if (ids.length === 0) return Promise.resolve([]);
    let q = this.db
      .selectFrom("notes")
      .selectAll()
      .where("id", "in", [...ids])
      .where("owner_id", "<>", notOwner);
    if (f.bookId) q = q.where("book_id", "=", f.bookId);
    if (f.source) q = q.where("source", "=", f.source);
    if (f.tag) q = q.where(sql<boolean>`tags like ${tagPattern(f.tag)} escape '\\'`);
    return q.orderBy("id", "desc").execute();
  }

  /** The owner's notes whose folded title is one of `keys` (wikilink targets). */
  notesByTitleKeys(ownerId: string, keys: readonly string[]): Promise<NoteRow[]> {
    if (keys.length === 0) return Promise.resolve([]);
    return this.db
      .selectFrom("notes")
      .selectAll()
      .where("owner_id", "=", ownerId)
      .where("title_key", "in", [...keys])
      .execute();
  }

  async insertRevision(row: Insertable<NoteRevisionsTable>): Promise<void> {
    await this.db.insertInto("note_revisions").values(row).execute();
  }

  revisions(noteId: string, limit = 200): Promise<NoteRevisionRow[]> {
    return this.db
      .selectFrom("note_revisions")
      .selectAll()
      .where("note_id", "=", noteId)
      .orderBy("version", "desc")
      .limit(limit)
      .execute();
  }

  revision(noteId: string, version: number): Promise<NoteRevisionRow | undefined> {
    return this.db
      .selectFrom("note_revisions")
      .selectAll()
      .where("note_id", "=", noteId)
      .where("version", "=", version)
      .executeTakeFirst();
  }

  /** Replaces a note's wikilinks. */
  async replaceLinks(noteId: string, rows: readonly Insertable<NoteLinksTable>[]): Promise<void> {
    await this.db.deleteFrom("note_links").where("note_id", "=", noteId).execute();
    if (rows.length > 0)
      await this.db
        .insertInto("note_links")
        .values([...rows])
        .execute();
  }

  linksOf(noteId: string): Promise<NoteLinkRow[]> {
    return this.db
      .selectFrom("note_links")
      .selectAll()
      .where("note_id", "=", noteId)
      .orderBy("ord")
      .execute();
  }

  /** Notes of the owner linking to any of these folded targets. */
  backlinks(ownerId: string, keys: readonly string[]): Promise<Array<{ id: string; title: string | null }>> {
    if (keys.length === 0) return Promise.resolve([]);
    return this.db
      .selectFrom("note_links as l")
      .innerJoin("notes as n", "n.id", "l.note_id")
      .select(["n.id", "n.title"])
      .distinct()
      .where("l.owner_id", "=", ownerId)
      .where("l.target_key", "in", [...keys])
      .orderBy("n.id", "desc")
      .limit(500)
      .execute();
  }

  highlightById(id: string): Promise<HighlightRow | undefined> {
    return this.db.selectFrom("highlights").selectAll().where("id", "=", id).executeTakeFirst();
  }

  /** The owner's highlights among these ids. */
  /** Which of these ids are the owner's highlights (ids only: nothing else of the rows is read). */
  async existingHighlightIds(ownerId: string, ids: readonly string[]): Promise<Set<string>> {
    const out = new Set<string>();
    for (let i = 0; i < ids.length; i += 500) {
      const rows = await this.db
        .selectFrom("highlights")
        .select("id")
        .where("owner_id", "=", ownerId)
        .where("id", "in", ids.slice(i, i + 500))
        .execute();
      for (const r of rows) out.add(r.id);
    }
    return out;
  }

  async highlightsByIds(ownerId: string, ids: readonly string[]): Promise<HighlightRow[]> {
    const out: HighlightRow[] = [];
    for (let i = 0; i < ids.length; i += 500)
      out.push(
        ...(await this.db
          .selectFrom("highlights")
          .selectAll()
          .where("owner_id", "=", ownerId)
          .where("id", "in", ids.slice(i, i + 500))
          .execute()),
      );
    return out;
  }

  /** Every highlight of the owner on one target (an article), oldest first. */
  highlightsOnTarget(ownerId: string, targetType: string, targetId: string): Promise<HighlightRow[]> {
    return this.db
      .selectFrom("highlights")
      .selectAll()
      .where("owner_id", "=", ownerId)
      .where("target_type", "=", targetType)
      .where("target_id", "=", targetId)
      .orderBy("id")
      .execute();
  }

  /** Inserts highlights, 500 rows a statement (chunks()). */
  async insertHighlights(rows: readonly Insertable<HighlightsTable>[]): Promise<void> {
    for (const part of chunks(rows)) await this.db.insertInto("highlights").values(part).execute();
  }

  async updateHighlight(id: string, patch: Updateable<HighlightsTable>): Promise<void> {
    await this.db.updateTable("highlights").set(patch).where("id", "=", id).execute();
  }

  async deleteHighlight(id: string): Promise<void> {
    await this.db.deleteFrom("highlights").where("id", "=", id).execute();
  }

  listHighlights(ownerId: string, f: ListFilter): Promise<HighlightRow[]> {
    let q = this.db.selectFrom("highlights").selectAll().where("owner_id", "=", ownerId);
    if (f.cursor) q = q.where("id", "<", f.cursor);
    if (f.bookId) q = q.where("book_id", "=", f.bookId);
    if (f.source) q = q.where("source", "=", f.source);
    if (f.color) q = q.where("color", "=", f.color);
    if (f.tag) q = q.where(sql<boolean>`tags like ${tagPattern(f.tag)} escape '\\'`);
    if (f.targetType) q = q.where("target_type", "=", f.targetType).where("target_id", "=", f.targetId!);
    return q.orderBy("id", "desc").limit(f.limit).execute();
  }

  /** How many notes and highlights the owner keeps on a book. */
  /** The owner's highlight ids on a book, in id order. */
  async highlightIdsOnBook(ownerId: string, bookId: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom("highlights")
      .select("id")
      .where("owner_id", "=", ownerId)
      .where("book_id", "=", bookId)
      .orderBy("id")
      .execute();
    return rows.map((r) => r.id);
  }

  /** The owner's books with at least one highlight. */
  async booksWithHighlights(ownerId: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom("highlights")
      .select("book_id")
      .distinct()
      .where("owner_id", "=", ownerId)
      .where("book_id", "is not", null)
      .execute();
    return rows.flatMap((r) => (r.book_id ? [r.book_id] : []));
  }

  /** How many notes and highlights the owner keeps on each of `bookIds` (every one listed, 0 when none). */
  async countsForBooks(
    ownerId: string,
    bookIds: readonly string[],
  ): Promise<Map<string, { notes: number; highlights: number }>> {
    const out = new Map(bookIds.map((id) => [id, { notes: 0, highlights: 0 }]));
    for (let i = 0; i < bookIds.length; i += 500) {
      const ids = bookIds.slice(i, i + 500);
      for (const table of ["notes", "highlights"] as const) {
        const rows = await this.db
          .selectFrom(table)
          .select((eb) => ["book_id", eb.fn.countAll().as("n")])
          .where("owner_id", "=", ownerId)
          .where("book_id", "in", ids)
          .groupBy("book_id")
          .execute();
        for (const r of rows) {
          const c = r.book_id ? out.get(r.book_id) : undefined;
          if (c) c[table] = Number(r.n);
        }
      }
    }
    return out;
  }

  async countsForBook(ownerId: string, bookId: string): Promise<{ notes: number; highlights: number }> {
    const count = async (table: "notes" | "highlights") =>
      Number(
        (
          await this.db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll().as("n"))
            .where("owner_id", "=", ownerId)
            .where("book_id", "=", bookId)
            .executeTakeFirstOrThrow()
        ).n,
      );
    return { notes: await count("notes"), highlights: await count("highlights") };
  }

  /** Every tag of the owner's notes and highlights with how often each is used. */
  async tagCounts(ownerId: string): Promise<Array<{ tag: string; notes: number; highlights: number }>> {
    const each = (table: "notes" | "highlights") =>
      this.scope.kind === "postgres"
        ? sql<{ tag: string; n: string | number }>`select t.tag, count(*) as n
            from ${sql.table(table)} as x, jsonb_array_elements_text(x.tags::jsonb) as t(tag)
            where x.owner_id = ${ownerId} and x.tags <> '[]' group by t.tag`.execute(this.db)
        : sql<{ tag: string; n: number }>`select j.value as tag, count(*) as n
            from ${sql.table(table)} as x, json_each(x.tags) as j
            where x.owner_id = ${ownerId} and x.tags <> '[]' group by j.value`.execute(this.db);
    const out = new Map<string, { tag: string; notes: number; highlights: number }>();
    for (const [table, field] of [
      ["notes", "notes"],
      ["highlights", "highlights"],
    ] as const)
      for (const r of (await each(table)).rows) {
        const e = out.get(r.tag) ?? { tag: r.tag, notes: 0, highlights: 0 };
        e[field] = Number(r.n);
        out.set(r.tag, e);
      }
    return [...out.values()].sort((a, b) => a.tag.localeCompare(b.tag));
  }

  /** Rows of a table in id order after `after` (one owner's, or everyone's), for rebuilding the index. */
  page(
    table: "books" | "notes" | "highlights",
    ownerId: string | undefined,
    after: string | undefined,
    limit: number,
  ) {
    let q = this.db.selectFrom(table).selectAll();
    if (ownerId) q = q.where("owner_id", "=", ownerId);
    if (after) q = q.where("id", ">", after);
    return q.orderBy("id").limit(limit).execute();
  }

  /** Every note or highlight of the owner on one book (null: on no book), oldest first. */
  ofBook(table: "notes" | "highlights", ownerId: string, bookId: string | null) {
    let q = this.db.selectFrom(table).selectAll().where("owner_id", "=", ownerId);
    q = bookId === null ? q.where("book_id", "is", null) : q.where("book_id", "=", bookId);
    return q.orderBy("id").execute();
  }

  /** The search index's documents of kinds other than these, as stored (to carry them over a rebuild). */
  async indexedOtherKinds(kinds: readonly string[], ownerId: string | undefined): Promise<SearchDocument[]> {
    // biome-ignore lint/suspicious/noExplicitAny: the index's table belongs to the search adapters
    let q = (this.db as unknown as Kysely<any>)
      .selectFrom("search_documents")
      .select(["kind", "id", "owner_id", "book_id", "date", "language", "tags", "title", "body"])
      .where("kind", "not in", [...kinds]);
    if (ownerId) q = q.where("owner_id", "=", ownerId);
    const rows = await q.orderBy("kind").orderBy("id").execute();
    return rows.map((r) => ({
      kind: r.kind,
      id: r.id,
      ownerId: r.owner_id,
      bookId: r.book_id,
      date: r.date === null ? null : String(r.date),
      language: r.language,
      tags: Array.isArray(r.tags) ? r.tags : (JSON.parse(r.tags) as string[]),
      title: r.title,
      body: r.body,
    }));
  }

  /** `kind/id` of those of these objects that exist and are the owner's. */
  async existing(
    ownerId: string,
    ids: { books: string[]; notes: string[]; highlights: string[] },
  ): Promise<Set<string>> {
    const out = new Set<string>();
    for (const [table, kind] of [
      ["books", "book"],
      ["notes", "note"],
      ["highlights", "highlight"],
    ] as const) {
      const list = ids[table];
      if (list.length === 0) continue;
      const rows = await this.db
        .selectFrom(table)
        .select("id")
        .where("owner_id", "=", ownerId)
        .where("id", "in", list)
        .execute();
      for (const r of rows) out.add(`${kind}/${r.id}`);
    }
    return out;
  }

  /** Which of these import keys the owner's earlier imports from `source` wrote, and what they became. */
  async knownKeys(
    ownerId: string,
    source: string,
    keys: readonly string[],
  ): Promise<Map<string, Pick<NoteImportKeysTable, "kind" | "object_id">>> {
    const out = new Map<string, Pick<NoteImportKeysTable, "kind" | "object_id">>();
    for (let i = 0; i < keys.length; i += 500) {
      const rows = await this.db
        .selectFrom("note_import_keys")
        .select(["key", "kind", "object_id"])
        .where("owner_id", "=", ownerId)
        .where("source", "=", source)
        .where("key", "in", keys.slice(i, i + 500))
        .execute();
      for (const r of rows) out.set(r.key, { kind: r.kind, object_id: r.object_id });
    }
    return out;
  }

  async insertKeys(rows: readonly Insertable<NoteImportKeysTable>[]): Promise<void> {
    for (let i = 0; i < rows.length; i += 500)
      await this.db
        .insertInto("note_import_keys")
        .values(rows.slice(i, i + 500))
        .onConflict((oc) => oc.columns(["owner_id", "source", "key"]).doNothing())
        .execute();
  }
}
