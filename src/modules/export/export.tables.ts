import { type TObject, type TSchema, Type } from "@sinclair/typebox";
import type { Kysely } from "kysely";
import { sql } from "kysely";

// biome-ignore lint/suspicious/noExplicitAny: every exported module's tables
type Db = Kysely<any>;

import { Id, Instant } from "../../platform/http/responses.js";
import {
  Authors,
  CoverUrl,
  LocalDateSchema,
  MetadataSource,
  PAGES_MAX,
  StatusSchema,
  TITLE_MAX,
  Title,
  TotalPages,
} from "../books/books.schemas.js";
import { EXTERNAL_ID_MAX, IMPORT_FORMATS, REVIEW_MAX } from "../imports/import-record.js";
import { EntryNote, Page, Percent, SourceSchema } from "../progress/progress.schemas.js";
import { IdempotencyKey, Retention } from "../review/review.schemas.js";
import { GoalBooks, GoalPages, GoalYear } from "../stats/goals.schemas.js";
import { MAX_INPUT_CHARS } from "../text/parser.js";
import { Name, TimeZone } from "../users/users.schemas.js";

const ExternalId = Type.String({ minLength: 1, maxLength: EXTERNAL_ID_MAX });

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
  table: string;
  /** A unique, stable order (keyset pagination while streaming). */
  orderBy: readonly string[];
  /** The row as written in the document (camelCase). */
  row: TObject;
  /** Columns holding another exported row's id: column (camelCase) → the table (key) it names. */
  refs: Readonly<Record<string, string>>;
  /** Columns stored as JSON text. */
  json?: readonly string[];
}

/*
 * Each field uses the rule the API applies where it creates the value (one definition per rule, imported
 * from the owning module): a restore accepts only what the API could have stored (issue 11). The rules
 * between rows (links, one current read-through, no correction cycles…) are in restore-checks.ts.
 */
const Day = LocalDateSchema;
const At = Instant;
const orNull = (t: TSchema) => Type.Union([t, Type.Null()]);
const Text = (max: number) => Type.String({ maxLength: max });
const row = (props: Record<string, TSchema>) => Type.Object(props, { additionalProperties: false });
/** Most rows of one table in a document: far above any library, and a cap for the validator. */
const ROWS_MAX = 1_000_000;
/** FSRS's longest interval (ts-fsrs maximum_interval), in days. */
const DAYS_MAX = 36_500;

