import { ownedPolicy } from "../../platform/access/owned-policy.js";
import { defineModule } from "../../platform/module/module.js";
import { BookFinder, shelfCommands } from "./books.commands.js";
import { BOOKS_EXPORT } from "./books.export.js";
import { BooksRepo } from "./books.repo.js";
import { booksRoutes } from "./books.routes.js";
import { BooksService } from "./books.service.js";
import { type MetadataLookup, noMetadata } from "./metadata.js";
import * as readlog from "./migrations/0002-readlog.js";
import { OpenLibraryLookup } from "./openlibrary.js";
import { ReadingsRepo } from "./readings.repo.js";
import { readingsRoutes } from "./readings.routes.js";
import { ReadingsService } from "./readings.service.js";

/** What the books module reads of the configuration. */
export interface BooksConfig {
  /** Open Library base URL; empty turns lookups off. */
  openLibraryUrl: string;
  openLibraryTimeoutMs: number;
}

/** Books and their read-throughs: shelves, dated moves, re-reads, metadata lookups. */
export const booksModule = defineModule({
  name: "books",
  // Historically this migration also created the progress log and the goals table (now the progress and stats modules').
  migrations: { "0002-readlog": readlog },
  create(ctx, { config }: { config: BooksConfig }) {
    const booksRepo = new BooksRepo(ctx.uow);
    const readingsRepo = new ReadingsRepo(ctx.uow);
    const metadata: MetadataLookup = config.openLibraryUrl
      ? new OpenLibraryLookup(config.openLibraryUrl, config.openLibraryTimeoutMs)
      : noMetadata;
    ctx.log.info({ metadata: config.openLibraryUrl || "off" }, "book metadata lookup adapter chosen");
    const deps = { uow: ctx.uow, clock: ctx.clock, events: ctx.events, access: ctx.access };
    const readings = new ReadingsService({ ...deps, books: booksRepo, readings: readingsRepo });
    const books = new BooksService({ ...deps, books: booksRepo, readings, metadata, log: ctx.log });
    const bookFinder = new BookFinder(booksRepo);
    return {
      services: { books, readings, booksRepo, readingsRepo, bookFinder },
      textCommands: [
        shelfCommands({
          books,
          booksRepo,
          readings,
          readingsRepo,
          finder: bookFinder,
          events: ctx.events,
          progress: () => books.progressFacts,
        }),
      ],
      exportTables: BOOKS_EXPORT,
      routes: async (app) => {
        await app.register(booksRoutes, { books });
        await app.register(readingsRoutes, { readings });
      },
      policies: [
        ownedPolicy(ctx.uow, ctx.grants, {
          resource: "book",
          label: "Book",
          table: "books",
          actions: {
            "book.read": { relations: ["owner", "editor", "viewer"], scope: "read" },
            "book.update": { relations: ["owner", "editor"], scope: "write" },
            "book.delete": { relations: ["owner"], scope: "write" },
          },
        }),
      ],
    };
  },
});
