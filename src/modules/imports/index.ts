import { defineModule } from "../../platform/module/module.js";
import { ImportRepo } from "./import.repo.js";
import { ImportService } from "./import.service.js";
import { IMPORTS_EXPORT } from "./imports.export.js";
import { importsRoutes } from "./imports.routes.js";
import * as imports from "./migrations/0005-imports.js";

/** What the imports module reads of the configuration. */
export interface ImportsConfig {
  /** Largest import file in bytes. */
  importMaxBytes: number;
}

/** Goodreads and StoryGraph CSV imports: idempotent, with a dry run and a report per row. */
export const importsModule = defineModule({
  name: "imports",
  migrations: { "0005-imports": imports },
  create(ctx, { config }: { config: ImportsConfig }) {
    const service = new ImportService({
      uow: ctx.uow,
      repo: new ImportRepo(ctx.uow),
      clock: ctx.clock,
      events: ctx.events,
    });
    return {
      services: { imports: service },
      exportTables: IMPORTS_EXPORT,
      routes: async (app) => {
        await app.register(importsRoutes, { imports: service, maxBytes: config.importMaxBytes });
      },
    };
  },
});
