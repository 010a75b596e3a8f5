import { LINK_RELATION } from "../../platform/access/grants.js";
import { ownedPolicy } from "../../platform/access/owned-policy.js";
import { defineModule } from "../../platform/module/module.js";
import { PostgresSearchIndex } from "../../platform/search/postgres-search-index.js";
import type { SearchIndex } from "../../platform/search/search-index.js";
import { SqliteSearchIndex } from "../../platform/search/sqlite-search-index.js";
import type { BookFinder } from "../books/books.commands.js";
import type { BooksRepo } from "../books/books.repo.js";
import type { BooksService } from "../books/books.service.js";
import type { ImportsConfig } from "../imports/index.js";
import type { HighlightReview } from "../review/highlight-review.js";
import type { ReviewService } from "../review/review.service.js";
import type { UsersRepo } from "../users/users.repo.js";
import { TargetAnchors } from "./anchoring/target-anchors.js";
import { highlightsRoutes } from "./highlights.routes.js";
import { HighlightsService } from "./highlights.service.js";
import { NoteImportService } from "./importing/note-import.service.js";
import { noteImportsRoutes } from "./importing/note-imports.routes.js";
import { MarkdownExportService } from "./markdown-export.service.js";
import * as notes from "./migrations/0014-notes.js";
import { noteQueryCommands, noteTextCommands } from "./notes.commands.js";
import { NOTES_EXPORT, notesDerived } from "./notes.export.js";
import { NotesRepo } from "./notes.repo.js";
import { notesRoutes } from "./notes.routes.js";
import { NotesService } from "./notes.service.js";
import { HighlightCards, highlightCardsSubscriber, highlightSource } from "./review-cards.js";
import { searchRoutes } from "./search.routes.js";
import { SearchService } from "./search.service.js";

const shared = (resource: string) => ({
  [`${resource}.read`]: { relations: ["owner", "editor", "viewer"], scope: "read" as const },
  [`${resource}.update`]: { relations: ["owner", "editor"], scope: "write" as const },
  [`${resource}.delete`]: { relations: ["owner"], scope: "write" as const },
});

/** Notes and highlights (Markdown, revisions, wikilinks, locations), search over them, their imports and exports. */
export const notesModule = defineModule({
  name: "notes",
  migrations: { "0014-notes": notes },
  create(
    ctx,
    deps: {
      booksRepo: BooksRepo;
      books: BooksService;
      bookFinder: BookFinder;
      review: ReviewService;
      highlightReview: HighlightReview;
      users: UsersRepo;
      config: ImportsConfig;
    },
  ) {
    const repo = new NotesRepo(ctx.uow);
    // The index writes in the caller's unit of work: a note and its index entry commit together.
    const source = () => ctx.uow.db;
    const searchIndex: SearchIndex =
      ctx.uow.kind === "postgres" ? new PostgresSearchIndex(source) : new SqliteSearchIndex(source);
    const base = {
      uow: ctx.uow,
      clock: ctx.clock,
      events: ctx.events,
      access: ctx.access,
      grants: ctx.grants,
      repo,
      books: deps.booksRepo,
      search: searchIndex,
    };
    const notesService = new NotesService(base);
    const highlights = new HighlightsService(base);
    const search = new SearchService({ uow: ctx.uow, index: searchIndex, repo, books: deps.booksRepo });
    const noteImports = new NoteImportService({
      uow: ctx.uow,
      clock: ctx.clock,
      events: ctx.events,
      repo,
      notes: notesService,
      highlights,
      books: deps.books,
      booksRepo: deps.booksRepo,
    });
    // Review cards show the current counts and quotes: read when a card is shown, never stored once.
    deps.review.useHighlights(highlightSource(repo));
    // Highlights on saved articles (the links module registers how to read an article's text) follow the
    // article when it is extracted again; `link.processed` is found by name (links is built after notes).
    const anchors = new TargetAnchors({ uow: ctx.uow, clock: ctx.clock, repo, highlights });
    const cards = new HighlightCards({
      review: deps.review,
      highlightReview: deps.highlightReview,
      highlights,
      books: deps.booksRepo,
    });
    const markdown = new MarkdownExportService({ repo, books: deps.booksRepo });
    const commandDeps = {
      notes: notesService,
      highlights,
      search,
      finder: deps.bookFinder,
      booksRepo: deps.booksRepo,
    };
    return {
      services: {
        notes: notesService,
        highlights,
        notesRepo: repo,
        searchIndex,
        search,
        noteImports,
        highlightAnchors: anchors,
      },
      subscribers: [
        search.bookSubscriber(),
        highlightCardsSubscriber(deps.highlightReview, deps.users),
        anchors.subscriber({
          name: "highlight-anchors-links",
          event: "link.processed",
          targetType: "link",
          // Every run that left the article readable: a re-extraction (`reextracted`), and also the first
          // extraction after a restore, whose restored highlights were made on the earlier text.
          changed: (p) => (p as { status?: unknown }).status === "ready",
        }),
      ],
      exportTables: NOTES_EXPORT,
      derivedTables: notesDerived(async (ownerId) => {
        await notesService.relink(ownerId);
        await search.rebuild(ownerId);
      }),
      textCommands: [noteTextCommands(commandDeps), noteQueryCommands(commandDeps)],
      routes: async (app) => {
        await app.register(notesRoutes, { notes: notesService, repo, markdown });
        await app.register(highlightsRoutes, { highlights, cards });
        await app.register(searchRoutes, { search });
        await app.register(noteImportsRoutes, { imports: noteImports, maxBytes: deps.config.importMaxBytes });
      },
      policies: [
        ownedPolicy(ctx.uow, ctx.grants, {
          resource: "note",
          label: "Note",
          table: "notes",
          // Who it is shared with, and its links (the collab module's), is the owner's to decide. A valid
          // share link presented with a request reads the note (its text, live or saved), nothing more.
          actions: {
            ...shared("note"),
            "note.read": { relations: ["owner", "editor", "viewer", LINK_RELATION], scope: "read" },
            "note.share": { relations: ["owner"], scope: "write" },
          },
        }),
        ownedPolicy(ctx.uow, ctx.grants, {
          resource: "highlight",
          label: "Highlight",
          table: "highlights",
          actions: shared("highlight"),
        }),
      ],
    };
  },
});
