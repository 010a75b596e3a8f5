import { defineModule } from "../../platform/module/module.js";
import type { BooksRepo } from "../books/books.repo.js";
import type { DaysService } from "../days/days.service.js";
import { GoalsRepo } from "./goals.repo.js";
import { summaryCommands } from "./stats.commands.js";
import { GOALS_EXPORT } from "./stats.export.js";
import { StatsRepo } from "./stats.repo.js";
import { statsRoutes } from "./stats.routes.js";
import { StatsService } from "./stats.service.js";
import { YearInBooksRepo } from "./year-in-books.repo.js";

/** Reading statistics and yearly goals, derived from the progress log and the shelves. */
export const statsModule = defineModule({
  name: "stats",
  // The goals table was created by 0002-readlog (the books module's).
  create(ctx, { days, booksRepo }: { days: DaysService; booksRepo: BooksRepo }) {
    const stats = new StatsService({
      stats: new StatsRepo(ctx.uow),
      goals: new GoalsRepo(ctx.uow),
      years: new YearInBooksRepo(ctx.uow),
      clock: ctx.clock,
    });
    return {
      services: { stats },
      textCommands: [summaryCommands({ days, stats, books: booksRepo })],
      exportTables: GOALS_EXPORT,
      routes: async (app) => {
        await app.register(statsRoutes, { stats });
      },
    };
  },
});
