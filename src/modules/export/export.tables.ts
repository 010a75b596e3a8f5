import { type TObject, type TSchema, Type } from "@sinclair/typebox";
import { sql } from "kysely";
import type { Db } from "../../platform/db/database.js";
import type { Tables } from "../../platform/db/schema.js";
import { Instant } from "../../platform/http/responses.js";
import { LocalDateSchema } from "../books/books.schemas.js";

/**
 * THE list of what a user owns, in the order it is exported and restored (parents before children).
 * A new user-owned table gets one entry here and is then exported, restored and round-trip tested.
 * Derived tables (sums kept from other rows) are not listed: a restore rebuilds them.
 *
 * Columns are the table's, without owner_id, named in camelCase in the document (total_pages →
 * totalPages); `json` columns hold JSON text in the database and a JSON value in the document.
 */
export interface ExportedTable {
  /** The document's field. */
  key: string;
  table: keyof Tables;
  /** A unique, stable order (keyset pagination while streaming). */
  orderBy: readonly string[];
  /** The row as written in the document (camelCase). */
  row: TObject;
  /** Columns holding another exported row's id: column (camelCase) → the table (key) it names. */
  refs: Readonly<Record<string, string>>;
  /** Columns stored as JSON text. */
  json?: readonly string[];
}

const Id = Type.String({ minLength: 1, maxLength: 64 });
// The API's own rules: a real calendar day, an instant that parses (issue 11: "2026-02-30", a leap second).
const Day = LocalDateSchema;
const At = Instant;
const Status = Type.Union(
  ["wishlist", "reading", "paused", "finished", "abandoned"].map((s) => Type.Literal(s)),
);
const Source = Type.Union(
  ["web", "api", "cli", "whatsapp", "telegram", "import"].map((s) => Type.Literal(s)),
);
const orNull = (t: TSchema) => Type.Union([t, Type.Null()]);
const Text = (max: number) => Type.String({ maxLength: max });
const row = (props: Record<string, TSchema>) => Type.Object(props, { additionalProperties: false });

export const EXPORTED_TABLES: readonly ExportedTable[] = [
  {
    key: "books",
    table: "books",
    orderBy: ["id"],
    row: row({
      id: Id,
      title: Type.String({ minLength: 1, maxLength: 2000 }),
      authors: Type.Array(Text(500), { maxItems: 100 }),
      isbn10: orNull(Type.String({ pattern: "^\\d{9}[\\dX]$" })),
      isbn13: orNull(Type.String({ pattern: "^\\d{13}$" })),
      totalPages: orNull(Type.Integer({ minimum: 1 })),
      coverUrl: orNull(Text(2000)),
      metadataSource: orNull(Text(100)),
      status: Status,
      currentReadingId: orNull(Id),
      createdAt: At,
      updatedAt: At,
    }),
    refs: { currentReadingId: "readings" },
    json: ["authors"],
  },
  {
    key: "readings",
    table: "readings",
    orderBy: ["id"],
    row: row({
      id: Id,
      bookId: Id,
      status: Status,
      startedOn: orNull(Day),
      finishedOn: orNull(Day),
      rating: orNull(Type.Number({ minimum: 0, maximum: 5 })),
      review: orNull(Text(100_000)),
      createdAt: At,
      updatedAt: At,
    }),
    refs: { bookId: "books" },
  },
  {
    key: "statusChanges",
    table: "status_changes",
    orderBy: ["id"],
    row: row({
      id: Id,
      readingId: Id,
      fromStatus: orNull(Status),
      toStatus: Status,
      localDate: Day,
      changedAt: At,
    }),
    refs: { readingId: "readings" },
  },
  {
    key: "progressEntries",
    table: "progress_entries",
    orderBy: ["id"],
    row: row({
      id: Id,
      readingId: Id,
      bookId: Id,
      page: orNull(Type.Integer({ minimum: 0 })),
      percent: orNull(Type.Number({ minimum: 0, maximum: 100 })),
      localDate: Day,
      recordedAt: At,
      source: Source,
      supersedes: orNull(Id),
      pagesDelta: Type.Integer(),
      note: orNull(Text(10_000)),
    }),
    refs: { readingId: "readings", bookId: "books", supersedes: "progressEntries" },
  },
  {
    key: "goals",
    table: "goals",
    orderBy: ["year"],
    row: row({
      year: Type.Integer({ minimum: 1900, maximum: 3000 }),
      books: orNull(Type.Integer({ minimum: 0 })),
      pages: orNull(Type.Integer({ minimum: 0 })),
      updatedAt: At,
    }),
    refs: {},
  },
  {
    key: "importKeys",
    table: "import_keys",
    orderBy: ["source", "external_id"],
    row: row({
      source: Text(50),
      externalId: Text(200),
      bookId: Id,
      createdAt: At,
    }),
    refs: { bookId: "books" },
  },
  {
    key: "links",
    table: "links",
    orderBy: ["id"],
    row: row({
      id: Id,
      url: Text(8192),
      status: Type.Literal("saved"),
      comment: orNull(Text(10_000)),
      source: Source,
      createdAt: At,
    }),
    refs: {},
  },
  {
    key: "reviewSettings",
    table: "review_settings",
    // One row per owner.
    orderBy: ["owner_id"],
    row: row({ desiredRetention: Type.Number({ minimum: 0.7, maximum: 0.99 }), updatedAt: At }),
    refs: {},
  },
  {
    key: "reviewCards",
    table: "review_cards",
    orderBy: ["id"],
    row: row({
      id: Id,
      kind: Type.Union(["book", "note", "highlight"].map((k) => Type.Literal(k))),
      // Book cards only so far: when note and highlight cards arrive, their subjects need their own refs.
      subjectId: Id,
      bookId: Id,
      prompt: Text(10_000),
      dueOn: Day,
      dueAt: At,
      stability: Type.Number({ minimum: 0 }),
      difficulty: Type.Number({ minimum: 0 }),
      elapsedDays: Type.Integer({ minimum: 0 }),
      scheduledDays: Type.Integer({ minimum: 0 }),
      learningSteps: Type.Integer({ minimum: 0 }),
      reps: Type.Integer({ minimum: 0 }),
      lapses: Type.Integer({ minimum: 0 }),
      state: Type.Integer({ minimum: 0, maximum: 3 }),
      lastReview: orNull(At),
      desiredRetention: orNull(Type.Number({ minimum: 0.7, maximum: 0.99 })),
      suspendedAt: orNull(At),
      retiredAt: orNull(At),
      createdAt: At,
      updatedAt: At,
    }),
    refs: { subjectId: "books", bookId: "books" },
  },
  {
    key: "reviewLogs",
    table: "review_logs",
    orderBy: ["id"],
    row: row({
      id: Id,
      cardId: Id,
      grade: Type.Integer({ minimum: 1, maximum: 4 }),
      state: Type.Integer({ minimum: 0, maximum: 3 }),
      scheduledDays: Type.Integer({ minimum: 0 }),
      reviewedAt: At,
      localDate: Day,
      source: Source,
      idempotencyKey: Text(300),
    }),
    refs: { cardId: "reviewCards" },
  },
];

