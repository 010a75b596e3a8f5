import { defineModule } from "../../platform/module/module.js";
import type { BooksRepo } from "../books/books.repo.js";
import type { BooksService } from "../books/books.service.js";
import type { ReadingsRepo } from "../books/readings.repo.js";
import type { ReadingsService } from "../books/readings.service.js";
import type { DaysService } from "../days/days.service.js";
import type { ProgressRepo } from "../progress/progress.repo.js";
import type { ProgressService } from "../progress/progress.service.js";
import type { ReviewService } from "../review/review.service.js";
import type { StatsService } from "../stats/stats.service.js";
import type { UsersRepo } from "../users/users.repo.js";
import * as text from "./migrations/0007-text.js";
import { LINKS_EXPORT } from "./text.export.js";
import { TextRepo, TextUndoRepo } from "./text.repo.js";
import { textRoutes } from "./text.routes.js";
import { TextService } from "./text.service.js";

/** The text command language for every channel: conversations, numbered choices, undo. */
export const textModule = defineModule({
  name: "text",
  migrations: { "0007-text": text },
  create(
    ctx,
    deps: {
      users: UsersRepo;
      books: BooksService;
      booksRepo: BooksRepo;
      readings: ReadingsService;
      readingsRepo: ReadingsRepo;
      progress: ProgressService;
      entries: ProgressRepo;
      days: DaysService;
      stats: StatsService;
      review: ReviewService;
    },
  ) {
    const service = new TextService({
      ...deps,
      uow: ctx.uow,
      clock: ctx.clock,
      text: new TextRepo(ctx.uow),
      undoRepo: new TextUndoRepo(ctx.uow),
      log: ctx.log,
    });
    return {
      services: { text: service },
      exportTables: LINKS_EXPORT,
      routes: async (app) => {
        await app.register(textRoutes, { text: service });
      },
    };
  },
});
