/**
 * What `undo` puts back. Every change a text command makes leaves one `text_undo` row; `undo` reverts the
 * newest row of the conversation not yet undone, so repeated `undo`s walk back one change at a time.
 *
 * - progress: the log is append-only, so an undone entry is not deleted. A new entry with
 *   `note = "undo"` supersedes it, carrying the position before it and the negative of its pages on the
 *   same local day, so day totals, calendar and stats come out as if it had never been sent. A total
 *   page count set by `dune 142/412` is restored, and a book that the entry resumed is paused again.
 *   Refused when newer progress was recorded for that read-through since.
 * - shelf: a move within a read-through is reversed in place (status and dates restored, the reversal
 *   appended to the shelf history); a move that opened a new read-through (re-reading a finished book)
 *   removes that read-through if nothing was logged on it.
 * - book: a book created by `start`/`want` is deleted if no progress was recorded for it.
 * - links: the saved links are deleted.
 */
import type { Actor } from "../../platform/access/actor.js";
import { newId } from "../../platform/ids.js";
import type { BooksRepo } from "../books/books.repo.js";
import type { ReadingStatus } from "../books/books.tables.js";
import type { ReadingsRepo } from "../books/readings.repo.js";
import type { ReadingsService } from "../books/readings.service.js";
import type { ProgressRepo } from "../progress/progress.repo.js";
import type { EntrySource } from "../progress/progress.tables.js";
import { shortTitle } from "./reply-format.js";
import type { TextRepo, TextUndoRepo, UndoRow } from "./text.repo.js";

/** The repositories and services `undo` acts through, in the message's unit of work. */
export interface UndoDeps {
  readings: ReadingsService;
  books: BooksRepo;
  readingsRepo: ReadingsRepo;
  progress: ProgressRepo;
  text: TextRepo;
  undo: TextUndoRepo;
}

/** What one text change recorded so it can be reverted. */
export type UndoPayload =
  | { kind: "progress"; entryId: string; prevTotalPages?: number | null; resumed?: boolean }
  | {
      kind: "shelf";
      bookId: string;
      readingId: string;
      to: ReadingStatus;
      before: { status: ReadingStatus; startedOn: string | null; finishedOn: string | null };
      /** Set when the move opened `readingId` as a new read-through after this one. */
      previousReadingId?: string;
    }
  | { kind: "book"; bookId: string }
  | { kind: "links"; ids: string[] };

/** The note of an entry that reverts another (its `supersedes`). */
export const UNDO_NOTE = "undo";

const round2 = (n: number) => Math.round(n * 100) / 100;