export const EXPORTED_TABLES: readonly ExportedTable[] = [
  {
    key: "books",
    table: "books",
    orderBy: ["id"],
    row: row({
      id: Id,
      title: Title,
      authors: Authors,
      isbn10: orNull(Type.String({ pattern: "^\\d{9}[\\dX]$" })),
      isbn13: orNull(Type.String({ pattern: "^97[89]\\d{10}$" })),
      totalPages: orNull(TotalPages),
      coverUrl: orNull(CoverUrl),
      metadataSource: orNull(MetadataSource),
      status: StatusSchema,
      currentReadingId: Id,
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
      status: StatusSchema,
      startedOn: orNull(Day),
      finishedOn: orNull(Day),
      rating: orNull(Type.Number({ minimum: 0, maximum: 5 })),
      review: orNull(Text(REVIEW_MAX)),
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
      fromStatus: orNull(StatusSchema),
      toStatus: StatusSchema,
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
      page: orNull(Page),
      percent: orNull(Percent),
      localDate: Day,
      recordedAt: At,
      source: SourceSchema,
      supersedes: orNull(Id),
      pagesDelta: Type.Integer({ minimum: -PAGES_MAX, maximum: PAGES_MAX }),
      note: orNull(EntryNote),
    }),
    refs: { readingId: "readings", bookId: "books", supersedes: "progressEntries" },
  },
  {
    key: "goals",
    table: "goals",
    orderBy: ["year"],
    row: row({ year: GoalYear, books: orNull(GoalBooks), pages: orNull(GoalPages), updatedAt: At }),
    refs: {},
  },
  {
    key: "importKeys",
    table: "import_keys",
    orderBy: ["source", "external_id"],
    row: row({
      source: Type.Union(IMPORT_FORMATS.map((f) => Type.Literal(f))),
      externalId: ExternalId,
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
      // Links are saved from text messages (at most MAX_INPUT_CHARS); restore-checks.ts applies isHttpUrl.
      url: Type.String({ minLength: 1, maxLength: MAX_INPUT_CHARS }),
      status: Type.Literal("saved"),
      comment: orNull(Text(MAX_INPUT_CHARS)),
      source: SourceSchema,
      createdAt: At,
    }),
    refs: {},
  },
  {
    key: "reviewSettings",
    table: "review_settings",
    // One row per owner.
    orderBy: ["owner_id"],
    row: row({ desiredRetention: Retention, updatedAt: At }),
    refs: {},
  },
  {
    key: "reviewCards",
    table: "review_cards",
    orderBy: ["id"],
    row: row({
      id: Id,
      // Book cards only so far: when note and highlight cards arrive, their subjects need their own refs.
      kind: Type.Literal("book"),
      subjectId: Id,
      bookId: Id,
      prompt: Type.String({ minLength: 1, maxLength: TITLE_MAX + 200 }),
      dueOn: Day,
      dueAt: At,
      stability: Type.Number({ minimum: 0, maximum: 1_000_000 }),
      difficulty: Type.Number({ minimum: 0, maximum: 10 }),
      elapsedDays: Type.Integer({ minimum: 0, maximum: DAYS_MAX * 10 }),
      scheduledDays: Type.Integer({ minimum: 0, maximum: DAYS_MAX }),
      learningSteps: Type.Integer({ minimum: 0, maximum: 100 }),
      reps: Type.Integer({ minimum: 0, maximum: 1_000_000 }),
      lapses: Type.Integer({ minimum: 0, maximum: 1_000_000 }),
      state: Type.Integer({ minimum: 0, maximum: 3 }),
      lastReview: orNull(At),
      desiredRetention: orNull(Retention),
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
      scheduledDays: Type.Integer({ minimum: 0, maximum: DAYS_MAX }),
      reviewedAt: At,
      localDate: Day,
      source: SourceSchema,
      idempotencyKey: IdempotencyKey,
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
export const DERIVED: readonly { table: string; rebuild(tx: Db, ownerId: string): Promise<void> }[] = [
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

/** The fields of a row schema that hold an instant (alone or nullable). */
function instantFields(t: ExportedTable): Set<string> {
  const isInstant = (s: TSchema): boolean =>
    s.format === "date-time" || ((s.anyOf ?? []) as TSchema[]).some((x) => x.format === "date-time");
  return new Set(Object.entries(t.row.properties).flatMap(([f, s]) => (isInstant(s) ? [f] : [])));
}
const INSTANTS = new Map(EXPORTED_TABLES.map((t) => [t.key, instantFields(t)]));

/**
 * A document row as a database row of `ownerId`. Instants are stored as the API stores them (UTC,
 * `toISOString`), so that rows compare in time order on SQLite too ("…T10:00:00+02:00" would not).
 */
export function toDatabaseRow(
  t: ExportedTable,
  docRow: Record<string, unknown>,
  ownerId: string,
): Record<string, unknown> {
  const out: Record<string, unknown> = { owner_id: ownerId };
  const instants = INSTANTS.get(t.key);
  for (const field of Object.keys(t.row.properties)) {
    const v = docRow[field];
    out[toColumn(field)] = t.json?.includes(field)
      ? JSON.stringify(v)
      : typeof v === "string" && instants?.has(field)
        ? new Date(v).toISOString()
        : v;
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
      id: Type.String({ maxLength: 64 }),
      email: Type.String({ maxLength: 254 }),
      name: Name,
      timezone: TimeZone,
      createdAt: At,
    }),
    ...Object.fromEntries(EXPORTED_TABLES.map((t) => [t.key, Type.Array(t.row, { maxItems: ROWS_MAX })])),
  },
  { $id: "ReadlogExport", description: "Everything one user owns (no password, sessions or tokens)" },
);
