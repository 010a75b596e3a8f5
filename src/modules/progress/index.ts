import { defineModule } from "../../platform/module/module.js";
import type { BookFinder } from "../books/books.commands.js";
import type { BooksRepo } from "../books/books.repo.js";
import type { BooksService } from "../books/books.service.js";
import type { ReadingsService } from "../books/readings.service.js";
import * as dailyPages from "./migrations/0004-daily-pages.js";
import { progressCommands } from "./progress.commands.js";
import { PROGRESS_DERIVED, PROGRESS_EXPORT } from "./progress.export.js";
import { ProgressRepo } from "./progress.repo.js";
import { progressRoutes } from "./progress.routes.js";
import { checkTotalPages, ProgressService } from "./progress.service.js";

/** The append-only progress log and the pages-per-day rollup kept with it. */
export const progressModule = defineModule({
  name: "progress",
  // The progress_entries table itself was created by 0002-readlog (the books module's).
  migrations: { "0004-daily-pages": dailyPages },
  create(
    ctx,
    deps: { books: BooksService; booksRepo: BooksRepo; readings: ReadingsService; bookFinder: BookFinder },
  ) {
    const entries = new ProgressRepo(ctx.uow);
    const progress = new ProgressService({
      ...deps,
      uow: ctx.uow,
      entries,
      clock: ctx.clock,
      events: ctx.events,
    });
    // A book's total pages never go below a page this module recorded for its current read-through.
    deps.books.useProgressFacts({
      checkTotalPages: (readingId, total) => checkTotalPages(entries, readingId, total),
      hasEntries: (ownerId, by) => entries.hasEntries(ownerId, by),
    });
    return {
      services: { progress, entries },
      textCommands: progressCommands({
        finder: deps.bookFinder,
        booksRepo: deps.booksRepo,
        readings: deps.readings,
        progress,
        entries,
      }),
      exportTables: PROGRESS_EXPORT,
      derivedTables: PROGRESS_DERIVED,
      routes: async (app) => {
        await app.register(progressRoutes, { progress });
      },
    };
  },
});
