import { defineModule } from "../../platform/module/module.js";
import { exportRoutes } from "./export.routes.js";
import { ExportService } from "./export.service.js";

/** The full JSON export of everything a user owns, and its lossless restore into an empty account. */
export const exportModule = defineModule({
  name: "export",
  create(ctx, { config }: { config: { importMaxBytes: number } }) {
    const exporter = new ExportService({ uow: ctx.uow, clock: ctx.clock, events: ctx.events });
    return {
      services: { exporter },
      // Every module's tables, in module order (parents before children).
      assembled: (all) =>
        exporter.useTables(
          all.flatMap((m) => m.exportTables ?? []),
          all.flatMap((m) => m.derivedTables ?? []),
        ),
      routes: async (app) => {
        await app.register(exportRoutes, { exporter, maxBytes: config.importMaxBytes });
      },
    };
  },
});
