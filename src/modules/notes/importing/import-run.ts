import type { Actor } from "../../../platform/access/actor.js";
import type { Clock } from "../../../platform/clock.js";
import type { UnitOfWork } from "../../../platform/db/unit-of-work.js";
import type { EventLog } from "../../../platform/events/event-log.js";
import type { BooksRepo } from "../../books/books.repo.js";
import type { BooksService } from "../../books/books.service.js";
import type { HighlightsService } from "../highlights.service.js";
import type { NotesRepo } from "../notes.repo.js";
import type { NotesService } from "../notes.service.js";
import type { BookMatcher } from "./book-matcher.js";
import type { ReportBuilder } from "./import-report.js";

export interface NoteImportDeps {
  uow: UnitOfWork;
  clock: Clock;
  events: EventLog;
  repo: NotesRepo;
  notes: NotesService;
  highlights: HighlightsService;
  books: BooksService;
  booksRepo: BooksRepo;
}

/** What writing one import needs: who, the matcher of books, the report, the import time. */
export interface ImportRun {
  actor: Actor;
  matcher: BookMatcher;
  report: ReportBuilder;
  at: string;
  dryRun: boolean;
  /** A device-local time (Kindle writes no zone) as an instant, in the offset given or the actor's zone. */
  instant(local: string | undefined, utcOffset?: string): string | null;
}