/** Reverts one change in the caller's unit of work; answers the reply. Throws nothing expected: refusals are replies. */
export async function revert(
  d: UndoDeps,
  reader: Actor,
  row: UndoRow,
  ctx: { now: Date; today: string; source: EntrySource },
): Promise<{ text: string; bookId?: string }> {
  const p = JSON.parse(row.payload) as UndoPayload;
  const { undo, books, readings } = d;
  const at = ctx.now.toISOString();
  switch (p.kind) {
    case "progress": {
      const entry = await undo.entry(reader.userId, p.entryId);
      if (!entry) return { text: "That change is gone already (the book was deleted)." };
      const { book, current } = await readings.current(reader, entry.book_id);
      const progress = d.progress;
      // Entries after it must all be undone ones (or the undo entries themselves).
      const after = await undo.entriesAfter(entry);
      const reverted = new Set(after.filter((e) => e.note === UNDO_NOTE).map((e) => e.supersedes));
      if (after.some((e) => e.note !== UNDO_NOTE && !reverted.has(e.id)))
        return {
          text: `Newer progress of ${shortTitle(book.title)} was recorded since, so I left it as it is. Send the right page instead.`,
          bookId: book.id,
        };
      const prev = await undo.entryBefore(entry);
      const page = entry.page !== null ? entry.page - entry.pages_delta : (prev?.page ?? null);
      const total = p.prevTotalPages !== undefined ? p.prevTotalPages : book.total_pages;
      const percent = prev?.percent ?? (page !== null && total ? round2((page / total) * 100) : 0);
      const last = await progress.last(entry.reading_id);
      const lastAt = Date.parse(last?.recorded_at ?? entry.recorded_at);
      const when = ctx.now.getTime() <= lastAt ? new Date(lastAt + 1) : ctx.now;
      await progress.insert({
        id: newId(when.getTime()),
        owner_id: reader.userId,
        reading_id: entry.reading_id,
        book_id: entry.book_id,
        page,
        percent,
        local_date: entry.local_date,
        recorded_at: when.toISOString(),
        source: ctx.source,
        supersedes: entry.id,
        pages_delta: -entry.pages_delta,
        note: UNDO_NOTE,
      });
      if (p.prevTotalPages !== undefined)
        await books.update(reader.userId, book.id, { total_pages: p.prevTotalPages, updated_at: at });
      if (p.resumed && current.id === entry.reading_id && current.status === "reading")
        await readings.applyMove(reader, book, current, "paused", ctx.today);
      const where = page ? `p.${page}` : "the start";
      return { text: `Undone: ${shortTitle(book.title)} is back to ${where}.`, bookId: book.id };
    }
    case "shelf": {
      const book = await books.byId(reader.userId, p.bookId);
      if (!book) return { text: "That change is gone already (the book was deleted)." };
      const title = shortTitle(book.title);
      if (book.current_reading_id !== p.readingId || book.status !== p.to)
        return { text: `${title} has moved since, so I left it where it is.`, bookId: book.id };
      if (p.previousReadingId) {
        if (await undo.hasEntries(reader.userId, { readingId: p.readingId }))
          return { text: `Pages were logged on ${title} since, so I left it as it is.`, bookId: book.id };
        const repo = d.readingsRepo;
        const previous = await repo.byId(reader.userId, p.previousReadingId);
        if (!previous) return { text: "That change is gone already.", bookId: book.id };
        await undo.deleteReading(reader.userId, p.readingId);
        await books.setCurrent(book.id, previous.id, previous.status, at);
        return { text: `Undone: ${title} is back on ${shelfName(previous.status)}.`, bookId: book.id };
      }
      const repo = d.readingsRepo;
      await repo.update(p.readingId, {
        status: p.before.status,
        started_on: p.before.startedOn,
        finished_on: p.before.finishedOn,
        updated_at: at,
      });
      await repo.insertChange({
        id: newId(ctx.now.getTime()),
        owner_id: reader.userId,
        reading_id: p.readingId,
        from_status: p.to,
        to_status: p.before.status,
        local_date: ctx.today,
        changed_at: at,
      });
      await books.setCurrent(book.id, p.readingId, p.before.status, at);
      return { text: `Undone: ${title} is back on ${shelfName(p.before.status)}.`, bookId: book.id };
    }
    case "book": {
      const book = await books.byId(reader.userId, p.bookId);
      if (!book) return { text: "That book is gone already." };
      if (await undo.hasEntries(reader.userId, { bookId: book.id }))
        return {
          text: `Pages were logged on ${shortTitle(book.title)} since, so I kept it.`,
          bookId: book.id,
        };
      await books.delete(reader.userId, book.id);
      return { text: `Undone: removed ${shortTitle(book.title)}.` };
    }
    case "links": {
      const n = await d.text.deleteLinks(reader.userId, p.ids);
      return {
        text: n
          ? `Undone: removed ${n === 1 ? "the saved link" : `${n} saved links`}.`
          : "Those links are gone already.",
      };
    }
  }
}

/** How a shelf is named in replies. */
export function shelfName(status: ReadingStatus): string {
  switch (status) {
    case "wishlist":
      return "your want-to-read list";
    case "reading":
      return "your reading shelf";
    case "paused":
      return "the paused shelf";
    case "finished":
      return "the finished shelf";
    case "abandoned":
      return "the dropped shelf";
  }
}