/*
 * Deliberately not exported: channel_links, channel_codes and messages are bound to a provider
 * address (a WhatsApp number can be linked to one account only, provider ids are unique), so a
 * restore would collide with the original account; conversations and text_undo are short-lived
 * chat state; sessions, tokens and the password never leave the server.
 */

/** Derived tables, rebuilt for the owner from the restored rows (inside the restore's transaction). */
export const DERIVED: readonly { table: keyof Tables; rebuild(tx: Db, ownerId: string): Promise<void> }[] = [
  {
    table: "daily_pages",
    rebuild: async (tx, ownerId) => {
      await sql`insert into daily_pages (owner_id, local_date, book_id, pages, entries)
        select owner_id, local_date, book_id, sum(pages_delta), count(*) from progress_entries
        where owner_id = ${ownerId} group by owner_id, local_date, book_id`.execute(tx);
    },
  },
];

export const toColumn = (field: string) => field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** A database row (owner_id dropped) as the document writes it. */
export function toDocumentRow(t: ExportedTable, dbRow: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of Object.keys(t.row.properties)) {
    const v = dbRow[toColumn(field)];
    out[field] = t.json?.includes(field) && typeof v === "string" ? JSON.parse(v) : v;
  }
  return out;
}

/** A document row as a database row of `ownerId`. */
export function toDatabaseRow(
  t: ExportedTable,
  docRow: Record<string, unknown>,
  ownerId: string,
): Record<string, unknown> {
  const out: Record<string, unknown> = { owner_id: ownerId };
  for (const field of Object.keys(t.row.properties)) {
    const v = docRow[field];
    out[toColumn(field)] = t.json?.includes(field) ? JSON.stringify(v) : v;
  }
  return out;
}

export const EXPORT_FORMAT = "readlog-export";
export const EXPORT_VERSION = 1;

/** The whole document, for validating a restore and describing both routes in OpenAPI. */
export const ExportDocument = Type.Object(
  {
    format: Type.Literal(EXPORT_FORMAT),
    version: Type.Integer({
      minimum: 1,
      description: `This server writes and reads version ${EXPORT_VERSION}`,
    }),
    exportedAt: At,
    user: Type.Object({
      id: Type.String(),
      email: Type.String(),
      name: Type.String({ maxLength: 100 }),
      timezone: Type.String({ minLength: 1, maxLength: 64 }),
      createdAt: At,
    }),
    ...Object.fromEntries(EXPORTED_TABLES.map((t) => [t.key, Type.Array(t.row)])),
  },
  { $id: "ReadlogExport", description: "Everything one user owns (no password, sessions or tokens)" },
);
