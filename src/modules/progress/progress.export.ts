import { Type } from "@sinclair/typebox";
import { sql } from "kysely";
import { Instant as At, Id } from "../../platform/http/responses.js";
import {
  type DerivedTable,
  type ExportedTable,
  orNull,
  exportRow as row,
} from "../../platform/portability/exported-table.js";
import { LocalDateSchema as Day, PAGES_MAX } from "../books/books.schemas.js";
import { EntryNote, Page, Percent, SourceSchema } from "./progress.schemas.js";

/** The progress log, as the full export writes it. */
export const PROGRESS_EXPORT: readonly ExportedTable[] = [
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
];

/** Pages per day is a sum of the log: rebuilt for the owner from the restored entries. */
export const PROGRESS_DERIVED: readonly DerivedTable[] = [
  {
    table: "daily_pages",
    rebuild: async (tx, ownerId) => {
      await sql`insert into daily_pages (owner_id, local_date, book_id, pages, entries)
        select owner_id, local_date, book_id, sum(pages_delta), count(*) from progress_entries
        where owner_id = ${ownerId} group by owner_id, local_date, book_id`.execute(tx);
    },
  },
];
